import { describe } from "vitest";
import type { Exchange } from "../../../src/audit/exchange.js";
import rule from "../../../src/audit/rules/error-leaks-internals.js";
import { exchange, json, testRule } from "../helpers.js";

/** An exchange as a probe of http://127.0.0.1:4873 records it: the request's host is known. */
const at = (ex: Exchange, host = "127.0.0.1:4873", body?: string): Exchange => ({
  ...ex,
  request: {
    ...ex.request,
    host,
    ...(body !== undefined ? { body: { text: body, truncated: false } } : {}),
  },
});

/** Express 5's default error page for a body-parser error outside production (a 400). */
const EXPRESS_400 =
  '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>SyntaxError: Unexpected end of JSON input<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> &nbsp; &nbsp;at parse (/app/node_modules/body-parser/lib/types/json.js:92:19)</pre>\n</body>\n</html>\n';

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      json(500, { type: "about:blank", title: "Internal Server Error", status: 500 }),
      exchange({ status: 503, body: "Service Unavailable" }),
      {
        name: "2xx bodies are not judged",
        exchange: exchange({ status: 200, body: "at Object.<anonymous> (/srv/app/index.js:10:5)" }),
      },
      {
        name: "the API's own URL echoed by the framework (h3/Nitro style)",
        exchange: at(
          json(500, {
            url: "http://127.0.0.1:4873/api/articles/x",
            statusCode: 500,
            message: "Server Error",
          }),
        ),
      },
      {
        name: "the API's own URL under another loopback name, same port",
        exchange: at(json(404, { error: "see http://localhost:4873/-/web/detail/x" })),
      },
      {
        name: "the API's own host without a port",
        exchange: at(json(400, { error: "bad request for 10.1.2.3" }), "10.1.2.3:8080"),
      },
      {
        name: "a public host name that contains .internal",
        exchange: json(502, { error: "upstream api.internal.example.com failed" }),
      },
      {
        name: "a route echoed back is not a file path (404 Cannot GET)",
        exchange: exchange({
          status: 404,
          target: "/app/settings",
          body: "Cannot GET /app/settings",
        }),
      },
      {
        name: "a route in a link is not a file path",
        exchange: json(404, { error: "not found", links: { orders: "/app/orders" } }),
      },
      {
        name: "what the client sent, echoed in a 400",
        exchange: at(
          json(400, { error: 'unknown field "path": "/home/me/notes.txt"' }),
          "127.0.0.1:4873",
          '{"path": "/home/me/notes.txt"}',
        ),
      },
      {
        name: "a version number is not an address",
        exchange: json(500, { error: "node v20.10.0.1-nightly crashed" }),
      },
    ],
    invalid: [
      {
        name: "a Node stack",
        exchange: exchange({
          status: 500,
          body: "TypeError: x is undefined\n    at handler (/srv/api/routes/users.js:42:13)\n    at Layer.handle",
        }),
        findings: [{ message: /500 body leaks a stack trace/, excerpt: /users\.js:42/ }],
      },
      {
        name: "an HTML 400 page from a body parser, with a stack and absolute paths",
        exchange: exchange({
          status: 400,
          resHeaders: { "content-type": "text/html; charset=utf-8" },
          body: EXPRESS_400,
        }),
        findings: [{ message: /^400 body leaks a stack trace$/, excerpt: /body-parser/ }],
      },
      {
        name: "Python",
        exchange: exchange({ status: 500, body: "Traceback (most recent call last):\n  File" }),
        findings: [{ message: /stack trace/ }],
      },
      {
        name: "SQL in a 409",
        exchange: json(409, { error: "ER_DUP_ENTRY: Duplicate entry 'a@b' for key 'email'" }),
        findings: [{ message: /409 body leaks an SQL error/ }],
      },
      {
        name: "SQL",
        exchange: json(500, { error: 'relation "users" does not exist' }),
        findings: [{ message: /SQL error/ }],
      },
      {
        name: "path",
        exchange: json(502, { error: "ENOENT: open '/home/deploy/app/config.json'" }),
        findings: [{ message: /file path/ }],
      },
      {
        name: "node_modules",
        exchange: json(400, { error: "in node_modules/ajv/dist/core.js" }),
        findings: [{ message: /400 body leaks a server file path/ }],
      },
      {
        name: "internal host",
        exchange: json(504, { error: "connect ETIMEDOUT 10.0.3.7:5432" }),
        findings: [{ message: /internal address/ }],
      },
      {
        name: "another port on the API's own loopback host (its database)",
        exchange: at(json(500, { error: "connect ECONNREFUSED 127.0.0.1:5432" })),
        findings: [{ message: /internal address/, excerpt: /127\.0\.0\.1:5432/ }],
      },
      {
        name: "the API's own URL does not hide a leak after it",
        exchange: at(
          json(500, { url: "http://127.0.0.1:4873/x", cause: "db at 192.168.1.20 refused" }),
        ),
        findings: [{ message: /internal address/, excerpt: /192\.168\.1\.20/ }],
      },
      {
        name: "k8s service",
        exchange: exchange({
          status: 502,
          body: "upstream orders.default.svc.cluster.local failed",
        }),
        findings: [{ message: /internal address/ }],
      },
      {
        name: "cloud metadata address",
        exchange: json(500, { error: "GET http://169.254.169.254/latest/meta-data failed" }),
        findings: [{ message: /internal address/ }],
      },
      {
        name: "secrets next to the leak are redacted",
        exchange: exchange({
          status: 500,
          body: 'SQLSTATE[28000] password="hunter2" Authorization: Bearer abcdefghijkl',
        }),
        findings: [{ message: /SQL/, excerpt: /^(?!.*hunter2)(?!.*abcdefghijkl).*\[REDACTED\]/ }],
      },
    ],
  });
});
