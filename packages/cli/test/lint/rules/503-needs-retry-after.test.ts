import { describe } from "vitest";
import rule from "../../../src/lint/rules/503-needs-retry-after.js";
import { one, testLintRule } from "../helpers.js";

describe(rule.id, () => {
  testLintRule(rule, {
    valid: [
      {
        name: "Retry-After",
        doc: one({ "503": { description: "x", headers: { "Retry-After": {} } } }),
      },
      { name: "no 503", doc: one({ "500": { description: "x" } }) },
      { name: "a 5XX range is not a 503", doc: one({ "5XX": { description: "x" } }) },
    ],
    invalid: [
      {
        name: "503 without Retry-After",
        doc: one({ "503": { description: "x", headers: { RateLimit: {} } } }),
        findings: [{ message: /503 response does not declare Retry-After/ }],
      },
    ],
  });
});
