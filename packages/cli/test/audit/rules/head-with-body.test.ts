import { describe } from "vitest";
import rule from "../../../src/audit/rules/head-with-body.js";
import { exchange, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      exchange({ method: "HEAD", status: 200, size: 0 }),
      exchange({ method: "GET", status: 200, size: 100 }),
      {
        name: "204 is the other rule's",
        exchange: exchange({ method: "HEAD", status: 204, size: 5 }),
      },
    ],
    invalid: [
      {
        exchange: exchange({ method: "HEAD", status: 200, size: 512 }),
        findings: [{ message: /HEAD answered with 512 bytes/ }],
      },
    ],
  });
});
