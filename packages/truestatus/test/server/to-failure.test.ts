/** Interop: errors made by the real libraries (http-errors, @hapi/boom, zod, ajv) → failures. */
import Boom from "@hapi/boom";
import { Ajv } from "ajv";
import createError from "http-errors";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HttpFailure, notFound, rateLimited } from "../../src/index.js";
import { recognise, toFailure } from "../../src/server/to-failure.js";

describe("toFailure: HttpFailure", () => {
  it("passes the failure through", () => {
    const f = rateLimited({ retryAfter: 5 });
    expect(toFailure(new HttpFailure(f))).toBe(f);
    expect(recognise(new HttpFailure(notFound())).source).toBe("http_failure");
  });
});

describe("toFailure: http-errors", () => {
  it("400 → malformed, with the message as detail (expose)", () => {
    expect(toFailure(createError(400, "Bad date"))).toEqual({
      kind: "malformed",
      detail: "Bad date",
    });
  });
  it("a message that only repeats the reason phrase is no detail", () => {
    expect(toFailure(createError(404))).toEqual({ kind: "not_found" });
  });
  it("401 keeps the error's own challenge; invalid_token means refused credentials", () => {
    const f = toFailure(
      createError(401, "nope", { headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } }),
    );
    expect(f).toMatchObject({
      kind: "unauthenticated",
      reason: "invalid",
      challenges: [{ scheme: "Bearer", params: { error: "invalid_token" } }],
    });
    expect(toFailure(createError(401))).toEqual({ kind: "unauthenticated", reason: "missing" });
  });
  it("405 takes Allow from the error; 429 and 503 their Retry-After", () => {
    expect(toFailure(createError(405, { headers: { Allow: "GET, HEAD" } }))).toEqual({
      kind: "method_not_allowed",
      allow: ["GET", "HEAD"],
    });
    expect(toFailure(createError(429, { headers: { "Retry-After": "30" } }))).toEqual({
      kind: "rate_limited",
      retryAfter: 30,
    });
    expect(toFailure(createError(429))).toEqual({ kind: "rate_limited", retryAfter: 1 });
    expect(toFailure(createError(503, { headers: { "retry-after": "120" } }))).toEqual({
      kind: "unavailable",
      reason: "overload",
      retryAfter: 120,
    });
  });
  it("5xx never carry their message; statuses outside the taxonomy keep their status", () => {
    const e = createError(500, "SELECT * FROM secrets");
    expect(toFailure(e)).toEqual({ kind: "internal", cause: e });
    const gone = createError(410, "Archived");
    expect(toFailure(gone)).toEqual({
      kind: "other_status",
      status: 410,
      detail: "Archived",
      cause: gone,
    });
    const teapot = createError(501);
    expect(toFailure(teapot)).toEqual({ kind: "other_status", status: 501, cause: teapot });
  });
  it("502 / 504 become upstream failures with a Proxy-Status error type", () => {
    expect(toFailure(createError(502))).toEqual({
      kind: "bad_gateway",
      error: "http_protocol_error",
    });
    expect(toFailure(createError(504))).toEqual({ kind: "gateway_timeout" });
  });
  it("a status outside 400–599 is a bug", () => {
    const e = Object.assign(new Error("moved"), { status: 302 });
    expect(toFailure(e)).toEqual({ kind: "internal", cause: e });
  });
});

describe("toFailure: @hapi/boom", () => {
  it("keeps status, message and challenge", () => {
    expect(toFailure(Boom.conflict("Already shipped"))).toEqual({
      kind: "conflict",
      detail: "Already shipped",
    });
    expect(toFailure(Boom.unauthorized("expired", "Bearer"))).toMatchObject({
      kind: "unauthenticated",
      challenges: [{ scheme: "Bearer" }],
    });
    expect(toFailure(Boom.forbidden())).toEqual({ kind: "forbidden", reason: "denied" });
    expect(toFailure(Boom.badData("Bad state"))).toEqual({
      kind: "unprocessable",
      reason: "business_rule",
      detail: "Bad state",
    });
  });
  it("server errors keep nothing of the message", () => {
    const e = Boom.badImplementation("db password=x");
    expect(toFailure(e)).toEqual({ kind: "internal", cause: e });
    expect(toFailure(Boom.notImplemented("later"))).toMatchObject({
      kind: "other_status",
      status: 501,
    });
    expect(toFailure(Boom.notImplemented("later"))).not.toHaveProperty("detail");
  });
});

