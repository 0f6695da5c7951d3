import { describe } from "vitest";
import rule from "../../../src/lint/rules/422-as-generic-error.js";
import { one, testLintRule } from "../helpers.js";

const body = { requestBody: { content: { "application/json": { schema: { type: "object" } } } } };
const ok = { "200": { description: "ok" } };

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      {
        name: "422 next to 400 on a body",
        doc: one({ ...ok, "400": {}, "422": {} }, body, {}, "post"),
      },
      {
        name: "422 next to 409 on a body",
        doc: one({ ...ok, "409": {}, "422": {} }, body, {}, "post"),
      },
      { name: "422 with a default", doc: one({ ...ok, "422": {}, default: {} }, body, {}, "post") },
      { name: "no 422", doc: one({ ...ok, "400": {} }) },
    ],
    invalid: [
      {
        name: "422 on a GET without body (FastAPI's query validation)",
        doc: one({ ...ok, "422": { description: "Validation Error" } }),
        findings: [
          {
            message: /GET \/x has no request body but declares 422/,
            path: ["paths", "/x", "get", "responses", "422"],
          },
        ],
      },
      {
        name: "422 as the only error of a POST",
        doc: one({ "201": {}, "422": {} }, body, {}, "post"),
        findings: [{ message: /declares 422 as its only error response/ }],
      },
    ],
  });
});
