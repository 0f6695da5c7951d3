import { describe } from "vitest";
import rule from "../../../src/audit/rules/403-without-credentials.js";
import { exchange, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      exchange({ status: 403, credentials: "present" }),
      {
        name: "sanitized HAR: unknown is not a finding",
        exchange: exchange({ status: 403, credentials: "unknown" }),
      },
      exchange({ status: 403 }),
      exchange({ status: 401, credentials: "absent" }),
    ],
    invalid: [
      {
        exchange: exchange({ status: 403, credentials: "absent", target: "/admin" }),
        findings: [{ message: /no credentials.*401/ }],
      },
    ],
  });
});
