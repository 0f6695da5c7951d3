import { definePolicy } from "truestatus";
import { describe } from "vitest";
import rule from "../../../src/audit/rules/400-for-business-rule.js";
import { exchange, json, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      json(400, { error: "email is required" }),
      json(422, { error: "email already exists" }),
      json(400, { message: "Unexpected token } in JSON" }),
      exchange({ status: 400 }),
    ],
    invalid: [
      {
        exchange: json(400, { error: "A user with this email already exists" }),
        findings: [{ message: /a duplicate.*already exists.*422/, excerpt: /already exists/ }],
      },
      {
        name: "policy 409",
        policy: definePolicy({ duplicateStatus: 409 }),
        exchange: json(400, { code: "DUPLICATE", message: "duplicate key" }),
        findings: [{ message: /duplicate.*409/ }],
      },
      {
        exchange: json(400, { message: "Order is already shipped" }),
        findings: [{ message: /state conflict.*422/ }],
      },
      {
        exchange: exchange({ status: 400, body: "Edit conflict: the document changed" }),
        findings: [{ message: /edit conflict.*409/ }],
      },
    ],
  });
});
