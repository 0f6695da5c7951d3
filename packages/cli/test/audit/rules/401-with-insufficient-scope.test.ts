import { describe } from "vitest";
import rule from "../../../src/audit/rules/401-with-insufficient-scope.js";
import { exchange, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      exchange({ status: 401, resHeaders: { "WWW-Authenticate": 'Bearer error="invalid_token"' } }),
      exchange({
        status: 403,
        resHeaders: { "WWW-Authenticate": 'Bearer error="insufficient_scope"' },
      }),
      exchange({ status: 401 }),
      exchange({ status: 401, resHeaders: { "WWW-Authenticate": "=bad" } }),
    ],
    invalid: [
      {
        exchange: exchange({
          status: 401,
          resHeaders: {
            "WWW-Authenticate":
              'Bearer realm="api", error="insufficient_scope", scope="orders:write"',
          },
        }),
        findings: [{ message: /insufficient_scope.*403/, excerpt: /scope="orders:write"/ }],
      },
    ],
  });
});
