import { describe } from "vitest";
import rule from "../../../src/audit/rules/no-content-with-body.js";
import { exchange, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      exchange({ status: 204, size: 0 }),
      exchange({ status: 304 }),
      exchange({ status: 200, size: 10 }),
      exchange({ status: 204, body: "" }),
      {
        name: "a body a client kept is no evidence of bytes on the wire (a browser's cached 304)",
        exchange: exchange({ status: 304, body: "{}" }),
      },
    ],
    invalid: [
      {
        exchange: exchange({ status: 204, size: 17 }),
        findings: [{ message: /204 No Content sent 17 bytes/ }],
      },
      {
        exchange: exchange({ status: 304, size: 2 }),
        findings: [{ message: /304 Not Modified sent 2 bytes/ }],
      },
      { exchange: exchange({ status: 205, size: 1 }), findings: [{ message: /205/ }] },
    ],
  });
});
