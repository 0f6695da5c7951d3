import { describe } from "vitest";
import rule from "../../../src/lint/rules/error-not-problem-json.js";
import { one, problem, testLintRule } from "../helpers.js";

const json = { content: { "application/json": { schema: { type: "object" } } } };

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      { name: "problem+json", doc: one({ "404": { description: "x", ...problem() } }) },
      {
        name: "problem+json with a charset parameter",
        doc: one({ "404": { content: { "application/problem+json; charset=utf-8": {} } } }),
      },
      {
        name: "problem+json among others",
        doc: one({ "500": { content: { "text/html": {}, "application/problem+json": {} } } }),
      },
      {
        name: "success responses are not judged",
        doc: one({ "200": { description: "ok", ...json } }),
      },
      { name: "HEAD has no body", doc: one({ "404": { description: "x" } }, {}, {}, "head") },
      { name: "default is not judged", doc: one({ default: { description: "x", ...json } }) },
      {
        name: "--error-media-type exception",
        doc: one({ "400": json }),
        options: { errorMediaTypes: ["application/json"] },
      },
      {
        name: "the document's own exception list",
        doc: one(
          { "400": { content: { "application/vnd.error+json": {} } } },
          {},
          { "x-truestatus-error-media-types": ["application/vnd.error+json"] },
        ),
      },
    ],
    invalid: [
      {
        name: "application/json error",
        doc: one({ "400": { description: "x", ...json } }),
        findings: [
          { message: /the 400 response is application\/json, not application\/problem\+json/ },
        ],
      },
      {
        name: "no content",
        doc: one({ "404": { description: "x" }, "5XX": { description: "y" } }),
        findings: [
          { message: /404 response declares no content/ },
          { message: /5XX response declares no content/ },
        ],
      },
    ],
  });
});
