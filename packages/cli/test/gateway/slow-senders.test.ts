/**
 * Issue 18 item 3: slow uploads must not starve the upstream pool, and no request waits in the
 * pool's queue without end. Raw sockets drip request bodies as a slow (or hostile) client does.
 */
import { describe, expect } from "vitest";
import { rawRequest } from "../../../../test/helpers/raw-client.js";
import { gatewaySuite, sample, until } from "./harness.js";

const { serve, start, test } = gatewaySuite();

/** An upstream that reads each request whole and answers 200; counts its connections. */
async function upstream() {
  let connections = 0;
  const server = await serve((s, first) => {
    connections++;
    let pending = first.toString("latin1");
    const answer = () => {
      // One request at a time: the header section, then Content-Length bytes of body.
      for (;;) {
        const end = pending.indexOf("\r\n\r\n");
        if (end === -1) return;
        const cl = Number(/content-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
        if (pending.length < end + 4 + cl) return;
        pending = pending.slice(end + 4 + cl);
        s.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
      }
    };
    answer();
    s.on("data", (d: Buffer) => {
      pending += d.toString("latin1");
      answer();
    });
  });
  return { server, connections: () => connections };
}

const post = (cl: number, first: string) =>
  `POST /up HTTP/1.1\r\nHost: gw.test\r\nContent-Length: ${cl}\r\n\r\n${first}`;

describe("slow senders and the pool (defaults)", () => {
  test("4 clients dripping 1 byte every 2 s hold no upstream connection; others are served", async () => {
    const up = await upstream();
    const gw = await start({
      upstreams: { app: { targets: [up.server.url], connections: 4 } },
      routes: [{ path: "/", upstream: "app" }],
    });
    // Ten-byte bodies, one byte now and one every 2 s: 18 s to finish, were they allowed to.
    const slow = Array.from({ length: 4 }, () =>
      rawRequest(gw.port, post(10, "x"), {
        drip: Array.from({ length: 9 }, () => "x"),
        dripMs: 2_000,
        ms: 25_000,
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    const fast = await Promise.all(
      Array.from({ length: 8 }, () => rawRequest(gw.port, post(2, "hi"), { ms: 5_000 })),
    );
    expect(fast.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(performance.now() - t0).toBeLessThan(3_000);
    // The slow ones never reached the upstream: they are cut by the upload pace (408).
    const cut = await Promise.all(slow);
    expect(cut.map((r) => r.status)).toEqual([408, 408, 408, 408]);
    const lines = await gw.close();
    expect(lines.filter((l) => l.status === 408)).toHaveLength(4);
    expect(lines.filter((l) => l.status === 200)).toHaveLength(8);
    expect(lines.some((l) => l.status === 499)).toBe(false);
  });
});

describe("the upload pace", () => {
  test("a body that falls behind minRate is cut with 408, logged and counted as 408", async () => {
    const up = await upstream();
    const gw = await start({
      upload: { timeout: "500ms", minRate: "1kb" },
      upstreams: { app: { targets: [up.server.url] } },
      routes: [{ path: "/", upstream: "app" }],
    });
    const r = await rawRequest(gw.port, post(100, "x"), {
      drip: Array.from({ length: 20 }, () => "x"),
      dripMs: 200,
      ms: 5_000,
    });
    expect(r.status).toBe(408);
    expect(r.headers.connection).toBe("close");
    expect(JSON.parse(r.body)).toMatchObject({ status: 408 });
    expect(up.connections()).toBe(0);
    expect(
      sample(await gw.metrics(), "http_server_request_duration_seconds_count", {
        http_response_status_code: "408",
      }),
    ).toBe(1);
    const lines = await gw.close();
    expect(lines).toMatchObject([{ status: 408, method: "POST", url: "/up" }]);
  });

  test("a streamed body (over the buffer) that stalls is cut, the upstream request aborted", async () => {
    const sockets: { closed: boolean }[] = [];
    const up = await serve((s) => {
      const state = { closed: false };
      sockets.push(state);
      s.on("close", () => {
        state.closed = true;
      });
    });
    const gw = await start({
      upload: { buffer: 16, timeout: "500ms", minRate: "1kb" },
      upstreams: { app: { targets: [up.url] } },
      routes: [{ path: "/", upstream: "app" }],
    });
    const r = await rawRequest(gw.port, post(1_000, "y".repeat(100)), { ms: 5_000 });
    expect(r.status).toBe(408);
    await until(() => sockets.length === 1 && sockets[0]!.closed, "upstream request aborted");
    const lines = await gw.close();
    expect(lines).toMatchObject([{ status: 408 }]);
  });

  test("a fast body of 1 MiB (over the buffer) streams through", async () => {
    const up = await upstream();
    const gw = await start({
      upload: { buffer: 1_024 },
      upstreams: { app: { targets: [up.server.url] } },
      routes: [{ path: "/", upstream: "app" }],
    });
    const body = "z".repeat(1_048_576);
    const r = await rawRequest(gw.port, post(body.length, body), { ms: 10_000 });
    expect(r.status).toBe(200);
    await gw.close();
  });

  test("a chunked body that fits the buffer is sent with its length", async () => {
    const seen: string[] = [];
    const up = await serve((s, first) => {
      seen.push(first.toString("latin1"));
      s.write("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
    });
    const gw = await start({
      upstreams: { app: { targets: [up.url] } },
      routes: [{ path: "/", upstream: "app" }],
    });
    const r = await rawRequest(
      gw.port,
      "POST /c HTTP/1.1\r\nHost: gw.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    );
    expect(r.status).toBe(200);
    expect(seen[0]).toMatch(/content-length: 5\r\n/i);
    expect(seen[0]).not.toMatch(/transfer-encoding/i);
    expect(seen[0]!.endsWith("\r\n\r\nabcde")).toBe(true);
    await gw.close();
  });
});

describe("the pool's queue is bounded", () => {
  test("no free connection within timeouts.queue → 503 + Retry-After + connection_limit_reached", async () => {
    const held: import("node:net").Socket[] = [];
    let received = "";
    const up = await serve((s, first) => {
      held.push(s);
      received += first.toString("latin1");
      s.on("data", (d: Buffer) => {
        received += d.toString("latin1");
      });
    });
    const gw = await start({
      timeouts: { queue: "300ms" },
      upstreams: { app: { targets: [up.url], connections: 1 } },
      routes: [{ path: "/", upstream: "app" }],
    });
    const first = rawRequest(gw.port, "GET /a HTTP/1.1\r\nHost: gw.test\r\n\r\n", { ms: 5_000 });
    await until(() => held.length === 1, "first request upstream");
    const t0 = performance.now();
    const second = await rawRequest(gw.port, "GET /b HTTP/1.1\r\nHost: gw.test\r\n\r\n", {
      ms: 5_000,
    });
    const waited = performance.now() - t0;
    expect(second.status).toBe(503);
    expect(second.headers["retry-after"]).toBe("1");
    expect(second.headers["proxy-status"]).toBe("truestatus;error=connection_limit_reached");
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2_000);
    expect(
      sample(await gw.metrics(), "truestatus_gateway_shed_total", { reason: "queue_timeout" }),
    ).toBe(1);
    // The queued request never reaches the upstream once the connection frees up.
    held[0]!.write("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
    expect((await first).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toContain("GET /a ");
    expect(received).not.toContain("GET /b ");
    const lines = await gw.close();
    expect(lines.map((l) => [l.url, l.status])).toContainEqual(["/b", 503]);
  });
});
