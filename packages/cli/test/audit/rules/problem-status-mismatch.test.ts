import { describe } from "vitest";
import rule from "../../../src/audit/rules/problem-status-mismatch.js";
import { exchange, testRule } from "../helpers.js";

const problem = (status: number, member: unknown, extra = {}) =>
  exchange({
    status,
    body: JSON.stringify({ type: "about:blank", title: "x", status: member, ...extra }),
    resHeaders: { "content-type": "application/problem+json; charset=utf-8" },
  });

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      problem(404, 404),
      {
        name: "no status member",
        exchange: exchange({
          status: 400,
          body: '{"title":"x"}',
          resHeaders: { "content-type": "application/problem+json" },
        }),
      },
      {
        name: "plain JSON is not a problem document",
        exchange: exchange({
          status: 400,
          body: '{"status":500}',
          resHeaders: { "content-type": "application/json" },
        }),
      },
      {
        name: "truncated body",
        exchange: exchange({
          status: 400,
          body: '{"status":500',
          truncated: true,
          resHeaders: { "content-type": "application/problem+json" },
        }),
      },
    ],
    invalid: [
      {
        exchange: problem(200, 500),
        findings: [{ message: /says status 500 but the response is 200/ }],
      },
      { exchange: problem(400, 422), findings: [{ message: /422.*400/ }] },
    ],
  });
});
