import { describe } from "vitest";
import rule from "../../../src/audit/rules/probe-options-without-allow.js";
import { testRule } from "../helpers.js";
import { probed } from "../probe-helpers.js";

const options = { scenario: "options", did: "OPTIONS /orders" };

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      probed(options, { method: "OPTIONS", status: 204, resHeaders: { Allow: "GET, HEAD, POST" } }),
      {
        name: "405 is 405-needs-allow's",
        exchange: probed(options, { method: "OPTIONS", status: 405 }),
      },
    ],
    invalid: [
      {
        exchange: probed(options, { method: "OPTIONS", status: 404 }),
        findings: [{ message: /404 without Allow/ }],
      },
      {
        exchange: probed(options, {
          method: "OPTIONS",
          status: 200,
          resHeaders: { Allow: "GET, (x)" },
        }),
        findings: [{ message: /invalid Allow/ }],
      },
    ],
  });
});
