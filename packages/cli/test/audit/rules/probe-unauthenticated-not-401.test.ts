import { describe } from "vitest";
import rule from "../../../src/audit/rules/probe-unauthenticated-not-401.js";
import { exchange, testRule } from "../helpers.js";
import { probed } from "../probe-helpers.js";

const none = { scenario: "no-credentials", did: "GET /orders without credentials", expect: [401] };
const bad = {
  scenario: "invalid-token",
  did: "GET /orders with a garbage token (Bearer)",
  expect: [401],
  scheme: "Bearer",
};

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      probed(none, { status: 401, resHeaders: { "WWW-Authenticate": 'Bearer realm="shop"' } }),
      probed(bad, {
        status: 401,
        resHeaders: { "WWW-Authenticate": 'Bearer realm="shop", error="invalid_token"' },
      }),
      {
        name: "a 401 without challenge is 401-needs-www-authenticate's",
        exchange: probed(bad, { status: 401 }),
      },
      { name: "recorded traffic has no probe facts", exchange: exchange({ status: 403 }) },
    ],
    invalid: [
      {
        exchange: probed(none, { status: 403 }),
        findings: [{ message: /expected 401, got 403 Forbidden \(403 says the identity is known/ }],
      },
      {
        exchange: probed(none, { status: 200 }),
        findings: [{ message: /got 200 OK \(a success/ }],
      },
      { exchange: probed(bad, { status: 500 }), findings: [{ message: /garbage token.*got 500/ }] },
      {
        exchange: probed(bad, {
          status: 401,
          resHeaders: { "WWW-Authenticate": 'Bearer realm="shop"' },
        }),
        findings: [
          {
            message: /without error="invalid_token"/,
            severity: "warning",
            excerpt: /WWW-Authenticate: Bearer/,
          },
        ],
      },
    ],
  });
});
