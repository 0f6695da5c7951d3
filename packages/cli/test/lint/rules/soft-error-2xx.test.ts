import { describe } from "vitest";
import rule from "../../../src/lint/rules/soft-error-2xx.js";
import { one, testLintRule } from "../helpers.js";

const ok = (schema: Record<string, unknown>, code = "200", mt = "application/json") =>
  one({ [code]: { content: { [mt]: { schema } } } });
const props = (p: Record<string, unknown>) => ({ type: "object", properties: p });

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      { name: "data", doc: ok(props({ id: {}, name: {} })) },
      { name: "GraphQL-style data next to errors", doc: ok(props({ data: {}, errors: {} })) },
      {
        name: "an envelope with success: boolean and data",
        doc: ok(props({ success: { type: "boolean" }, data: {} })),
      },
      {
        name: "success pinned to true",
        doc: ok(props({ success: { enum: [true] }, message: {} })),
      },
      {
        name: "status of a resource (a word that is no failure)",
        doc: ok(props({ status: { enum: ["active", "disabled"] } })),
      },
      { name: "an error body on a 4xx is fine", doc: ok(props({ error: {} }), "400") },
      { name: "not JSON", doc: ok(props({ error: {} }), "200", "text/csv") },
    ],
    invalid: [
      {
        name: "success: false",
        doc: ok(props({ success: { type: "boolean", enum: [false] }, message: {} })),
        findings: [
          {
            message: /the 200 response's schema is shaped like an error \(success: false\)/,
            path: [
              "paths",
              "/x",
              "get",
              "responses",
              "200",
              "content",
              "application/json",
              "schema",
            ],
          },
        ],
      },
      {
        name: "error without data",
        doc: ok(props({ error: {}, code: {} }), "201"),
        findings: [{ message: /201 .*error without data/ }],
      },
      {
        name: "status: error",
        doc: ok(props({ status: { const: "error" }, message: {} })),
        findings: [{ message: /status: "error"/ }],
      },
      {
        name: "a numeric 4xx status in the body",
        doc: ok(props({ status: { enum: [400, 404] }, message: {} })),
        findings: [{ message: /status: 400/ }],
      },
      {
        name: "one oneOf alternative is an error",
        doc: ok({ oneOf: [props({ items: {} }), props({ errors: { type: "array" } })] }),
        findings: [
          {
            message: /one of the 200 response's alternatives is shaped like an error/,
            path: [
              "paths",
              "/x",
              "get",
              "responses",
              "200",
              "content",
              "application/json",
              "schema",
              "oneOf",
              1,
            ],
          },
        ],
      },
      {
        name: "problem+json on a 2xx",
        doc: one({ "200": { content: { "application/problem+json": {} } } }),
        findings: [{ message: /a problem answered as success/ }],
      },
    ],
  });
});
