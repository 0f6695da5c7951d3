import { describe, expect, it } from "vitest";
import {
  badGateway,
  decide,
  FailureDefinitionError,
  failures,
  forbidden,
  gatewayTimeout,
  HttpFailure,
  internal,
  isHttpFailure,
  methodNotAllowed,
  notFound,
  payloadTooLarge,
  rateLimited,
  unauthenticated,
  unavailable,
  unprocessable,
  unsupportedMediaType,
} from "../../src/index.js";

describe("failure constructors", () => {
  it("fill in the default reason", () => {
    expect(unauthenticated().reason).toBe("missing");
    expect(forbidden().reason).toBe("denied");
    expect(forbidden({ scope: ["a"] }).reason).toBe("insufficient_scope");
    expect(unprocessable().reason).toBe("business_rule");
    expect(unavailable().reason).toBe("overload");
  });

  it("are all reachable from `failures`", () => {
    expect(Object.keys(failures)).toHaveLength(16);
    expect(failures.notFound().kind).toBe("not_found");
  });

  it.each([
    ["a 429 without a delay", () => rateLimited({} as never)],
    ["a negative Retry-After", () => rateLimited({ retryAfter: -1 })],
    ["a NaN Retry-After", () => unavailable({ retryAfter: Number.NaN })],
    ["an invalid Date", () => unavailable({ retryAfter: new Date("nope") })],
    ["a fractional quota", () => rateLimited({ retryAfter: 1, quota: { quota: 1.5, window: 60 } })],
    ["a zero window", () => rateLimited({ retryAfter: 1, quota: { quota: 10, window: 0 } })],
    ["a 405 without allowed methods", () => methodNotAllowed({} as never)],
    ["a method that is not a token", () => methodNotAllowed({ allow: ["GET POST"] })],
    ["a 502 with no facts", () => badGateway({})],
    ["a 401 with an empty challenge list", () => unauthenticated({ challenges: [] })],
    ["a scheme that is not a token", () => unauthenticated({ scheme: "Bear er" })],
    [
      "a Bearer description with a quote",
      () => unauthenticated({ reason: "invalid", description: 'say "hi"' }),
    ],
    ["a scope with a backslash", () => forbidden({ scope: ["a\\b"] })],
    ["an extension named status", () => notFound({ extensions: { status: 200 } })],
    ["an extension named detail", () => internal({ extensions: { detail: "x" } })],
    // Values that end up in a header field: a CR or LF must never reach setHeader().
    [
      "a media type with CR/LF",
      () => unsupportedMediaType({ accept: ["application/json\r\nX: y"] }),
    ],
    ["a media type that is not one", () => unsupportedMediaType({ accept: ["json"] })],
    ["a coding with a space", () => unsupportedMediaType({ acceptEncoding: ["gzip br"] })],
    ["a realm with LF", () => unauthenticated({ realm: "a\nb" })],
    ["a forbidden realm with CR", () => forbidden({ realm: "a\rb" })],
    [
      "a challenge with CR/LF",
      () => unauthenticated({ challenges: [{ scheme: "Basic", params: { realm: "x\r\ny" } }] }),
    ],
    [
      "a Proxy-Status error that is not a token",
      () => badGateway({ error: "conn refused" as never }),
    ],
    ["a received status out of range", () => badGateway({ receivedStatus: 1000 })],
    ["a Proxy-Status param named error", () => gatewayTimeout({ params: { error: "x" } })],
    ["a Proxy-Status param that is not a key", () => unavailable({ params: { "A B": 1 } })],
    [
      "an ALPN id beyond bytes",
      () => badGateway({ error: "tls_protocol_error", nextProtocol: "h\u2028" }),
    ],
    [
      "a quota name with LF",
      () => rateLimited({ retryAfter: 1, quota: { name: "a\nb", quota: 1, window: 1 } }),
    ],
    ["a negative limit", () => payloadTooLarge({ limit: -1 })],
  ])("refuse %s with a typed error", (_name, make) => {
    let caught: unknown;
    try {
      make();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as { code?: string }).code).toMatch(
      /^TRUESTATUS_INVALID_(FAILURE|HEADER_VALUE)$/,
    );
  });

  it("name the offending option", () => {
    expect(() => rateLimited({ retryAfter: -5 })).toThrow(FailureDefinitionError);
    try {
      rateLimited({ retryAfter: -5 });
    } catch (e) {
      expect((e as FailureDefinitionError).option).toBe("retryAfter");
      expect((e as Error).message).toContain("retryAfter");
    }
  });
});

