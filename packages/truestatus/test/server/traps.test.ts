/**
 * The traps a new user fell into (issue 16, and issue 18 item 12), run against every adapter over
 * real HTTP on 127.0.0.1, as the decision table is.
 */
import { createServer, type Server } from "node:http";
import express from "express";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { notFound as notFoundExpress } from "../../src/index.js";
import { truestatus as truestatusExpress } from "../../src/server/express.js";
import { truestatus as truestatusFastify } from "../../src/server/fastify.js";
import type { LogEntry } from "../../src/server/log.js";
import { closing, INVALID_UTF8_ORDER, listening, type Started } from "./apps/domain.js";
import { ADAPTERS } from "./apps/index.js";

const T = "https://github.com/truestatus/truestatus/blob/main/docs/problems.md#";
const WRITER = { authorization: "Bearer writer-token" };
const READER = { authorization: "Bearer reader-token" };

/** Adapters whose framework lets a route pass a request on to the not-found handler. */
const FALL_THROUGH = new Set(["express", "fastify", "koa"]);
/** Adapters with a typed identity accessor (node's requireAuth returns the identity itself). */
const IDENTITY_ACCESSOR = new Set(["express", "fastify", "hono", "koa", "nestjs"]);

async function upstreamUrl(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.end("{}"));
  server.listen(0, "127.0.0.1");
  return { url: await listening(server), server };
}

/** The framework's request as onFailure got it → its path (each framework names it its way). */
function pathOfRequest(r: unknown): string | undefined {
  const o = r as {
    req?: { path?: unknown };
    path?: unknown;
    url?: unknown;
    originalUrl?: unknown;
  };
  if (typeof o?.req?.path === "string") return o.req.path; // Hono's Context
  if (typeof o?.path === "string") return o.path; // Express, Koa
  if (typeof o?.url === "string") return o.url.split("?")[0]; // Fastify, node:http, NestJS
  return undefined;
}

