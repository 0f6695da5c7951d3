import { describe } from "vitest";
import rule from "../../../src/audit/rules/redirect-needs-location.js";
import { exchange, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      exchange({ status: 302, resHeaders: { Location: "/login" } }),
      exchange({ status: 304 }),
      exchange({ status: 300 }),
    ],
    invalid: [
      {
        exchange: exchange({ status: 301 }),
        findings: [{ message: /301 without Location \(RFC 9110 §15\.4\.2\)/ }],
      },
      {
        exchange: exchange({ status: 308, resHeaders: { "content-type": "text/html" } }),
        findings: [{ message: /308 without Location/ }],
      },
    ],
  });
});
