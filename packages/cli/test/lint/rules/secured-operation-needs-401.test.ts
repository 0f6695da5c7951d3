import { describe } from "vitest";
import rule from "../../../src/lint/rules/secured-operation-needs-401.js";
import { bearer, doc, one, testLintRule } from "../helpers.js";

const ok = { "200": { description: "ok" } };
const mtls = { components: { securitySchemes: { m: { type: "mutualTLS" } } } };

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      { name: "public operation", doc: one(ok) },
      {
        name: "security: [] overrides the document's",
        doc: one(ok, { security: [] }, { security: [{ bearer: [] }], ...bearer }),
      },
      { name: "security: [{}] is anonymous", doc: one(ok, { security: [{}] }) },
      {
        name: "optional auth ([{}, bearer]) is documented, not flagged",
        doc: one(ok, { security: [{}, { bearer: [] }] }, bearer),
      },
      {
        name: "401 declared",
        doc: one({ ...ok, "401": { description: "x" } }, { security: [{ bearer: [] }] }, bearer),
      },
      {
        name: "4XX covers it",
        doc: one({ ...ok, "4XX": { description: "x" } }, { security: [{ bearer: [] }] }, bearer),
      },
      {
        name: "default covers it",
        doc: one({ ...ok, default: { description: "x" } }, { security: [{ bearer: [] }] }, bearer),
      },
      { name: "mutual TLS only: no HTTP challenge", doc: one(ok, { security: [{ m: [] }] }, mtls) },
    ],
    invalid: [
      {
        name: "document-wide security, no 401",
        doc: one(ok, {}, { security: [{ bearer: [] }], ...bearer }),
        findings: [
          {
            message: /GET \/x requires credentials but declares no 401/,
            path: ["paths", "/x", "get", "responses"],
          },
        ],
      },
      {
        name: "two alternatives, both named",
        doc: doc({ "/y": { post: { responses: ok, security: [{ bearer: [] }, { key: [] }] } } }),
        findings: [{ message: /POST \/y requires credentials/ }],
      },
    ],
  });
});
