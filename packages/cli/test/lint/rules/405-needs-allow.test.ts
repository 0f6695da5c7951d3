import { describe } from "vitest";
import rule from "../../../src/lint/rules/405-needs-allow.js";
import { one, testLintRule } from "../helpers.js";

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      {
        name: "405 declares Allow",
        doc: one({ "405": { description: "x", headers: { Allow: {} } } }),
      },
      {
        name: "case-insensitive",
        doc: one({ "405": { description: "x", headers: { allow: {} } } }),
      },
      { name: "no 405", doc: one({ "404": { description: "x" } }) },
    ],
    invalid: [
      {
        name: "405 without Allow",
        doc: one({ "405": { description: "x", headers: { "Retry-After": {} } } }),
        findings: [
          {
            message: /405 response does not declare an Allow header/,
            path: ["paths", "/x", "get", "responses", "405"],
          },
        ],
      },
    ],
  });
});
