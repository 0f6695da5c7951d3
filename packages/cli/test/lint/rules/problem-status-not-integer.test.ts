import { describe } from "vitest";
import rule from "../../../src/lint/rules/problem-status-not-integer.js";
import { one, problem, testLintRule } from "../helpers.js";

const schema = (status: Record<string, unknown>) => ({
  type: "object",
  properties: { title: { type: "string" }, status },
});

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      { name: "integer", doc: one({ "404": problem(schema({ type: "integer" })) }) },
      { name: "number", doc: one({ "404": problem(schema({ type: "number" })) }) },
      { name: "untyped", doc: one({ "404": problem(schema({ description: "the status" })) }) },
      {
        name: "not a problem: a JSON body with a string status and nothing else of RFC 9457",
        doc: one({
          "400": {
            content: {
              "application/json": { schema: { properties: { status: { type: "string" } } } },
            },
          },
        }),
      },
    ],
    invalid: [
      {
        name: "string status in problem+json",
        doc: one({ "404": problem(schema({ type: "string" })) }),
        findings: [
          {
            message: /types status as string, not an integer/,
            path: [
              "paths",
              "/x",
              "get",
              "responses",
              "404",
              "content",
              "application/problem+json",
              "schema",
              "properties",
              "status",
            ],
          },
        ],
      },
      {
        name: "a problem under application/json (status + title)",
        doc: one({
          "500": {
            content: { "application/json": { schema: schema({ type: ["string", "null"] }) } },
          },
        }),
        findings: [{ message: /string or null/ }],
      },
      {
        name: "an allOf part that retypes it",
        doc: one({
          "422": problem({
            allOf: [schema({ type: "integer" }), { properties: { status: { type: "string" } } }],
          }),
        }),
        findings: [{ message: /string/ }],
      },
    ],
  });
});
