/**
 * runProxyCheck's edges, with real sockets: a proxy that accepts and never answers (each check
 * ends at its deadline, reported as a timeout), a proxy that is not listening, a non-loopback
 * proxy, a refused port that is not refused, and the notes on a misrouted proxy.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { closedPort } from "../../../../test/helpers/faulty-upstream.js";
import { noLeaks } from "../../../../test/helpers/leaks.js";
import { checkConfig } from "../../src/gateway/config.js";
import { createGateway } from "../../src/gateway/server.js";
import { isLoopback, proxyUrl, runProxyCheck } from "../../src/proxykit/check.js";
import { ProxyKitError } from "../../src/proxykit/errors.js";
import { startFaultUpstream } from "../../src/proxykit/fault-upstream.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A TCP server that accepts and never sends a byte. */
async function stallingProxy(): Promise<{ url: string; connections: () => number }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((s) => {
    count++;
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: () => count,
  };
}

describe("runProxyCheck", () => {
  it(
    "a proxy that accepts and stalls: every check ends at its deadline as a timeout, nothing left open",
    noLeaks(
      async () => {
        const proxy = await stallingProxy();
        const start = performance.now();
        const r = await runProxyCheck({ proxy: proxy.url, deadlineMs: 400 });
        const elapsed = performance.now() - start;
        expect(elapsed).toBeLessThan(3_000);
        expect(r.faults).toHaveLength(11);
        for (const f of r.faults) {
          expect(f.timedOut).toBe(true);
          expect(f.got).toBe("no answer within 0.4 s (timeout)");
        }
        // 44 criteria; only reset-mid-body's "incomplete" holds (no complete answer came).
        expect(r.score.all).toEqual({ passed: 1, total: 44, percent: 2.2 });
        // One preflight connection, then one per fault.
        expect(proxy.connections()).toBe(12);
      },
      async () => {
        for (const c of cleanups.splice(0).reverse()) await c();
      },
    ),
  );

  it("a proxy that is not listening: a usage error naming it", async () => {
    const port = await closedPort();
    await expect(runProxyCheck({ proxy: `http://127.0.0.1:${port}` })).rejects.toThrow(
      new ProxyKitError(`--proxy: nothing listens on 127.0.0.1:${port} (connection refused)`),
    );
  });

  it("a non-loopback proxy needs allowRemote; bad URLs are usage errors", () => {
    expect(() => proxyUrl("http://192.0.2.7:8080", false)).toThrow(/--allow-remote/);
    expect(proxyUrl("http://192.0.2.7:8080", true).host).toBe("192.0.2.7:8080");
    expect(() => proxyUrl("not a url", false)).toThrow(ProxyKitError);
    expect(() => proxyUrl("ftp://127.0.0.1", false)).toThrow(/not an http\(s\) URL/);
    expect(() => proxyUrl("http://u:p@127.0.0.1", false)).toThrow(/credentials/);
    for (const h of ["127.0.0.1", "127.3.4.5", "localhost", "[::1]", "api.localhost"])
      expect(isLoopback(h)).toBe(true);
    for (const h of ["10.0.0.1", "example.com", "[::2]", "localhost.example.com"])
      expect(isLoopback(h)).toBe(false);
  });

  it("a refused port where something listens is a usage error", async () => {
    const listening = await stallingProxy();
    const port = Number(new URL(listening.url).port);
    await expect(
      runProxyCheck({ proxy: listening.url, upstreamOptions: { refusedPort: port } }),
    ).rejects.toThrow(/--refused-port: something listens on 127.0.0.1:\d+/);
  });

  it("notes say when the check's routes reach the wrong place", async () => {
    const upstream = await startFaultUpstream();
    cleanups.push(() => upstream.close());
    // A gateway that sends everything, the refused and TLS routes included, to the plain port.
    const gw = await createGateway(
      checkConfig({
        listen: { host: "127.0.0.1", port: 0 },
        upstreams: { all: { targets: [`http://127.0.0.1:${upstream.layout.port}`] } },
        routes: [{ path: "/", upstream: "all", timeouts: { headers: "500ms" } }],
      }),
    );
    const { port } = await gw.listen(0, "127.0.0.1");
    cleanups.push(() => gw.close());
    const r = await runProxyCheck({
      proxy: `http://127.0.0.1:${port}`,
      upstream,
      deadlineMs: 3_000,
      only: ["refused", "tls-certificate", "ok"],
    });
    expect(r.notes).toEqual([
      `/truestatus-check/refused reached the fault upstream: route it to 127.0.0.1:1, where nothing listens`,
      `/truestatus-check/tls-certificate reached the fault upstream over plain HTTP: route it to https://127.0.0.1:${upstream.layout.port}`,
    ]);
    expect(r.faults.map((f) => f.id)).toEqual(["refused", "tls-certificate", "ok"]);
  });
});
