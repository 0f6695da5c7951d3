import { describe } from "vitest";
import rule from "../../../src/audit/rules/probe-wrong-method-not-405.js";
import { testRule } from "../helpers.js";
import { probed } from "../probe-helpers.js";

const wrong = {
  scenario: "wrong-method",
  did: "PUT /orders (the document lists GET, POST)",
  expect: [405],
};

describe(rule.id, () => {
  testRule(rule, {
    valid: [probed(wrong, { method: "PUT", status: 405, resHeaders: { Allow: "GET, POST" } })],
    invalid: [
      {
        exchange: probed(wrong, { method: "PUT", status: 404 }),
        findings: [{ message: /got 404 Not Found \(404 says the resource does not exist/ }],
      },
      {
        exchange: probed(wrong, { method: "PUT", status: 200 }),
        findings: [{ message: /got 200 OK/ }],
      },
    ],
  });
});
