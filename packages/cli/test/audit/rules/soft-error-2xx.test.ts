import { describe } from "vitest";
import rule from "../../../src/audit/rules/soft-error-2xx.js";
import { exchange, json, testRule } from "../helpers.js";

const gql = (body: unknown, type = "application/json") =>
  exchange({
    method: "POST",
    target: "/graphql",
    status: 200,
    body: JSON.stringify(body),
    resHeaders: { "content-type": type },
  });

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      json(200, { id: 1, name: "x" }),
      { name: "error: null", exchange: json(200, { data: { id: 1 }, error: null }) },
      { name: "errors: []", exchange: json(200, { errors: [] }) },
      { name: "success: true", exchange: json(200, { success: true, message: "done" }) },
      { name: "error: false", exchange: json(200, { error: false, message: "ok" }) },
      {
        name: "Slack ok:true with warning",
        exchange: json(200, { ok: true, warning: "superfluous_charset" }),
      },
      {
        name: "resource state: a failed payment",
        exchange: json(200, { id: "pay_1", amount: 10, status: "failed" }),
      },
      {
        name: "resource state: a job in error",
        exchange: json(200, { id: 7, state: "error", error: "disk full" }),
      },
      {
        name: "validation as a service",
        exchange: json(
          200,
          { valid: false, errors: [{ message: "bad" }] },
          { method: "POST", target: "/validate" },
        ),
      },
      {
        name: "an error-listing endpoint",
        exchange: json(200, { errors: [{ id: 1, message: "boom" }] }, { target: "/api/errors" }),
      },
      { name: "202 pending", exchange: json(202, { status: "pending", id: 3 }) },
      {
        name: "GraphQL partial success",
        exchange: gql({ data: { user: null }, errors: [{ message: "not found", path: ["user"] }] }),
      },
      {
        name: "JSON-RPC error is its own class",
        exchange: json(200, {
          jsonrpc: "2.0",
          error: { code: -32601, message: "Method not found" },
          id: 1,
        }),
      },
      {
        name: "bulk errors: true is partial",
        exchange: json(
          200,
          { took: 3, errors: true, items: [{ index: { status: 400 } }] },
          { target: "/_bulk" },
        ),
      },
      { name: "code 0 is success", exchange: json(200, { code: 0, message: "success" }) },
      {
        name: "truncated JSON is not judged",
        exchange: exchange({
          status: 200,
          body: '{"error":"x"',
          truncated: true,
          resHeaders: { "content-type": "application/json" },
        }),
      },
      { name: "a 4xx is not a soft error", exchange: json(400, { error: "bad" }) },
      {
        name: "an ordinary HTML page",
        exchange: exchange({
          status: 200,
          body: "<html><title>Orders</title></html>",
          resHeaders: { "content-type": "text/html" },
        }),
      },
      { name: "health endpoint up", exchange: json(200, { status: "UP" }, { target: "/health" }) },
    ],
    invalid: [
      {
        exchange: json(200, { error: { reason: "invalid_email", message: "Email invalid" } }),
        findings: [{ message: /"error" with no data/, excerpt: /invalid_email/ }],
      },
      {
        exchange: json(200, { ok: false, error: "channel_not_found" }),
        findings: [{ message: /"ok": false/ }],
      },
      {
        exchange: json(200, { success: false, message: "Payment declined" }),
        findings: [{ message: /"success": false/ }],
      },
      {
        exchange: json(200, { status: "fail", data: { email: "taken" } }),
        findings: [{ message: /JSend/ }],
      },
      {
        exchange: json(200, { errors: [{ detail: "Not found" }] }),
        findings: [{ message: /"errors" with no data/ }],
      },
      {
        exchange: json(200, { statusCode: 404, message: "Not Found" }),
        findings: [{ message: /in-band "statusCode": 404/ }],
      },
      {
        exchange: json(200, { code: 1001, message: "user not found" }),
        findings: [{ message: /"code" with a message/ }],
      },
      {
        exchange: exchange({
          status: 200,
          body: JSON.stringify({ type: "about:blank", title: "Not Found", status: 404 }),
          resHeaders: { "content-type": "application/problem+json" },
        }),
        findings: [{ message: /problem document/ }],
      },
      {
        name: "GraphQL legacy: errors, no data",
        exchange: gql({ errors: [{ message: "Syntax Error" }] }),
        findings: [{ message: /legacy/, severity: "warning" }],
      },
      {
        name: "GraphQL with graphql-response+json and no data is a violation",
        exchange: gql(
          { data: null, errors: [{ message: "Unauthorized" }] },
          "application/graphql-response+json",
        ),
        findings: [{ message: /requires 4xx\/5xx/, severity: "error" }],
      },
      {
        name: "soft 404 page",
        exchange: exchange({
          status: 200,
          body: "<html><head><title>404 Not Found</title></head></html>",
          resHeaders: { "content-type": "text/html" },
        }),
        // Text, not structure: likely, so a warning (docs: Severity).
        findings: [{ message: /error page title/, severity: "warning" }],
      },
      {
        name: "stack trace in a 200",
        exchange: exchange({ status: 200, body: "Traceback (most recent call last):\n  File x" }),
        findings: [{ message: /stack trace/, severity: "warning" }],
      },
      {
        name: "health endpoint down: a hint",
        exchange: json(200, { status: "DOWN" }, { target: "/actuator/health" }),
        findings: [{ message: /health endpoint reports down/, severity: "info" }],
      },
      {
        name: "secrets in the excerpt are redacted",
        exchange: json(200, { error: { message: "bad", token: "sk_live_abcdef123456" } }),
        findings: [{ excerpt: /^(?!.*sk_live).*\[REDACTED\]/ }],
      },
    ],
  });
});
