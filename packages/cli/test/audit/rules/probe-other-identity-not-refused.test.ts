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
      {
        name: "B's write answered 500 (the check crashes or is missing)",
        exchange: probed(
          { ...b, scenario: "other-identity-write", did: "DELETE /articles/{slug} as identity B" },
          { status: 500 },
        ),
        findings: [{ message: /500 \(a server error instead of a refusal/, severity: "error" }],
      },
      {
        name: "B's write succeeded and A's resource changed",
        exchange: probed(
          {
            ...b,
            scenario: "other-identity-write",
            did: "PUT /articles/{slug} as identity B",
            changed: "A's resource: article.title changed",
          },
          { status: 200 },
        ),
        findings: [
          {
            message:
              /allowed to change identity A's resource\); A's resource: article\.title changed/,
            severity: "error",
          },
        ],
      },
      {
        name: "refused, and yet A's resource changed",
        exchange: probed(
          {
            ...b,
            scenario: "other-identity-write",
            did: "DELETE /articles/{slug} as identity B",
            changed: "A's resource: 200 before, 404 after",
          },
          { status: 403 },
        ),
        findings: [
          { message: /: 403, but A's resource: 200 before, 404 after/, severity: "error" },
        ],
      },
    ],
  });
});
