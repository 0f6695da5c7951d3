import { describe } from "vitest";
import rule from "../../../src/audit/rules/503-needs-retry-after.js";
import { exchange, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      exchange({ status: 503, resHeaders: { "Retry-After": "120" } }),
      exchange({ status: 502 }),
    ],
    invalid: [
      {
        exchange: exchange({ status: 503 }),
        findings: [{ message: /503 without Retry-After/, severity: "info" }],
      },
      {
        exchange: exchange({ status: 503, resHeaders: { "Retry-After": "-1" } }),
        findings: [{ message: /invalid Retry-After/ }],
      },
    ],
  });
});
