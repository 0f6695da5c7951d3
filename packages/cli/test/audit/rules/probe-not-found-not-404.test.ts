import { describe } from "vitest";
import rule from "../../../src/audit/rules/probe-not-found-not-404.js";
import { testRule } from "../helpers.js";
import { probed } from "../probe-helpers.js";

const path = {
  scenario: "unknown-path",
  did: "GET /truestatus-probe/no-such-path",
  expect: [404, 410],
};
const id = {
  scenario: "unknown-id",
  did: "GET /orders/{id} with an id that does not exist",
  expect: [404, 410],
};

describe(rule.id, () => {
  testRule(rule, {
    valid: [probed(path, { status: 404 }), probed(id, { status: 410 })],
    invalid: [
      {
        exchange: probed(path, { status: 200, body: "<!doctype html><div id=app>" }),
        findings: [{ message: /expected 404 or 410, got 200 OK/ }],
      },
      {
        exchange: probed(id, { status: 500 }),
        findings: [{ message: /id that does not exist: expected 404 or 410, got 500/ }],
      },
    ],
  });
});
