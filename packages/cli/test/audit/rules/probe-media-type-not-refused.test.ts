import { describe } from "vitest";
import rule from "../../../src/audit/rules/probe-media-type-not-refused.js";
import { testRule } from "../helpers.js";
import { probed } from "../probe-helpers.js";

const ct = {
  scenario: "unsupported-media-type",
  did: "POST /users with Content-Type: text/plain",
  expect: [415],
};
const accept = {
  scenario: "not-acceptable",
  did: "GET /orders with Accept: application/x-truestatus-probe",
  expect: [406],
};

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      probed(ct, { method: "POST", status: 415 }),
      probed(accept, { status: 406 }),
      {
        name: "RFC 9110 §12.5.1: Accept may be disregarded",
        exchange: probed(accept, { status: 200 }),
      },
    ],
    invalid: [
      {
        exchange: probed(ct, { method: "POST", status: 500 }),
        findings: [{ message: /expected 415, got 500/, severity: "error" }],
      },
      {
        exchange: probed(ct, { method: "POST", status: 400 }),
        findings: [{ message: /expected 415, got 400/, severity: "warning" }],
      },
      {
        exchange: probed(accept, { status: 400 }),
        findings: [{ message: /expected 406, got 400/, severity: "info" }],
      },
    ],
  });
});
