import { definePolicy } from "truestatus";
import { describe } from "vitest";
import rule from "../../../src/audit/rules/422-for-malformed-json.js";
import { json, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      json(422, { errors: [{ pointer: "/email", detail: "must be an email" }] }),
      json(400, { error: "Unexpected token } in JSON at position 10" }),
    ],
    invalid: [
      {
        exchange: json(422, { error: "Unexpected token } in JSON at position 10" }),
        findings: [{ message: /unparseable.*400/ }],
      },
      {
        name: "whatever the validation policy",
        policy: definePolicy({ validationStatus: 422 }),
        exchange: json(422, { detail: "JSON parse error: Unexpected character" }),
        findings: [{ message: /400/ }],
      },
    ],
  });
});
