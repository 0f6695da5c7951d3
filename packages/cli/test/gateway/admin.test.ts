/**
 * Issue 18 item 4: /metrics and /healthz live on their own listener by default (GET and HEAD
 * only), so that the proxied port neither exposes them nor shadows the upstream's own paths;
 * `metrics.listen: main` opts into sharing the proxied listener, still GET/HEAD only.
 */
import { describe, expect } from "vitest";
import { raw } from "../../../../test/helpers/faulty-upstream.js";
import { rawRequest } from "../../../../test/helpers/raw-client.js";
import { gatewaySuite, request } from "./harness.js";

const { serve, start, test } = gatewaySuite();

/** An upstream with its own /metrics: answers "upstream <path>". */
function upstream() {
  return serve((s, first) => {
    const answer = (d: Buffer) => {
      for (const m of d.toString("latin1").matchAll(/^[A-Z]+ (\S+) HTTP\/1\.1\r\n/gm)) {
        const body = `upstream ${m[1]}`;
        s.write(raw.head(200, { "content-length": body.length }) + body);
      }
    };
    answer(first);
    s.on("data", answer);
  });
}

describe("the metrics and health listener", () => {
  test("by default: own listener; the proxied port passes /metrics and /healthz upstream", async () => {
    const up = await upstream();
    const gw = await start({
      upstreams: { app: { targets: [up.url] } },
      routes: [{ path: "/", upstream: "app", rateLimit: { limit: 100, window: "1m" } }],
    });
    expect(gw.adminUrl).not.toBe(gw.url);
    expect((await gw.get("/metrics")).body).toBe("upstream /metrics");
    expect((await gw.get("/healthz")).body).toBe("upstream /healthz");
    const m = await request(`${gw.adminUrl}/metrics`);
    expect(m.status).toBe(200);
    expect(m.headers["content-type"]).toMatch(/^text\/plain/);
    expect(m.body).toContain("http_server_request_duration_seconds_count");
    const h = await request(`${gw.adminUrl}/healthz`);
    expect([h.status, h.body]).toEqual([200, '{"status":"ok"}']);
    const head = await request(`${gw.adminUrl}/metrics`, { method: "HEAD" });
    expect([head.status, head.body]).toEqual([200, ""]);
    for (const method of ["POST", "DELETE", "PUT"]) {
      const r = await request(`${gw.adminUrl}/metrics`, { method });
      expect([method, r.status, r.headers.allow]).toEqual([method, 405, "GET, HEAD"]);
    }
    expect((await request(`${gw.adminUrl}/other`)).status).toBe(404);
    // The proxied requests were rate-limited and logged like any other.
    const lines = await gw.close();
    expect(lines.map((l) => l.url)).toEqual(["/metrics", "/healthz"]);
  });

  test("metrics.listen: main shares the proxied port, GET/HEAD only", async () => {
    const up = await upstream();
    const gw = await start({
      metrics: { listen: "main" },
      upstreams: { app: { targets: [up.url] } },
      routes: [{ path: "/", upstream: "app" }],
    });
    expect(gw.adminUrl).toBe(gw.url);
    expect(gw.gateway.adminAddress).toBeUndefined();
    expect((await gw.get("/metrics")).body).toContain("http_server_request_duration_seconds");
    expect((await gw.get("/metrics?x=1")).body).toContain("# TYPE");
    const post = await gw.get("/metrics", { method: "POST", body: "x" });
    expect([post.status, post.headers.allow]).toEqual([405, "GET, HEAD"]);
    expect((await gw.get("/other")).body).toBe("upstream /other");
    await gw.close();
  });

  test("scrapes that arrive together share one rendering; an unchanged registry is not re-rendered", async () => {
    const up = await upstream();
    const gw = await start({
      upstreams: { app: { targets: [up.url] } },
      routes: [{ path: "/", upstream: "app" }],
    });
    await gw.get("/x");
    const registry = gw.gateway.metrics!.registry;
    let renders = 0;
    const original = registry.metrics.bind(registry);
    registry.metrics = () => {
      renders++;
      return original();
    };
    const port = gw.gateway.adminAddress!.port;
    const scrape = "GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    const all = await Promise.all(Array.from({ length: 16 }, () => rawRequest(port, scrape)));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(renders).toBeLessThanOrEqual(2);
    const again = await rawRequest(port, scrape);
    expect(again.body).toBe(all[0]!.body);
    await gw.get("/y");
    const after = await rawRequest(port, scrape);
    expect(after.body).not.toBe(all[0]!.body);
    await gw.close();
  });
});
