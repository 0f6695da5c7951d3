import { describe } from "vitest";
import rule from "../../../src/audit/rules/401-for-accepted-token.js";
import { exchange, testRule } from "../helpers.js";

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const at = (
  status: number,
  token: string | undefined,
  time: number,
  entry: number,
  target = "/orders",
) => exchange({ status, target, time, entry, ...(token ? { reqHeaders: auth(token) } : {}) });

describe(rule.id, () => {
  testRule(rule, {
    valid: [
      {
        name: "expired: accepted only before the 401",
        exchanges: [at(200, "t1", 1000, 0), at(401, "t1", 2000, 1)],
      },
      {
        name: "another token was accepted",
        exchanges: [at(401, "t1", 1000, 0), at(200, "t2", 2000, 1)],
      },
      {
        name: "no credentials",
        exchanges: [at(401, undefined, 1000, 0), at(200, undefined, 2000, 1)],
      },
      { name: "a 403 is right", exchanges: [at(403, "t1", 1000, 0), at(200, "t1", 2000, 1)] },
    ],
    invalid: [
      {
        name: "refused, then accepted on another route",
        exchanges: [
          at(200, "tok-A", 1000, 0, "/me"),
          at(401, "tok-A", 2000, 1, "/admin/users"),
          at(200, "tok-A", 3000, 2, "/me"),
        ],
        findings: [{ message: /accepted later in the same session.*403/ }],
      },
      {
        name: "counts every refusal; never shows the token",
        exchanges: [
          at(401, "secret-token-xyz", 1000, 0),
          at(401, "secret-token-xyz", 1500, 1),
          at(200, "secret-token-xyz", 2000, 2),
        ],
        findings: [{ message: /403/ }, { message: /403/ }],
      },
    ],
  });
});