for (const [name, start] of Object.entries(ADAPTERS)) {
  describe(`${name}: traps`, () => {
    let app: Started;
    let hidden: Started;
    let up: { url: string; server: Server };
    const logged: LogEntry[] = [];
    const seen: { path: string | undefined; kind: string }[] = [];

    beforeAll(async () => {
      up = await upstreamUrl();
      app = await start({
        policy: { realm: "orders" },
        log: (e) => logged.push(e),
        refusedUrl: up.url,
        hangingUrl: up.url,
        onFailure: (failure, decision, request) => {
          seen.push({ path: pathOfRequest(request), kind: failure.kind });
          return decision.status === 404 ? { hint: "see /orders", status: 200 } : undefined;
        },
      });
      hidden = await start({
        policy: { realm: "orders", hideForbidden: true },
        log: () => {},
        refusedUrl: up.url,
        hangingUrl: up.url,
      });
    });
    afterAll(async () => {
      await app.close();
      await hidden.close();
      await closing(up.server);
    });

    async function problem(res: Response): Promise<Record<string, unknown>> {
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      return (await res.json()) as Record<string, unknown>;
    }

    it("throw notFound() → 404, not 500", async () => {
      const res = await fetch(`${app.url}/trap/not-found`);
      expect(res.status).toBe(404);
      expect((await problem(res)).type).toBe(`${T}not-found`);
    });

    it("throw unprocessable(...) → 422 with its detail", async () => {
      const res = await fetch(`${app.url}/trap/unprocessable`);
      expect(res.status).toBe(422);
      expect(await problem(res)).toMatchObject({
        type: `${T}unprocessable`,
        detail: "An order holds at most 100 items.",
      });
    });

    it("throw rateLimited(...) → 429 with Retry-After", async () => {
      const res = await fetch(`${app.url}/trap/rate-limited`);
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("30");
      expect((await problem(res)).type).toBe(`${T}rate-limited`);
    });

    it("hideForbidden: a missing scope stays 403 insufficient_scope", async () => {
      const res = await fetch(`${hidden.url}/orders`, {
        method: "POST",
        headers: { ...READER, "content-type": "application/json" },
        body: '{"sku":"A1","qty":1}',
      });
      expect(res.status).toBe(403);
      expect(res.headers.get("www-authenticate")).toBe(
        'Bearer realm="orders", error="insufficient_scope", scope="orders:write"',
      );
      expect((await problem(res)).type).toBe(`${T}forbidden`);
    });

    it("hideForbidden: another user's object is a 404 like any other", async () => {
      const res = await fetch(`${hidden.url}/trap/not-yours`);
      const real = await fetch(`${hidden.url}/trap/not-found`);
      expect(res.status).toBe(404);
      expect(res.headers.get("www-authenticate")).toBeNull();
      expect(await res.text()).toBe(await real.text());
    });

    it.each(["/trap/crlf", "/trap/crlf-literal"])(
      "a CR/LF bound for a header (%s) ends as a 500 problem with nothing internal, logged with its instance",
      async (path) => {
        const before = logged.length;
        const res = await fetch(app.url + path);
        expect(res.status).toBe(500);
        expect(res.headers.get("x-injected")).toBeNull();
        const body = await problem(res);
        expect(body.instance).toMatch(/^urn:uuid:/);
        const text = JSON.stringify(body);
        for (const leak of ["X-Injected", "at /", "node_modules", "failure option"])
          expect(text).not.toContain(leak);
        const entry = logged.slice(before).find((e) => e.status === 500);
        expect(entry).toMatchObject({ level: "error", instance: body.instance });
        expect(entry?.error).toBeDefined();
      },
    );

    it("a JSON body that is not UTF-8 → 400 malformed (not 201)", async () => {
      const res = await fetch(`${app.url}/orders`, {
        method: "POST",
        headers: { ...WRITER, "content-type": "application/json" },
        body: INVALID_UTF8_ORDER,
      });
      expect(res.status).toBe(400);
      expect(await problem(res)).toMatchObject({
        type: `${T}malformed`,
        detail: "The request body is not valid UTF-8.",
      });
    });

    it("logs a 4xx at info with kind, class and status, and no cause", async () => {
      const before = logged.length;
      await (await fetch(`${app.url}/trap/not-found`)).arrayBuffer();
      const entry = logged.slice(before).find((e) => e.event === "client_failure");
      expect(entry).toMatchObject({
        level: "info",
        status: 404,
        kind: "not_found",
        class: "not_found",
        path: "/trap/not-found",
      });
      expect(entry?.error).toBeUndefined();
    });

    it("onFailure sees the failure and the framework's request, and adds members (never status)", async () => {
      const before = seen.length;
      const res = await fetch(`${app.url}/trap/not-found`);
      const body = await problem(res);
      expect(res.status).toBe(404);
      expect(body.hint).toBe("see /orders");
      expect(body.status).toBe(404);
      expect(seen.slice(before)).toContainEqual({ path: "/trap/not-found", kind: "not_found" });
    });

    if (FALL_THROUGH.has(name)) {
      it("a route that lets the request through → 404, not a 405 that allows the method", async () => {
        const res = await fetch(`${app.url}/trap/fallthrough`);
        expect(res.status).toBe(404);
        expect(res.headers.get("allow")).toBeNull();
        expect((await problem(res)).type).toBe(`${T}not-found`);
        const head = await fetch(`${app.url}/trap/fallthrough`, { method: "HEAD" });
        expect(head.status).toBe(404);
        // Another method on the same path is still the 405 it is.
        const post = await fetch(`${app.url}/trap/fallthrough`, { method: "POST" });
        expect(post.status).toBe(405);
        expect(post.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
      });
    }

    if (IDENTITY_ACCESSOR.has(name)) {
      it("the typed identity: auth.identity(req) on an authenticated request", async () => {
        const res = await fetch(`${app.url}/me`, { headers: READER });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ id: "u1" });
      });

      it("auth.identity(req) on a route without requireAuth: a 500 whose log says what to add", async () => {
        const before = logged.length;
        const res = await fetch(`${app.url}/trap/identity-without-auth`);
        expect(res.status).toBe(500);
        const entry = logged.slice(before).find((e) => e.status === 500);
        expect(JSON.stringify((entry?.error as Error | undefined)?.cause?.toString())).toContain(
          "requireAuth() did not authenticate",
        );
      });
    }
  });
}

