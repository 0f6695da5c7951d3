import { describe } from "vitest";
import rule from "../../../src/audit/rules/probe-bad-body-not-400.js";
import { testRule } from "../helpers.js";
import { probed } from "../probe-helpers.js";

const malformed = {
  scenario: "malformed-body",
  did: "POST /users with a body that is not JSON",
  expect: [400],
};
const invalid = {
  scenario: "invalid-body",
  did: 'POST /users with the required field "email" missing',
  expect: [400, 422],
};

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      probed(malformed, { method: "POST", status: 400 }),
      probed(invalid, { method: "POST", status: 422 }),
    ],
    invalid: [
      {
        exchange: probed(malformed, { method: "POST", status: 500 }),
        findings: [{ message: /expected 400, got 500 .*outage/ }],
      },
      {
        exchange: probed(malformed, { method: "POST", status: 422 }),
        findings: [
          { message: /422 for content that could not even be parsed/, severity: "warning" },
        ],
      },
      {
        exchange: probed(invalid, { method: "POST", status: 201 }),
        findings: [{ message: /expected 400 or 422, got 201/ }],
      },
    ],
  });
});
