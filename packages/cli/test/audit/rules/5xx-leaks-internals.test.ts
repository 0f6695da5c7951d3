import { describe } from "vitest";
import rule from "../../../src/audit/rules/5xx-leaks-internals.js";
import { exchange, json, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      json(500, { type: "about:blank", title: "Internal Server Error", status: 500 }),
      {
        name: "4xx are not judged",
        exchange: exchange({ status: 400, body: "at Object.<anonymous> (/srv/app/index.js:10:5)" }),
      },
      exchange({ status: 503, body: "Service Unavailable" }),
    ],
    invalid: [
      {
        name: "a Node stack",
        exchange: exchange({
          status: 500,
          body: "TypeError: x is undefined\n    at handler (/srv/api/routes/users.js:42:13)\n    at Layer.handle",
        }),
        findings: [{ message: /leaks a stack trace/, excerpt: /users\.js:42/ }],
      },
      {
        name: "Python",
        exchange: exchange({ status: 500, body: "Traceback (most recent call last):\n  File" }),
        findings: [{ message: /stack trace/ }],
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
        name: "internal host",
        exchange: json(504, { error: "connect ETIMEDOUT 10.0.3.7:5432" }),
        findings: [{ message: /internal address/ }],
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