describe("Express: truestatus() installed before the routes", () => {
  it("notices on the first request, says so once, and answers as if it were after them", async () => {
    const logged: LogEntry[] = [];
    const app = express();
    app.use(truestatusExpress({ logger: (e) => logged.push(e) }));
    app.get("/orders", (_req, res) => {
      res.json([]);
    });
    app.get("/boom", () => {
      throw notFoundExpress({ detail: "no such order" });
    });
    const server = app.listen(0, "127.0.0.1");
    const url = await listening(server);
    try {
      const ok = await fetch(`${url}/orders`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual([]);
      const thrown = await fetch(`${url}/boom`);
      expect(thrown.status).toBe(404);
      expect(((await thrown.json()) as { detail: string }).detail).toBe("no such order");
      const wrong = await fetch(`${url}/orders`, { method: "DELETE" });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
      const missing = await fetch(`${url}/nowhere`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get("content-type")).toBe("application/problem+json");
      const setup = logged.filter((e) => e.event === "setup");
      expect(setup).toHaveLength(1);
      expect(setup[0]!.message).toMatch(/before 2 routes.*Move it after your last route/);
    } finally {
      await closing(server);
    }
  });
});

describe("Fastify: failures go to Fastify's own logger, with the request id", () => {
  it("a 500 at error with the cause and instance, a 404 at info without", async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (line: string) => lines.push(JSON.parse(line)) };
    const app = Fastify({ logger: { level: "info", stream } });
    await app.register(truestatusFastify);
    app.get("/crash", async () => {
      throw new Error("db down");
    });
    await app.ready();
    const crash = await app.inject({ method: "GET", url: "/crash" });
    const instance = (JSON.parse(crash.body) as { instance: string }).instance;
    const error = lines.find((l) => l.event === "server_failure");
    expect(error).toMatchObject({
      level: 50,
      reqId: expect.any(String),
      instance,
      kind: "internal",
      class: "server_bug",
      status: 500,
    });
    const err = error?.err as { message: string; stack: string } | undefined;
    expect(err?.message).toBe("db down");
    expect(err?.stack).toContain("traps.test.ts");
    const missing = await app.inject({ method: "GET", url: "/nowhere" });
    expect(missing.statusCode).toBe(404);
    const info = lines.find((l) => l.event === "client_failure");
    expect(info).toMatchObject({ level: 30, reqId: expect.any(String), kind: "not_found" });
    expect(info?.err).toBeUndefined();
    await app.close();
  });
});

describe("Fastify without its logger (the default): a 5xx is still logged", () => {
  it("one JSON line on stderr with the instance the client got (not Fastify's no-op logger)", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const app = Fastify();
    try {
      await app.register(truestatusFastify);
      app.get("/crash", async () => {
        throw new Error("db down");
      });
      const res = await app.inject({ method: "GET", url: "/crash" });
      expect(res.statusCode).toBe(500);
      const instance = (JSON.parse(res.body) as { instance: string }).instance;
      const entry = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((e) => e.instance === instance);
      expect(entry).toMatchObject({
        level: "error",
        event: "server_failure",
        kind: "internal",
        status: 500,
      });
      expect((entry?.error as { message?: string } | undefined)?.message).toBe("db down");
    } finally {
      spy.mockRestore();
      await app.close();
    }
  });
});
