import { describe } from "vitest";
import rule from "../../../src/audit/rules/html-error-page-from-json-api.js";
import { exchange, json, testRule } from "../helpers.js";

const html = (status: number, target: string, extra = {}) =>
  exchange({
    status,
    target,
    body: "<html><body>Error</body></html>",
    resHeaders: { "content-type": "text/html; charset=utf-8" },
    ...extra,
  });

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      { name: "an HTML site's 404", exchanges: [html(200, "/about"), html(404, "/about")] },
      {
        name: "JSON errors on a JSON route",
        exchanges: [
          json(200, { id: 1 }, { target: "/users/1" }),
          json(404, { title: "Not Found" }, { target: "/users/2" }),
        ],
      },
      {
        name: "an HTML page that is not an error",
        exchanges: [json(200, {}, { target: "/x" }), html(200, "/x")],
      },
    ],
    invalid: [
      {
        name: "route is JSON; its 500 is HTML",
        exchanges: [
          json(200, { id: 1 }, { target: "/users/1", entry: 0 }),
          html(500, "/users/2", { entry: 1 }),
          html(502, "/users/3", { entry: 2 }),
        ],
        findings: [{ message: /500 answered with an HTML page/ }, { message: /502/ }],
      },
      {
        name: "the client asked for JSON",
        exchanges: [html(404, "/api/missing", { reqHeaders: { Accept: "application/json" } })],
        findings: [{ message: /404/, excerpt: /text\/html/ }],
      },
    ],
  });
});
