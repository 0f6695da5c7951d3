import { describe } from "vitest";
import rule from "../../../src/lint/rules/429-needs-retry-after.js";
import { one, testLintRule } from "../helpers.js";

const r429 = (headers?: Record<string, unknown>) =>
  one({ "429": { description: "x", ...(headers ? { headers } : {}) } });

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      { name: "Retry-After", doc: r429({ "Retry-After": {} }) },
      { name: "RateLimit (with its reset)", doc: r429({ RateLimit: {}, "RateLimit-Policy": {} }) },
      {
        name: "vendor X-RateLimit-Reset",
        doc: r429({ "X-RateLimit-Limit": {}, "X-RateLimit-Reset": {} }),
      },
      { name: "no 429", doc: one({ "200": { description: "ok" } }) },
    ],
    invalid: [
      {
        name: "no headers",
        doc: r429(),
        findings: [{ message: /429 response declares no Retry-After/ }],
      },
      {
        name: "RateLimit-Policy alone says the quota, not when to come back",
        doc: r429({ "RateLimit-Policy": {}, "X-RateLimit-Limit": {} }),
        findings: [{ message: /Retry-After/ }],
      },
    ],
  });
});
