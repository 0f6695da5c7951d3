import { describe, expect, it } from "vitest";
import { credentialId } from "../../../src/audit/credential-id.js";
import rule from "../../../src/audit/rules/401-for-accepted-token.js";
import { exchange, testRule } from "../helpers.js";

/** An exchange as the HAR source gives it: the credential redacted, its fingerprint kept. */
const at = (
  status: number,
  token: string | undefined,
  time: number,
  entry: number,
  target = "/orders",
) => {
  const e = exchange({
    status,
    target,
    time,
    entry,
    credentials: token ? "present" : "absent",
    ...(token ? { reqHeaders: { Authorization: "Bearer [REDACTED]" } } : {}),
  });
  const id = token ? credentialId("authorization", `Bearer ${token.padEnd(20, "x")}`) : undefined;
  return id === undefined ? e : { ...e, request: { ...e.request, credentialId: id } };
};

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
        name: "redacted credentials alone never tie two requests together",
        exchanges: [
          exchange({ status: 401, time: 1, reqHeaders: { Authorization: "Bearer [REDACTED]" } }),
          exchange({ status: 200, time: 2, reqHeaders: { Authorization: "Bearer [REDACTED]" } }),
        ],
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

describe("credentialId", () => {
  it("fingerprints token-like credentials only, one-way and stable", () => {
    const a = credentialId("authorization", "Bearer abcdefghijklmnopqrstuvwxyz");
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(credentialId("Authorization", "Bearer abcdefghijklmnopqrstuvwxyz")).toBe(a);
    expect(credentialId("authorization", "Bearer abcdefghijklmnopqrstuvwxyZ")).not.toBe(a);
    expect(credentialId("authorization", "Basic dXNlcjpwYXNzd29yZDEyMzQ1Ng==")).toBeUndefined();
    expect(credentialId("authorization", "Bearer short")).toBeUndefined();
    expect(credentialId("x-api-key", "k_0123456789abcdef0123")).toMatch(/^[0-9a-f]{16}$/);
  });
});
