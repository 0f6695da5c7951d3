import { describe, expect, it } from "vitest";
import { decide, definePolicy, isHttpFailure } from "../../src/index.js";
import { createAuthenticator, createScopeCheck, refuse, scopesOf } from "../../src/server/auth.js";

const policy = definePolicy({ realm: "api" });

async function challenge(result: unknown): Promise<string | undefined> {
  const r = await result;
  if (!isHttpFailure(r)) return undefined;
  return decide(r, policy).headers["www-authenticate"];
}

describe("createAuthenticator", () => {
  const tokens: Record<string, { id: string }> = { good: { id: "1" } };
  const authenticate = createAuthenticator((t) => {
    if (t === "old") return refuse.expired("Token expired at noon");
    if (t === "jwt-expired")
      throw Object.assign(new Error("jwt expired"), { name: "TokenExpiredError" });
    if (t === "jose-bad")
      throw Object.assign(new Error("sig"), { code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
    if (t === "db-down") throw new Error("ECONNREFUSED db");
    return tokens[t];
  });

  it("resolves to the identity for good credentials; the scheme is case-insensitive", async () => {
    expect(await authenticate("Bearer good")).toEqual({ id: "1" });
    expect(await authenticate("bearer good")).toEqual({ id: "1" });
  });

  it.each([
    [undefined, 'Bearer realm="api"'],
    ["", 'Bearer realm="api"'],
    ["Basic Zm9vOmJhcg==", 'Bearer realm="api"'],
    ["Bearer", 'Bearer realm="api"'],
    [
      "Bearer nope",
      'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"',
    ],
    [
      "Bearer a b",
      'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"',
    ],
    [
      "Bearer old",
      'Bearer realm="api", error="invalid_token", error_description="Token expired at noon"',
    ],
    [
      "Bearer jwt-expired",
      'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    ],
    [
      "Bearer jose-bad",
      'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"',
    ],
  ])("%s → %s", async (authorization, expected) => {
    expect(await challenge(authenticate(authorization))).toBe(expected);
  });

  it("any other error of the verifier is a server failure, not a 401", async () => {
    await expect(authenticate("Bearer db-down")).rejects.toThrow("ECONNREFUSED db");
  });

  it("another scheme is read and challenged", async () => {
    const basic = createAuthenticator(() => null, { scheme: "Basic", realm: "admin" });
    expect(await challenge(basic(undefined))).toBe('Basic realm="admin"');
  });
});

describe("createScopeCheck", () => {
  const check = createScopeCheck(["orders:write", "orders:read"]);
  it("passes an identity with every scope (array or OAuth string)", () => {
    expect(check({ scopes: ["orders:read", "orders:write"] })).toBeUndefined();
    expect(check({ scope: "orders:write orders:read" })).toBeUndefined();
  });
  it("403 insufficient_scope for a known identity without one", () => {
    const f = check({ scopes: ["orders:read"] });
    const d = decide(f!, policy);
    expect(d.status).toBe(403);
    expect(d.headers["www-authenticate"]).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="orders:write orders:read"',
    );
  });
  it("401 (never 403) without an identity", () => {
    expect(decide(check(undefined)!, policy).status).toBe(401);
  });
  it("scopesOf ignores what is not a scope", () => {
    expect(scopesOf({ scopes: ["a", 1, null] })).toEqual(["a"]);
    expect(scopesOf("x")).toEqual([]);
  });
});
