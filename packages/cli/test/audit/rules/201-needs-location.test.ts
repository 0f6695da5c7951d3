import { describe } from "vitest";
import rule from "../../../src/audit/rules/201-needs-location.js";
import { exchange, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      exchange({ method: "POST", status: 201, resHeaders: { Location: "/orders/1" } }),
      { name: "PUT creates at the target URI", exchange: exchange({ method: "PUT", status: 201 }) },
    ],
    invalid: [
      {
        exchange: exchange({ method: "POST", target: "/orders", status: 201 }),
        findings: [{ message: /201 to a POST without Location/, severity: "info" }],
      },
    ],
  });
});