describe("HttpFailure", () => {
  it("is an Error with a stable code, the failure, and http-errors-compatible fields", () => {
    const e = new HttpFailure(unauthenticated({ reason: "expired" }));
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("HttpFailure");
    expect(e.code).toBe("TRUESTATUS_HTTP_FAILURE");
    expect(e.kind).toBe("unauthenticated");
    expect(e.failure.reason).toBe("expired");
    expect(e.status).toBe(401);
    expect(e.statusCode).toBe(401);
    expect(e.expose).toBe(true);
    expect(e.message).toContain("401");
  });

  it("does not capture a stack for client faults, does for server faults", () => {
    const client = new HttpFailure(notFound());
    const server = new HttpFailure(internal());
    expect(client.stack?.split("\n")).toHaveLength(1);
    expect(server.stack?.split("\n").length).toBeGreaterThan(1);
    expect(server.expose).toBe(false);
    expect(
      new HttpFailure(notFound(), { captureStack: true }).stack?.split("\n").length,
    ).toBeGreaterThan(1);
  });

  it("restores Error.stackTraceLimit after construction", () => {
    const before = Error.stackTraceLimit;
    new HttpFailure(notFound());
    expect(Error.stackTraceLimit).toBe(before);
  });

  it("passes the cause through", () => {
    const cause = new Error("db down");
    expect(new HttpFailure(internal({ cause })).cause).toBe(cause);
    expect(new HttpFailure(notFound(), { cause }).cause).toBe(cause);
  });

  it("is recognised by brand, also across copies of the library, and not by look-alikes", () => {
    expect(isHttpFailure(new HttpFailure(notFound()))).toBe(true);
    const foreign = { [Symbol.for("truestatus.HttpFailure")]: true, failure: notFound() };
    expect(isHttpFailure(foreign)).toBe(true);
    expect(isHttpFailure({ name: "HttpFailure", status: 404 })).toBe(false);
    expect(isHttpFailure(new Error("HttpFailure"))).toBe(false);
    expect(isHttpFailure(null)).toBe(false);
  });
});

describe("a constructor's result is throwable as it is", () => {
  it("is an Error and an HttpFailure, and answers like new HttpFailure(failure)", () => {
    for (const make of Object.values(failures) as ((o?: object) => unknown)[]) {
      const f = make({
        allow: ["GET"],
        retryAfter: 1,
        error: "connection_refused",
      }) as HttpFailure;
      expect(f, f.kind).toBeInstanceOf(Error);
      expect(f).toBeInstanceOf(HttpFailure);
      expect(isHttpFailure(f)).toBe(true);
      expect(f.failure).toBe(f);
      expect(f.code).toBe("TRUESTATUS_HTTP_FAILURE");
      expect(f.name).toBe("HttpFailure");
      expect(f.status).toBe(decide(f).status);
      expect(f.statusCode).toBe(f.status);
      expect(f.expose).toBe(f.status < 500);
      expect(f.message).toMatch(new RegExp(`^${f.status} ${f.kind}: `));
      expect(decide(f)).toEqual(decide(new HttpFailure(f.failure)));
    }
  });

  it("stays the failure's data: own members, JSON, spread and deep equality see nothing else", () => {
    const f = unprocessable({ reason: "duplicate", detail: "exists" });
    expect(Object.keys(f)).toEqual(["kind", "reason", "detail"]);
    expect(JSON.parse(JSON.stringify(f))).toEqual({
      kind: "unprocessable",
      reason: "duplicate",
      detail: "exists",
    });
    expect({ ...f }).toEqual({ kind: "unprocessable", reason: "duplicate", detail: "exists" });
    expect(isHttpFailure({ ...f })).toBe(false);
    expect(f).toEqual({ kind: "unprocessable", reason: "duplicate", detail: "exists" });
    expect(f).not.toEqual(unprocessable({ reason: "duplicate", detail: "other" }));
    expect(structuredClone(f)).toEqual({ ...f });
    // A failure made from another one's spread is a new failure, not the old one.
    const g = notFound({ ...notFound({ detail: "a" }), detail: "b" });
    expect(g.detail).toBe("b");
    expect(g.failure).toBe(g);
  });

  it("has no stack trace (new HttpFailure adds one with a cause)", () => {
    expect(notFound().stack).toBeUndefined();
    expect(String(notFound())).toBe(
      "HttpFailure: 404 not_found: No resource exists at this address.",
    );
  });

  it("thrown and caught, is still the failure", () => {
    let caught: unknown;
    try {
      throw rateLimited({ retryAfter: 30 });
    } catch (e) {
      caught = e;
    }
    expect(isHttpFailure(caught) && decide(caught).headers["retry-after"]).toBe("30");
  });
});
