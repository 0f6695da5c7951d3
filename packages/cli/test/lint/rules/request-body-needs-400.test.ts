import { describe } from "vitest";
import rule from "../../../src/lint/rules/request-body-needs-400.js";
import { one, testLintRule } from "../helpers.js";

const body = { requestBody: { content: { "application/json": { schema: { type: "object" } } } } };

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      { name: "no body", doc: one({ "200": { description: "ok" } }) },
      {
        name: "400 declared",
        doc: one({ "201": { description: "ok" }, "400": { description: "x" } }, body, {}, "post"),
      },
      {
        name: "4XX declared",
        doc: one({ "201": { description: "ok" }, "4XX": { description: "x" } }, body, {}, "post"),
      },
      {
        name: "default declared",
        doc: one({ "201": { description: "ok" }, default: { description: "x" } }, body, {}, "post"),
      },
    ],
    invalid: [
      {
        name: "body without 400",
        doc: one({ "201": { description: "ok" } }, body, {}, "post"),
        findings: [{ message: /POST \/x reads a request body but declares no 400/ }],
      },
      {
        name: "422 instead of 400",
        doc: one({ "201": { description: "ok" }, "422": { description: "x" } }, body, {}, "put"),
        findings: [{ message: /declares 422 but no 400/ }],
      },
    ],
  });
});
