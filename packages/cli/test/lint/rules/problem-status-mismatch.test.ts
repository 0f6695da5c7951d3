import { describe } from "vitest";
import rule from "../../../src/lint/rules/problem-status-mismatch.js";
import { one, testLintRule } from "../helpers.js";

const base = {
  type: "object",
  properties: { title: { type: "string" }, status: { type: "integer" } },
};
const media = (m: Record<string, unknown>) => ({
  content: { "application/problem+json": { schema: base, ...m } },
});

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      { name: "unpinned", doc: one({ "404": media({}) }) },
      {
        name: "example agrees",
        doc: one({ "404": media({ example: { title: "Not found", status: 404 } }) }),
      },
      {
        name: "named examples agree",
        doc: one({ "409": media({ examples: { a: { value: { status: 409 } } } }) }),
      },
      {
        name: "enum includes the code",
        doc: one({
          "422": {
            content: {
              "application/problem+json": {
                schema: { ...base, properties: { title: {}, status: { enum: [400, 422] } } },
              },
            },
          },
        }),
      },
      { name: "ranges are not judged", doc: one({ "4XX": media({ example: { status: 400 } }) }) },
    ],
    invalid: [
      {
        name: "example with another status",
        doc: one({ "404": media({ example: { title: "x", status: 400 } }) }),
        findings: [
          {
            message: /the 404 response's example has status 400/,
            path: [
              "paths",
              "/x",
              "get",
              "responses",
              "404",
              "content",
              "application/problem+json",
              "example",
            ],
          },
        ],
      },
      {
        name: "const pins another code",
        doc: one({
          "503": {
            content: {
              "application/problem+json": {
                schema: { allOf: [base, { properties: { status: { const: 500 } } }] },
              },
            },
          },
        }),
        findings: [{ message: /the 503 response's problem pins status to 500/ }],
      },
      {
        name: "a named example disagrees",
        doc: one({
          "401": media({ examples: { bad: { value: { status: "401 Unauthorized" } } } }),
        }),
        findings: [{ message: /example has status "401 Unauthorized"/ }],
      },
    ],
  });
});
