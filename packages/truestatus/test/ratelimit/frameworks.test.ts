/**
 * The limiter's middleware in the real frameworks (Express 5, Fastify 5, Hono 4 on
 * @hono/node-server), on 127.0.0.1:0: the same table for each: RateLimit fields on the way
 * through, then 429 problem+json with Retry-After, RateLimit and RateLimit-Policy; nothing left open.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { noLeaks } from "../../../../test/helpers/leaks.js";
import { PROBLEM_CONTENT_TYPE } from "../../src/index.js";
import { expressRateLimit } from "../../src/ratelimit/express.js";
import { fastifyRateLimit } from "../../src/ratelimit/fastify.js";
import { honoRateLimit } from "../../src/ratelimit/hono.js";
import { createRateLimiter } from "../../src/ratelimit/limiter.js";

interface App {
  readonly url: string;
  close(): Promise<void>;
}

const policy = { limit: 2, window: 60, name: "api" } as const;

const frameworks: Record<string, () => Promise<App>> = {
  express: async () => {
    const app = express();
    app.use(expressRateLimit(policy));
    app.all("/", (_req, res) => {
      res.send("ok");
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise<void>((r) => server.once("listening", () => r()));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  },
  fastify: async () => {
    const app = Fastify();
    app.addHook("onRequest", fastifyRateLimit(policy));
    app.all("/", async () => "ok");
    await app.listen({ port: 0, host: "127.0.0.1" });
    return {
      url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`,
      close: () => app.close(),
    };
  },
  hono: async () => {
    const app = new Hono();
    app.use(honoRateLimit(policy));
    app.all("/", (c) => c.text("ok"));
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((r) => server.once("listening", () => r()));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      close: async () => {
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      },
    };
  },
};

let running: App | undefined;
async function cleanup(): Promise<void> {
  await running?.close();
  running = undefined;
}

describe.each(Object.keys(frameworks))("rate limiting in %s", (name) => {
  it(
    "lets the quota through with RateLimit fields, then answers 429 problem+json",
    noLeaks(async () => {
      running = await frameworks[name]!();
      const a = await fetch(running.url);
      expect([a.status, await a.text()]).toEqual([200, "ok"]);
      expect(a.headers.get("ratelimit")).toBe('"api";r=1;t=30');
      expect(a.headers.get("ratelimit-policy")).toBe('"api";q=2;w=60');
      const b = await fetch(running.url);
      expect([b.status, await b.text()]).toEqual([200, "ok"]);
      expect(b.headers.get("ratelimit")).toBe('"api";r=0;t=60');

      const c = await fetch(running.url);
      expect(c.status).toBe(429);
      expect(c.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(c.headers.get("retry-after")).toBe("30");
      expect(c.headers.get("ratelimit")).toBe('"api";r=0;t=30');
      expect(c.headers.get("ratelimit-policy")).toBe('"api";q=2;w=60');
      expect(await c.json()).toMatchObject({
        status: 429,
        title: "Too many requests",
        detail: "The request quota is exhausted; retry after 30 seconds.",
      });
      const head = await fetch(running.url, { method: "HEAD" });
      expect(head.status).toBe(429);
      expect(await head.text()).toBe("");
      expect(PROBLEM_CONTENT_TYPE).toBe("application/problem+json");
    }, cleanup),
  );
});

describe("a shared limiter and a custom key", () => {
  it(
    "Express: keys by API key; another key has its own quota",
    noLeaks(async () => {
      const limiter = createRateLimiter({ limit: 1, window: 60 });
      const app = express();
      app.use(expressRateLimit(limiter, { key: (req) => String(req.headers["x-api-key"]) }));
      app.get("/", (_req, res) => {
        res.send("ok");
      });
      const server = app.listen(0, "127.0.0.1");
      await new Promise<void>((r) => server.once("listening", () => r()));
      running = {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: async () => {
          server.closeAllConnections();
          await new Promise<void>((r) => server.close(() => r()));
        },
      };
      const get = (k: string) => fetch(running!.url, { headers: { "x-api-key": k } });
      expect((await get("A")).status).toBe(200);
      expect((await get("B")).status).toBe(200);
      expect((await get("A")).status).toBe(429);
      expect(limiter.metrics).toMatchObject({ allowed: 2, denied: 1 });
    }, cleanup),
  );
});
