import { describe, expect, it } from "vitest";
import {
  badGateway,
  FailureDefinitionError,
  failures,
  forbidden,
  HttpFailure,
  internal,
  isHttpFailure,
  methodNotAllowed,
  notFound,
  rateLimited,
  unauthenticated,
  unavailable,
  unprocessable,
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
