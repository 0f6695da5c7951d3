import { describe } from "vitest";
import rule from "../../../src/audit/rules/405-needs-allow.js";
import { exchange, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      exchange({ status: 405, resHeaders: { Allow: "GET, HEAD" } }),
      {
        name: "an empty Allow is valid: no method is allowed",
        exchange: exchange({ status: 405, resHeaders: { Allow: "" } }),
      },
      exchange({ status: 404 }),
    ],
    invalid: [
      {
        exchange: exchange({ method: "DELETE", status: 405 }),
        findings: [{ message: /405 without Allow/ }],
      },
      {
        exchange: exchange({ status: 405, resHeaders: { Allow: "GET, (bad)" } }),
        findings: [{ message: /invalid Allow/ }],
      },
    ],
  });
});
