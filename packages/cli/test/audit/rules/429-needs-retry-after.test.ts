import { describe } from "vitest";
import rule from "../../../src/audit/rules/429-needs-retry-after.js";
import { exchange, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      exchange({ status: 429, resHeaders: { "Retry-After": "30" } }),
      exchange({ status: 429, resHeaders: { "Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT" } }),
      {
        name: "RateLimit with a reset",
        exchange: exchange({ status: 429, resHeaders: { RateLimit: '"default";r=0;t=12' } }),
      },
      {
        name: "vendor reset",
        exchange: exchange({ status: 429, resHeaders: { "X-RateLimit-Reset": "1700000000" } }),
      },
      exchange({ status: 200 }),
    ],
    invalid: [
      { exchange: exchange({ status: 429 }), findings: [{ message: /without Retry-After/ }] },
      {
        name: "RateLimit without t",
        exchange: exchange({ status: 429, resHeaders: { RateLimit: '"default";r=0' } }),
        findings: [{ message: /without Retry-After/ }],
      },
      {
        name: "invalid value",
        exchange: exchange({ status: 429, resHeaders: { "Retry-After": "soon" } }),
        findings: [{ message: /invalid Retry-After/, excerpt: /Retry-After: soon/ }],
      },
    ],
  });
});
