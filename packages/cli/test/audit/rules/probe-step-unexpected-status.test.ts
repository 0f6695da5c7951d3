import { describe } from "vitest";
import rule from "../../../src/audit/rules/probe-step-unexpected-status.js";
import { testRule } from "../helpers.js";
import { probed } from "../probe-helpers.js";

const step = {
  scenario: "step",
  did: 'step "register the same user again" (scenarios.yaml #2)',
  expect: [409, 422],
};

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      probed(step, { method: "POST", status: 422 }),
      probed(step, { method: "POST", status: 409 }),
    ],
    invalid: [
      {
        exchange: probed(step, { method: "POST", status: 400 }),
        findings: [
          { message: /register the same user again.*expected 409 or 422, got 400 Bad Request/ },
        ],
      },
    ],
  });
});
