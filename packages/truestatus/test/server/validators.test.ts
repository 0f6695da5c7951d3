/**
 * The validators people use, answered by truestatus (400, or 422 by policy, with field errors):
 * @hono/zod-validator through validationHook; Fastify's own schema validation with the TypeBox and
 * Zod type providers.
 */
import type { Server } from "node:http";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { serve } from "@hono/node-server";
import { zValidator } from "@hono/zod-validator";
import Fastify from "fastify";
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { truestatus as fastifyTs } from "../../src/server/fastify.js";
import { truestatus as honoTs, jsonBody, validationHook } from "../../src/server/hono.js";
import { closing, INVALID_UTF8_ORDER, listening } from "./apps/domain.js";

const T = "https://github.com/truestatus/truestatus/blob/main/docs/problems.md#";
const Order = z.object({ sku: z.string().min(1), qty: z.number().int().min(1) });

describe("Hono: @hono/zod-validator with validationHook", () => {
  function app(policy: { validationStatus?: 400 | 422 } = {}) {
    const a = new Hono();
    a.post("/orders", zValidator("json", Order, validationHook), (c) =>
      c.json(c.req.valid("json"), 201),
    );
    a.get(
      "/orders",
      zValidator("query", z.object({ page: z.coerce.number().int() }), validationHook),
      (c) => c.json(c.req.valid("query")),
    );
    return honoTs(a, { policy });
  }

  it("a schema failure in the body → 400 invalid with JSON Pointers, not the validator's own 400", async () => {
    const res = await app().request("/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"sku":"A1","qty":"ten"}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = (await res.json()) as {
      type: string;
      errors: { pointer: string }[];
      success?: unknown;
    };
    expect(body.type).toBe(`${T}invalid`);
    expect(body.errors.map((e) => e.pointer)).toEqual(["/qty"]);
    expect(body.success).toBeUndefined();
  });

  it("validationStatus 422 applies", async () => {
    const res = await app({ validationStatus: 422 }).request("/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"qty":1}',
    });
    expect(res.status).toBe(422);
  });

  it("a query parameter is named, not pointed at", async () => {
    const res = await app().request("/orders?page=x");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { parameter: string }[] };
    expect(body.errors[0]?.parameter).toBe("page");
  });

  it("valid input passes", async () => {
    const res = await app().request("/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"sku":"A1","qty":2}',
    });
    expect(res.status).toBe(201);
  });
});

describe("Hono: zValidator reads the body jsonBody() read truthfully (real server)", () => {
  // Without jsonBody(), zValidator("json") read the body with c.req.json(): bytes that are not
  // UTF-8 became U+FFFD and the order was created (201), a text/plain body was validated as {}
  // (400 invalid instead of 415), and no size was too large (201 for any body).
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const a = new Hono();
    a.post("/orders", jsonBody({ limit: 64 }), zValidator("json", Order, validationHook), (c) =>
      c.json(c.req.valid("json"), 201),
    );
    honoTs(a);
    server = serve({ fetch: a.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
    url = await listening(server);
  });
  afterAll(() => closing(server));

  function post(body: string | Uint8Array, contentType = "application/json") {
    return fetch(`${url}/orders`, {
      method: "POST",
      headers: { "content-type": contentType },
      body,
    });
  }

  it("bytes that are not UTF-8 → 400 malformed, not 201", async () => {
    const res = await post(INVALID_UTF8_ORDER);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      type: `${T}malformed`,
      detail: "The request body is not valid UTF-8.",
    });
  });

  it("another media type → 415 with Accept-Post, not a validation error", async () => {
    const res = await post('{"sku":"A1","qty":1}', "text/plain");
    expect(res.status).toBe(415);
    expect(res.headers.get("accept-post")).toBe("application/json");
    expect(((await res.json()) as { type: string }).type).toBe(`${T}unsupported-media-type`);
  });

  it("over the limit → 413 with the limit", async () => {
    const res = await post(JSON.stringify({ sku: "x".repeat(100), qty: 1 }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ type: `${T}payload-too-large`, limit: 64 });
  });

  it("text that is not JSON → 400 malformed with truestatus's detail", async () => {
    const res = await post('{"sku":');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      type: `${T}malformed`,
      detail: "The request body is not valid JSON.",
    });
  });

  it("a valid body reaches the validator and the handler; a schema failure is still 400 invalid", async () => {
    const ok = await post('{"sku":"A1","qty":2}');
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ sku: "A1", qty: 2 });
    const bad = await post('{"sku":"A1","qty":0}');
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { type: string; errors: { pointer: string }[] };
    expect(body.type).toBe(`${T}invalid`);
    expect(body.errors.map((e) => e.pointer)).toEqual(["/qty"]);
  });
});

describe("Fastify: schema validation through type providers", () => {
  it("TypeBox: 400 invalid with JSON Pointers", async () => {
    const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    await app.register(fastifyTs);
    app.post(
      "/orders",
      {
        schema: {
          body: Type.Object({
            sku: Type.String({ minLength: 1 }),
            qty: Type.Integer({ minimum: 1 }),
          }),
        },
      },
      async (request, reply) => reply.code(201).send(request.body),
    );
    const res = await app.inject({ method: "POST", url: "/orders", payload: { sku: "A1" } });
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body) as { type: string; errors: { pointer: string }[] };
    expect(body.type).toBe(`${T}invalid`);
    expect(body.errors.map((e) => e.pointer)).toEqual(["/qty"]);
    await app.close();
  });

  it("fastify-type-provider-zod: 400 invalid with JSON Pointers (422 by policy)", async () => {
    for (const validationStatus of [400, 422] as const) {
      const app = Fastify();
      app.setValidatorCompiler(validatorCompiler);
      app.setSerializerCompiler(serializerCompiler);
      await app.register(fastifyTs, { policy: { validationStatus } });
      app
        .withTypeProvider<ZodTypeProvider>()
        .post("/orders", { schema: { body: Order } }, async (request, reply) =>
          reply.code(201).send(request.body),
        );
      const res = await app.inject({
        method: "POST",
        url: "/orders",
        payload: { sku: "A1", qty: "ten" },
      });
      expect(res.statusCode).toBe(validationStatus);
      const body = JSON.parse(res.body) as { type: string; errors: { pointer: string }[] };
      expect(body.type).toBe(`${T}invalid`);
      expect(body.errors.map((e) => e.pointer)).toEqual(["/qty"]);
      await app.close();
    }
  });
});
