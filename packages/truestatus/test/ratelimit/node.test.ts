/** rateLimit() on a real node:http server: headers on the way through, 429 problem+json when refused. */
import http from "node:http";
import type net from "node:net";
import { describe, expect, it } from "vitest";
import { noLeaks } from "../../../../test/helpers/leaks.js";
import { PROBLEM_CONTENT_TYPE, parseRateLimit } from "../../src/index.js";
import { createRateLimiter } from "../../src/ratelimit/limiter.js";
import { rateLimit } from "../../src/ratelimit/node.js";

let server: http.Server | undefined;
async function cleanup() {
  const s = server;
  server = undefined;
  if (s) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}

async function start(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

describe("rateLimit for node:http", () => {
  it(
    "lets `limit` requests through with RateLimit fields, then answers 429 problem+json",
    noLeaks(async () => {
      const limit = rateLimit({ limit: 2, window: 60, name: "api" });
      let reached = 0;
      const url = await start(async (req, res) => {
        if (!(await limit(req, res))) return;
        reached++;
        res.end("ok");
      });
      const a = await fetch(url);
      expect(a.status).toBe(200);
      expect(await a.text()).toBe("ok");
      expect(a.headers.get("ratelimit")).toBe('"api";r=1;t=30');
      expect(a.headers.get("ratelimit-policy")).toBe('"api";q=2;w=60');
      const b = await fetch(url);
      await b.text();
      expect(parseRateLimit(b.headers.get("ratelimit")!)).toMatchObject({ ok: true });
      const c = await fetch(url);
      expect(c.status).toBe(429);
      expect(c.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
      expect(c.headers.get("retry-after")).toBe("30");
      expect(c.headers.get("ratelimit")).toBe('"api";r=0;t=30');
      expect(c.headers.get("ratelimit-policy")).toBe('"api";q=2;w=60');
      const body = (await c.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ status: 429, title: "Too many requests" });
      const head = await fetch(url, { method: "HEAD" });
      expect(head.status).toBe(429);
      expect(await head.text()).toBe("");
      expect(reached).toBe(2);
    }, cleanup),
  );

  it(
    "keys by what `key` returns (here an API key header), and fails closed with 503",
    noLeaks(async () => {
      const limiter = createRateLimiter({ limit: 1, window: 60 });
      const limit = rateLimit(limiter, { key: (req) => String(req.headers["x-api-key"]) });
      const url = await start(async (req, res) => {
        if (await limit(req, res)) res.end("ok");
      });
      expect((await fetch(url, { headers: { "x-api-key": "A" } })).status).toBe(200);
      expect((await fetch(url, { headers: { "x-api-key": "B" } })).status).toBe(200);
      expect((await fetch(url, { headers: { "x-api-key": "A" } })).status).toBe(429);
      await cleanup();

      const closed = rateLimit({
        limit: 1,
        window: 60,
        onStoreError: "closed",
        log: () => {},
        store: { shared: true, consume: () => Promise.reject(new Error("down")) },
      });
      const url2 = await start(async (req, res) => {
        if (await closed(req, res)) res.end("ok");
      });
      const r = await fetch(url2);
      expect(r.status).toBe(503);
      expect(r.headers.get("retry-after")).toBe("5");
      expect(((await r.json()) as { status: number }).status).toBe(503);
    }, cleanup),
  );
});