describe("toFailure: zod", () => {
  it("issues → field errors with JSON Pointers", () => {
    const schema = z.object({
      items: z.array(z.object({ qty: z.number() })),
      "a/b": z.string(),
    });
    const r = schema.safeParse({ items: [{ qty: "x" }] });
    expect(r.success).toBe(false);
    const f = toFailure(r.error);
    expect(f.kind).toBe("invalid");
    const errors = (f as unknown as { errors: { pointer: string; code: string }[] }).errors;
    expect(errors.map((e) => e.pointer).sort()).toEqual(["/a~1b", "/items/0/qty"]);
    expect(errors.every((e) => e.code === "invalid_type")).toBe(true);
    expect(recognise(r.error).source).toBe("zod");
  });
});

describe("toFailure: ajv", () => {
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile({
    type: "object",
    required: ["sku"],
    additionalProperties: false,
    properties: { sku: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
  });

  it("a thrown error array → field errors (required and additionalProperties name the member)", () => {
    expect(validate({ tags: ["a", 2], extra: 1 })).toBe(false);
    const f = toFailure(validate.errors);
    expect(f.kind).toBe("invalid");
    const errors = (f as unknown as { errors: { pointer: string; code: string }[] }).errors;
    expect(errors.map((e) => [e.pointer, e.code]).sort()).toEqual([
      ["/extra", "additionalProperties"],
      ["/sku", "required"],
      ["/tags/1", "type"],
    ]);
  });

  it("Ajv's ValidationError (async schemas) → the same", () => {
    const e = new Ajv.ValidationError([
      {
        instancePath: "/a",
        schemaPath: "#/x",
        keyword: "type",
        params: {},
        message: "must be string",
      },
    ]);
    expect(toFailure(e)).toEqual({
      kind: "invalid",
      errors: [{ pointer: "/a", detail: "must be string", code: "type" }],
    });
  });
});

describe("toFailure: Fastify and body-parser errors (by their stable codes)", () => {
  it("Fastify's validation error with a querystring context names the parameter", () => {
    const e = Object.assign(new Error("querystring/limit must be integer"), {
      code: "FST_ERR_VALIDATION",
      statusCode: 400,
      validationContext: "querystring",
      validation: [
        { instancePath: "/limit", keyword: "type", params: {}, message: "must be integer" },
      ],
    });
    expect(toFailure(e)).toEqual({
      kind: "invalid",
      errors: [{ parameter: "limit", detail: "must be integer", code: "type" }],
    });
  });
  it("body-parser's entity.too.large keeps the limit", () => {
    const e = Object.assign(new Error("request entity too large"), {
      type: "entity.too.large",
      status: 413,
      limit: 1024,
    });
    expect(toFailure(e)).toEqual({ kind: "payload_too_large", limit: 1024 });
  });
});

describe("toFailure: anything else is a bug", () => {
  it.each([
    ["a string", "boom"],
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["a TypeError", new TypeError("x is not a function")],
  ])("%s → internal", (_name, thrown) => {
    expect(toFailure(thrown)).toEqual({ kind: "internal", cause: thrown });
  });
  it("an object whose getters throw → internal, without throwing", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    expect(toFailure(hostile).kind).toBe("internal");
  });
});

describe("toFailure: network errors go to the upstream classifier", () => {
  it("ECONNREFUSED while connecting → 502 connection_refused", () => {
    const e = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), {
      code: "ECONNREFUSED",
      syscall: "connect",
    });
    expect(toFailure(e)).toMatchObject({ kind: "bad_gateway", error: "connection_refused" });
    expect(recognise(e).source).toBe("network");
  });
  it("fetch's TypeError wrapping an undici connect timeout → 504", () => {
    const e = new TypeError("fetch failed", {
      cause: Object.assign(new Error("Connect Timeout Error"), { code: "UND_ERR_CONNECT_TIMEOUT" }),
    });
    expect(toFailure(e).kind).toBe("gateway_timeout");
  });
  it("AbortSignal.timeout's TimeoutError → 504", () => {
    expect(toFailure(new DOMException("timed out", "TimeoutError")).kind).toBe("gateway_timeout");
  });
  it("an abort of our own is no upstream failure: 500", () => {
    expect(toFailure(new DOMException("aborted", "AbortError")).kind).toBe("internal");
  });
});
