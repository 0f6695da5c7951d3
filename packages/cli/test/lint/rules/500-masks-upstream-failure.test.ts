import { describe } from "vitest";
import rule from "../../../src/lint/rules/500-masks-upstream-failure.js";
import { doc, one, testLintRule } from "../helpers.js";

const r = (codes: string[]) =>
  Object.fromEntries([
    ["200", { description: "ok" }],
    ...codes.map((c) => [c, { description: c }]),
  ]);
const marked = { "x-truestatus-upstream": true };

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      { name: "not known to call upstreams", doc: one(r(["500"])) },
      { name: "marked and declares 502", doc: one(r(["500", "502"]), marked) },
      { name: "marked and declares 5XX", doc: one(r(["5XX"]), marked) },
      {
        name: "x-truestatus-upstream: false",
        doc: one(r(["500"]), { "x-truestatus-upstream": false }),
      },
    ],
    invalid: [
      {
        name: "marked, 500 only",
        doc: one(r(["500"]), marked),
        findings: [
          {
            message: /GET \/x calls upstreams but 500 is its only server error/,
            path: ["paths", "/x", "get", "responses", "500"],
          },
        ],
      },
      {
        name: "marked by name list, no 5xx at all",
        doc: one(r([]), { "x-truestatus-upstream": ["payments"] }),
        findings: [
          {
            message: /declares none of 502, 503 and 504/,
            path: ["paths", "/x", "get", "responses"],
          },
        ],
      },
      {
        name: "--upstream-operation by operationId",
        doc: one(r(["500"]), { operationId: "getQuote" }),
        options: { upstreamOperations: ["getQuote"] },
        findings: [{ message: /calls upstreams/ }],
      },
      {
        name: "--upstream-operation by METHOD /path (method case-insensitive)",
        doc: one(r(["500"]), {}, {}, "post", "/rates"),
        options: { upstreamOperations: ["post /rates"] },
        findings: [{ message: /POST \/rates calls upstreams/ }],
      },
      {
        name: "the document's own list",
        doc: doc(
          { "/q": { get: { operationId: "q", responses: r(["500"]) } } },
          { "x-truestatus-upstream-operations": ["q"] },
        ),
        findings: [{ message: /GET \/q calls upstreams/ }],
      },
    ],
  });
});
