/**
 * Retries (idempotent, before the request reached the upstream, within a budget), load shedding,
 * rate limiting (memory), /healthz and the graceful drain, each over real sockets, with nothing
 * left open afterwards.
 */
import http from "node:http";
import type net from "node:net";
import { describe, expect } from "vitest";
import { closedPort, raw } from "../../../../test/helpers/faulty-upstream.js";
import { gatewaySuite, request, sample, type TestGateway, until } from "./harness.js";

const { serve, start, test } = gatewaySuite();
let gw: TestGateway | undefined;

const OK = `${raw.head(200, { "content-length": 2, "content-type": "application/json" })}{}`;

/** An upstream that answers 200 {} to every request on a connection. */
function ok() {
  return serve((s) => {
    s.write(OK);
    s.on("data", () => s.write(OK));
  });
}

/** An upstream that holds each request until `release()`. */
async function held() {
  const sockets: net.Socket[] = [];
  const server = await serve((s) => sockets.push(s));
  return {
    server,
    sockets,
    release: () => {
      for (const s of sockets.splice(0)) s.end(OK);
    },
  };
}

describe("retries", () => {
  test("a GET refused by one target is retried on the next", async () => {
    const down = await closedPort();
    const up = await ok();
    gw = await start({
      upstreams: { a: { targets: [`http://127.0.0.1:${down}`, up.url] } },
      routes: [{ path: "/", upstream: "a" }],
    });
    const r = await gw.get("/x");
    expect(r.status).toBe(200);
    expect(r.body).toBe("{}");
    expect(
      sample(await gw.metrics(), "truestatus_gateway_retries_total", { outcome: "sent" }),
    ).toBe(1);
    const lines = await gw.close();
    expect(lines[0]).toMatchObject({
      status: 200,
      attempts: 2,
      upstream_addr: `127.0.0.1:${up.port}`,
    });
  });

  test("a POST is never retried, even when it never reached the upstream", async () => {
    const down = await closedPort();
    const up = await ok();
    gw = await start({
      upstreams: { a: { targets: [`http://127.0.0.1:${down}`, up.url] } },
      routes: [{ path: "/", upstream: "a" }],
    });
    const r = await gw.get("/x", { method: "POST" });
    expect(r.status).toBe(502);
    expect(r.headers["proxy-status"]).toBe("truestatus;error=connection_refused");
    const lines = await gw.close();
    expect(lines[0]).toMatchObject({ status: 502, attempts: 1 });
  });

  test("an empty budget refuses the retry (counted)", async () => {
    const down = await closedPort();
    const up = await ok();
    gw = await start({
      retries: { attempts: 1, budget: 0, minPerSecond: 0 },
      upstreams: { a: { targets: [`http://127.0.0.1:${down}`, up.url] } },
      routes: [{ path: "/", upstream: "a" }],
    });
    expect((await gw.get("/x")).status).toBe(502);
    expect(
      sample(await gw.metrics(), "truestatus_gateway_retries_total", {
        outcome: "budget_exhausted",
      }),
    ).toBe(1);
  });
});

describe("load shedding", () => {
  test("over the concurrency limit: 503 + Retry-After at once, class overload", async () => {
    const h = await held();
    gw = await start({
      upstreams: { a: { targets: [h.server.url], maxConcurrent: 1 } },
      routes: [{ path: "/", upstream: "a" }],
    });
    const first = gw.get("/slow");
    await until(() => h.sockets.length === 1, "first request upstream");
    const r = await gw.get("/x");
    expect(r.status).toBe(503);
    expect(r.headers["retry-after"]).toBe("1");
    expect(r.headers["proxy-status"]).toBe("truestatus;error=connection_limit_reached");
    expect(JSON.parse(r.body)).toMatchObject({ status: 503 });
    h.release();
    expect((await first).status).toBe(200);
    const m = await gw.metrics();
    expect(sample(m, "truestatus_gateway_shed_total", { reason: "concurrency" })).toBe(1);
    expect(
      sample(m, "http_server_request_duration_seconds_count", {
        http_response_status_code: "503",
        failure_class: "overload",
      }),
    ).toBe(1);
  });
});

