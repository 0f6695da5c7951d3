import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isSecretHeader,
  keepHeaderValue,
  REDACTED,
  redactHeaders,
  redactHeaderValue,
  redactTarget,
  redactText,
} from "../../src/audit/redact.js";

/** A secret that cannot appear by chance in the surrounding text. */
const secret = fc.stringMatching(/^[A-Za-z0-9._~+/-]{12,40}$/).map((s) => `Zq${s}9x`);
/** Surrounding text: printable ASCII without the characters that end a value. */
const noise = fc.string({
  unit: fc.constantFrom(..."abc xyz.,;:=/-_\n\t{}[]\"'<>&?".split("")),
  maxLength: 60,
});

describe("redactHeaderValue", () => {
  it("keeps the scheme of credentials and the names of cookies, nothing else", () => {
    expect(redactHeaderValue("Authorization", "Bearer abc.def")).toBe(`Bearer ${REDACTED}`);
    expect(redactHeaderValue("authorization", "opaque-token")).toBe(REDACTED);
    expect(redactHeaderValue("Proxy-Authorization", "Basic dXNlcjpwYXNz")).toBe(
      `Basic ${REDACTED}`,
    );
    expect(redactHeaderValue("Cookie", "sid=abc; theme=dark")).toBe(
      `sid=${REDACTED}; theme=${REDACTED}`,
    );
    expect(redactHeaderValue("Set-Cookie", "sid=abc; Path=/; HttpOnly")).toBe(
      `sid=${REDACTED}; Path=/; HttpOnly`,
    );
    expect(redactHeaderValue("X-Api-Key", "k-123")).toBe(REDACTED);
    expect(redactHeaderValue("X-Upstream-Token", "t")).toBe(REDACTED);
    expect(redactHeaderValue("Content-Type", "application/json")).toBe("application/json");
    expect(isSecretHeader("X-Amz-Security-Token")).toBe(true);
    expect(isSecretHeader("Accept")).toBe(false);
    expect(isSecretHeader("WWW-Authenticate")).toBe(false);
    expect(redactHeaderValue("WWW-Authenticate", 'Bearer realm="api"')).toBe('Bearer realm="api"');
    expect(keepHeaderValue("Authorization", "Bearer x.y.z")).toBe(`Bearer ${REDACTED}`);
    expect(keepHeaderValue("User-Agent", "curl password=1")).toBe("curl password=1");
  });

  it("never lets a planted secret through, whatever the header", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          "Authorization",
          "proxy-authorization",
          "Cookie",
          "Set-Cookie",
          "X-Api-Key",
          "x-auth-token",
          "X-CSRF-Token",
          "private-token",
        ),
        fc.constantFrom("", "Bearer ", "Basic ", "sid=", "a=b; sid=", "Token "),
        secret,
        noise,
        (name, prefix, s, tail) => {
          const out = redactHeaderValue(name, `${prefix}${s}${tail.replace(/[;=]/g, "")}`);
          expect(out).not.toContain(s);
        },
      ),
    );
  });
});

describe("redactTarget", () => {
  it("replaces the values of secret query parameters and userinfo", () => {
    expect(redactTarget("/cb?code=abc&state=1")).toBe(`/cb?code=${REDACTED}&state=1`);
    expect(redactTarget("/x?access_token=t&API_KEY=k&page=2#frag")).toBe(
      `/x?access_token=${REDACTED}&API_KEY=${REDACTED}&page=2#frag`,
    );
    expect(redactTarget("https://u:p@host/a")).toBe(`https://${REDACTED}@host/a`);
    expect(redactTarget("/users/42")).toBe("/users/42");
  });

  it("never lets a planted secret through a secret parameter", () => {
    const param = fc.constantFrom(
      "access_token",
      "token",
      "api_key",
      "key",
      "signature",
      "password",
      "X-Amz-Signature",
      "client_secret",
      "sig",
      "apiKey",
      "session_id",
    );
    fc.assert(
      fc.property(
        fc.stringMatching(/^\/[a-z/]{0,20}$/),
        param,
        secret,
        fc.boolean(),
        (path, p, s, first) => {
          const q = first ? `?${p}=${s}&page=1` : `?page=1&${p}=${s}`;
          expect(redactTarget(`${path}${q}`)).not.toContain(s);
        },
      ),
    );
  });
});

