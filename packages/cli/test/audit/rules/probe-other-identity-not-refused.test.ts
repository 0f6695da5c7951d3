import { describe } from "vitest";
import rule from "../../../src/audit/rules/probe-other-identity-not-refused.js";
import { testRule } from "../helpers.js";
import { probed } from "../probe-helpers.js";

const b = {
  scenario: "other-identity",
  did: "GET /orders/{id} as identity B, on a resource identity A owns",
  expect: [403, 404],
};

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      probed(b, { status: 403 }),
      probed(b, { status: 404 }),
      {
        name: "A's own read expects nothing",
        exchange: probed({ scenario: "other-identity", did: "as A" }, { status: 200 }),
      },
    ],
    invalid: [
      {
        exchange: probed(b, { status: 200, target: "/orders/o1" }),
        findings: [{ message: /200 \(identity B was given identity A's resource\)/ }],
      },
      {
        exchange: probed(b, { status: 401 }),
        findings: [{ message: /B's credentials are valid/, severity: "warning" }],
      },
    ],
  });
});