describe("rate limiting (memory)", () => {
  test("429 + Retry-After + RateLimit fields past the quota, RateLimit on admitted answers", async () => {
    const up = await ok();
    gw = await start({
      upstreams: { a: { targets: [up.url] } },
      routes: [{ path: "/", upstream: "a", rateLimit: { limit: 2, window: "1m" } }],
    });
    const a = await gw.get("/x");
    const b = await gw.get("/x");
    const c = await gw.get("/x");
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
    expect(a.headers.ratelimit).toMatch(/^"default";r=1;t=\d+$/);
    expect(a.headers["ratelimit-policy"]).toBe('"default";q=2;w=60');
    expect(Number(c.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(c.headers.ratelimit).toMatch(/^"default";r=0;t=\d+$/);
    expect(c.headers["content-type"]).toBe("application/problem+json");
    // Keyed by the API key header when the route says so.
    const m = await gw.metrics();
    expect(sample(m, "truestatus_gateway_ratelimit_decisions_total", { decision: "denied" })).toBe(
      1,
    );
    expect(sample(m, "truestatus_gateway_ratelimit_decisions_total", { decision: "allowed" })).toBe(
      2,
    );
    const lines = await gw.close();
    expect(lines[2]).toMatchObject({ status: 429, failure_class: "throttling" });
  });

  test("keyed by a header: each API key has its own quota", async () => {
    const up = await ok();
    gw = await start({
      upstreams: { a: { targets: [up.url] } },
      routes: [
        {
          path: "/",
          upstream: "a",
          rateLimit: { limit: 1, window: "1m", key: "header:x-api-key" },
        },
      ],
    });
    const k = (key: string) => ({ headers: { "x-api-key": key } });
    expect((await gw.get("/", k("one"))).status).toBe(200);
    expect((await gw.get("/", k("two"))).status).toBe(200);
    expect((await gw.get("/", k("one"))).status).toBe(429);
  });
});

describe("health and drain", () => {
  test("/healthz answers 200 ok; close() finishes in-flight requests, then stops", async () => {
    const h = await held();
    gw = await start({
      upstreams: { a: { targets: [h.server.url] } },
      routes: [{ path: "/", upstream: "a" }],
    });
    const health = await request(`${gw.adminUrl}/healthz`);
    expect([health.status, health.body]).toEqual([200, '{"status":"ok"}']);
    const inFlight = gw.get("/slow");
    await until(() => h.sockets.length === 1, "request upstream");
    const closing = gw.gateway.close();
    expect(gw.gateway.isDraining).toBe(true);
    // No new connection is accepted while draining.
    await expect(request(`${gw.url}/healthz`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    h.release();
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.headers.connection).toBe("close");
    await closing;
    const lines = await gw.close();
    expect(lines.map((l) => l.status)).toEqual([200]);
  });

  test("drainTimeout bounds the wait: a request still running is cut", async () => {
    const h = await held();
    gw = await start({
      drainTimeout: "100ms",
      upstreams: { a: { targets: [h.server.url] } },
      routes: [{ path: "/", upstream: "a" }],
    });
    const req = http.get(`${gw.url}/slow`, { agent: false });
    const failed = new Promise<unknown>((resolve) => req.on("error", resolve));
    await until(() => h.sockets.length === 1, "request upstream");
    await gw.gateway.close();
    expect(await failed).toMatchObject({ code: "ECONNRESET" });
    const lines = await gw.close();
    expect(lines[0]).toMatchObject({ status: 499, failure_class: "client_abort" });
  });
});

describe("limits and the total timeout", () => {
  test("total timeout before headers → 504 http_response_timeout", async () => {
    const up = await serve(() => {});
    gw = await start({
      upstreams: { a: { targets: [up.url] } },
      routes: [{ path: "/", upstream: "a", timeouts: { total: "200ms" } }],
    });
    const r = await gw.get("/x");
    expect(r.status).toBe(504);
    expect(r.headers["proxy-status"]).toBe("truestatus;error=http_response_timeout");
  });

  test("a response over the size limit: 502 when its length is known, cut when streamed", async () => {
    const big = "x".repeat(1_000);
    const known = await serve((s) => s.end(raw.head(200, { "content-length": big.length }) + big));
    gw = await start({
      limits: { responseBody: 100 },
      upstreams: { a: { targets: [known.url] } },
      routes: [{ path: "/", upstream: "a" }],
    });
    const r = await gw.get("/x");
    expect(r.status).toBe(502);
    expect(r.headers["proxy-status"]).toBe("truestatus;error=http_response_body_size");
    await gw.close();
    const streamed = await serve((s) =>
      s.end(`${raw.head(200, { "transfer-encoding": "chunked" })}3e8\r\n${big}\r\n0\r\n\r\n`),
    );
    gw = await start({
      limits: { responseBody: 100 },
      upstreams: { a: { targets: [streamed.url] } },
      routes: [{ path: "/", upstream: "a" }],
    });
    // The client never gets a complete response: the connection is closed (before or after the
    // header section, depending on how the upstream's bytes were split into chunks).
    const cut = await gw.get("/x").then(
      (r) => ({ complete: r.complete }),
      (e: NodeJS.ErrnoException) => ({ complete: false, code: e.code }),
    );
    expect(cut.complete).toBe(false);
    const lines = await gw.close();
    expect(lines[0]).toMatchObject({ status: 200, "error.type": "http_response_body_size" });
  });
});

describe("streaming", () => {
  test("a 4 MiB request body and a 4 MiB response pass through intact, in chunks", async () => {
    const upstream = http.createServer((req, res) => {
      let n = 0;
      let sum = 0;
      req.on("data", (c: Buffer) => {
        n += c.length;
        for (const b of c) sum = (sum + b) % 65_521;
      });
      req.on("end", () => {
        res.writeHead(200, { "x-received": `${n}/${sum}` });
        const chunk = Buffer.alloc(64 * 1024, 7);
        let left = 64;
        const write = () => {
          while (left > 0) {
            left--;
            if (!res.write(chunk)) return void res.once("drain", write);
          }
          res.end();
        };
        write();
      });
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
    try {
      gw = await start({
        upstreams: {
          a: { targets: [`http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`] },
        },
        routes: [{ path: "/", upstream: "a" }],
      });
      const body = Buffer.alloc(4 * 1024 * 1024);
      for (let i = 0; i < body.length; i++) body[i] = i % 251;
      let sum = 0;
      for (const b of body) sum = (sum + b) % 65_521;
      const r = await new Promise<{ status: number; received: string; bytes: number }>(
        (resolve, reject) => {
          const req = http.request(`${gw!.url}/up`, { method: "POST", agent: false }, (res) => {
            let bytes = 0;
            res.on("data", (c: Buffer) => {
              bytes += c.length;
            });
            res.on("end", () =>
              resolve({
                status: res.statusCode!,
                received: String(res.headers["x-received"]),
                bytes,
              }),
            );
          });
          req.on("error", reject);
          // Chunked: written in pieces, no Content-Length.
          for (let i = 0; i < body.length; i += 256 * 1024)
            req.write(body.subarray(i, i + 256 * 1024));
          req.end();
        },
      );
      expect(r).toEqual({ status: 200, received: `${body.length}/${sum}`, bytes: 4 * 1024 * 1024 });
      await gw.close();
    } finally {
      upstream.closeAllConnections();
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });
});
