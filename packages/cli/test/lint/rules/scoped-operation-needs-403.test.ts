import { definePolicy } from "truestatus";
import { describe } from "vitest";
import rule from "../../../src/lint/rules/scoped-operation-needs-403.js";
import { one, testLintRule } from "../helpers.js";

const ok = { "200": { description: "ok" } };
const scoped = { security: [{ oauth: ["orders:read"] }] };

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      { name: "no scopes", doc: one(ok, { security: [{ oauth: [] }] }) },
      { name: "403 declared", doc: one({ ...ok, "403": { description: "x" } }, scoped) },
      { name: "4XX declared", doc: one({ ...ok, "4XX": { description: "x" } }, scoped) },
      { name: "public", doc: one(ok) },
      {
        name: "policy hideForbidden: a 404 stands for the 403",
        doc: one({ ...ok, "404": { description: "x" } }, scoped),
        options: { policy: definePolicy({ hideForbidden: true }) },
      },
    ],
    invalid: [
      {
        name: "scopes and no 403",
        doc: one({ ...ok, "401": { description: "x" } }, scoped),
        findings: [
          {
            message: /requires scopes \(orders:read\) but declares no 403/,
            path: ["paths", "/x", "get", "responses"],
          },
        ],
      },
      {
        name: "a 404 does not stand for 403 without the policy",
        doc: one({ ...ok, "404": { description: "x" } }, scoped),
        findings: [{ message: /no 403/ }],
      },
      {
        name: "optional auth with scopes still refuses a token without them",
        doc: one(ok, { security: [{}, { oauth: ["a", "b", "c", "d"] }] }),
        findings: [{ message: /\(a, b, c, \.\.\.\)/ }],
      },
    ],
  });
});