describe("redactText", () => {
  it("cuts JWTs, scheme tokens, secret pairs and well-known key shapes", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXZhbHVl";
    expect(redactText(`token was ${jwt}.`)).toBe(`token was ${REDACTED}.`);
    expect(redactText("Authorization: Bearer abcdef123456")).toBe(
      `Authorization: Bearer ${REDACTED}`,
    );
    expect(redactText("curl -H 'X: Bearer abcdef123456'")).toBe(`curl -H 'X: Bearer ${REDACTED}'`);
    expect(redactText('{"user":"bob","password":"hunter2","api_key": "k-1"}')).toBe(
      `{"user":"bob","password":"${REDACTED}","api_key": "${REDACTED}"}`,
    );
    expect(redactText("db error: password=s3cret host=db1")).toBe(
      `db error: password=${REDACTED} host=db1`,
    );
    expect(redactText('"Authorization":"Bearer abcdef=="')).toBe(`"Authorization":"${REDACTED}"`);
    expect(redactText('h: Bearer abcdef==" x')).toBe(`h: Bearer ${REDACTED}" x`);
    expect(redactText('Bearer realmxyz="api", error="invalid_token"')).toBe(
      'Bearer realmxyz="api", error="invalid_token"',
    );
    expect(redactText("key AKIAIOSFODNN7EXAMPLE used")).toBe(`key ${REDACTED} used`);
    expect(redactText("plain text, nothing to hide: a=b")).toBe("plain text, nothing to hide: a=b");
  });

  it("never lets a planted secret through, in any of the shapes it knows", () => {
    const shape = fc.constantFrom(
      (s: string) => `Bearer ${s}`,
      (s: string) => `Basic ${s}`,
      (s: string) => `password=${s}`,
      (s: string) => `"token": "${s}"`,
      (s: string) => `'api_key':'${s}'`,
      (s: string) => `client_secret: ${s}`,
      (s: string) => `eyJhbGciOiJub25lIn0.eyJ${s.replace(/[^A-Za-z0-9_-]/g, "a")}.sig`,
      (s: string) => `Authorization=${s}`,
    );
    fc.assert(
      fc.property(noise, shape, secret, noise, (before, make, s, after) => {
        const planted = make(s);
        const core = planted.startsWith("eyJ") ? planted.split(".")[1]! : s;
        expect(redactText(`${before} ${planted} ${after}`)).not.toContain(core);
      }),
      { numRuns: 500 },
    );
  });

  it("stays linear on long hostile text (no backtracking)", () => {
    for (const unit of [
      "a",
      "a.",
      "=",
      "password=",
      '"token":"',
      "eyJ",
      "Bearer ",
      "key:",
      "-".repeat(9),
      "a://",
      "a://b:",
      "x%3A%2F%2F",
      "x%3A%2F%2Fu",
      ";",
      ";k=",
      "#",
    ]) {
      const text = unit.repeat(Math.ceil(200_000 / unit.length));
      expect(typeof redactText(text)).toBe("string");
      expect(typeof redactTarget(`/x?${text}`)).toBe("string");
    }
  });
});

describe("the gaps of issue 18 item 6", () => {
  it("credentials in URLs anywhere in text, plain or percent-encoded", () => {
    expect(redactText("db error: postgres://admin:s3cret@db.internal:5432/app")).toBe(
      `db error: postgres://${REDACTED}@db.internal:5432/app`,
    );
    expect(redactText("see https://ghp_token@github.com/x")).toBe(
      `see https://${REDACTED}@github.com/x`,
    );
    expect(redactText("https%3A%2F%2Fu%3Apw%40evil%2F")).toBe(
      `https%3A%2F%2F${REDACTED}%40evil%2F`,
    );
    expect(redactText("plain https://example.com/a@b")).toBe("plain https://example.com/a@b");
  });

  it("a redirect URL with credentials in the gateway's access log", () => {
    expect(redactTarget("/login?redirect=https://u:pw@evil/")).toBe(
      `/login?redirect=https://${REDACTED}@evil/`,
    );
    expect(redactTarget("/login?redirect=https%3A%2F%2Fu%3Apw%40evil%2F&x=1")).toBe(
      `/login?redirect=https%3A%2F%2F${REDACTED}%40evil%2F&x=1`,
    );
    expect(redactTarget("/a?next=%2Fc%3Fpassword%3Dhunter2")).not.toContain("hunter2");
  });

  it('"privateKey" and other key names', () => {
    expect(redactText('{"privateKey": "k", "private_key":"k2", "passphrase": "p"}')).toBe(
      `{"privateKey": "${REDACTED}", "private_key":"${REDACTED}", "passphrase": "${REDACTED}"}`,
    );
    expect(isSecretHeader("X-Private-Key")).toBe(true);
  });

  it("path parameters and fragments", () => {
    expect(redactTarget("/app;jsessionid=ABC123/page")).toBe(`/app;jsessionid=${REDACTED}/page`);
    expect(redactTarget("/a;v=2;token=x/b")).toBe(`/a;v=2;token=${REDACTED}/b`);
    expect(redactTarget("/cb#access_token=xyz&state=abc")).toBe(
      `/cb#access_token=${REDACTED}&state=abc`,
    );
    expect(redactTarget("/cb?x=1#id_token=xyz")).toBe(`/cb?x=1#id_token=${REDACTED}`);
  });
});

describe("redactHeaders", () => {
  it("redacts every value of a bag", () => {
    expect(redactHeaders({ cookie: ["a=1", "b=2"], accept: ["*/*"] })).toEqual({
      cookie: [`a=${REDACTED}`, `b=${REDACTED}`],
      accept: ["*/*"],
    });
  });
});
