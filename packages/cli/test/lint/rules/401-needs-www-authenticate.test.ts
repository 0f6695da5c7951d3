import { describe } from "vitest";
import rule from "../../../src/lint/rules/401-needs-www-authenticate.js";
import { one, problem, testLintRule } from "../helpers.js";

const challenge = { headers: { "WWW-Authenticate": { schema: { type: "string" } } } };

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      {
        name: "401 declares the challenge",
        doc: one({ "401": { description: "x", ...challenge, ...problem() } }),
      },
      {
        name: "header name in lower case",
        doc: one({ "401": { description: "x", headers: { "www-authenticate": {} } } }),
      },
      {
        name: "no 401 at all (another rule's business)",
        doc: one({ "200": { description: "ok" } }),
      },
      {
        name: "401 is a remote $ref (unknown)",
        doc: one({ "401": { $ref: "https://example.com/r.yaml#/401" } }),
      },
    ],
    invalid: [
      {
        name: "401 without headers",
        doc: one({ "401": { description: "x" } }),
        findings: [
          {
            message: /401 response does not declare a WWW-Authenticate/,
            path: ["paths", "/x", "get", "responses", "401"],
          },
        ],
      },
      {
        name: "401 with other headers only",
        doc: one({ "401": { description: "x", headers: { "X-Request-Id": {} } } }),
        findings: [{ message: /WWW-Authenticate/ }],
      },
      {
        name: "a 401 written as a YAML number key is the same key",
        doc: one({ 401: { description: "x" }, "403": { description: "y" } }),
        findings: [{ message: /WWW-Authenticate/ }],
      },
    ],
  });
});
