import { describe } from "vitest";
import rule from "../../../src/audit/rules/401-needs-www-authenticate.js";
import { exchange, testRule } from "../helpers.js";

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      exchange({ status: 401, resHeaders: { "WWW-Authenticate": 'Bearer realm="api"' } }),
      exchange({ status: 401, resHeaders: { "www-authenticate": ['Basic realm="x"', "Bearer"] } }),
      exchange({ status: 403 }),
      exchange({ status: 200 }),
    ],
    invalid: [
      {
        name: "no challenge",
        exchange: exchange({ status: 401, resHeaders: { "content-type": "text/html" } }),
        findings: [{ message: /401 without WWW-Authenticate/ }],
      },
      {
        name: "no headers at all",
        exchange: exchange({ status: 401 }),
        findings: [{ message: /WWW-Authenticate/ }],
      },
      {
        name: "unparseable challenge",
        exchange: exchange({ status: 401, resHeaders: { "WWW-Authenticate": "=broken" } }),
        findings: [
          { message: /unparseable WWW-Authenticate/, excerpt: /WWW-Authenticate: =broken/ },
        ],
      },
    ],
  });
});
