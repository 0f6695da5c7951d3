/**
 * The access log is what `truestatus analyze` reads: the real NDJSON source of analyze opens a
 * log this gateway wrote, with no field mapping, and gets every exchange back (status, method,
 * target, duration, size, upstream status, response headers, client aborts as 499).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { closedPort, raw, serverPool } from "../../../../test/helpers/faulty-upstream.js";
import { noLeaks } from "../../../../test/helpers/leaks.js";
import type { Exchange } from "../../src/audit/exchange.js";
import { isMalformed } from "../../src/audit/source.js";
import { openSource } from "../../src/audit/sources/open.js";
import { formatAccessLog } from "../../src/gateway/access-log.js";
import { checkConfig } from "../../src/gateway/config.js";
import { createGateway } from "../../src/gateway/server.js";
import { request, until } from "./harness.js";

const { serve, closeAll } = serverPool();
const dir = mkdtempSync(join(tmpdir(), "truestatus-gwlog-"));
async function cleanup(): Promise<void> {
  await closeAll();
}

describe("access log → truestatus analyze", () => {
  it(
    "analyze's NDJSON source reads every line the gateway wrote",
    noLeaks(async () => {
      const down = await closedPort();
      const up = await serve((s, first) => {
        const path = first.toString().split(" ")[1];
        if (path === "/hang") return;
        const status = path === "/missing" ? 404 : path === "/broken" ? 500 : 200;
        s.end(`${raw.head(status, { "content-length": 2, "content-type": "application/json" })}{}`);
      });
      const log = join(dir, "access.ndjson");
      const gw = await createGateway(
        checkConfig({
          listen: { host: "127.0.0.1", port: 0 },
          metrics: { listen: "127.0.0.1:0" },
          accessLog: log,
          upstreams: {
            app: { targets: [up.url] },
            gone: { targets: [`http://127.0.0.1:${down}`] },
          },
          routes: [
            { path: "/gone", upstream: "gone" },
            { path: "/", upstream: "app" },
          ],
        }),
      );
      const { port } = await gw.listen(0, "127.0.0.1");
      const base = `http://127.0.0.1:${port}`;
      await request(`${base}/ok?token=s3cret&page=2`);
      await request(`${base}/missing`);
      await request(`${base}/broken`, { method: "POST", body: "{}" });
      await request(`${base}/gone/x`);
      const req = http.get(`${base}/hang`, { agent: false });
      req.on("error", () => {});
      await until(() => gw.activeRequests === 1 && up.sockets.size > 0, "hang upstream");
      req.destroy();
      await until(() => gw.activeRequests === 0, "abort logged");
      await gw.close();

      expect(readFileSync(log, "utf8")).not.toContain("s3cret");
      const source = await openSource(log);
      expect(source.format).toBe("ndjson");
      for (const cap of ["time", "duration", "response.size", "response.headers", "upstream"])
        expect(source.capabilities.has(cap as never)).toBe(true);
      const records = [];
      for await (const r of source.records()) records.push(r);
      expect(records.some(isMalformed)).toBe(false);
      const ex = records.filter((r): r is Exchange => !isMalformed(r));
      expect(ex.map((e) => [e.request.method, e.request.path, e.response?.status])).toEqual([
        ["GET", "/ok", 200],
        ["GET", "/missing", 404],
        ["POST", "/broken", 500],
        ["GET", "/gone/x", 502],
        ["GET", "/hang", 499],
      ]);
      expect(ex[0]!.request.target).toBe("/ok?token=[REDACTED]&page=2");
      expect(ex[0]!.upstream?.attempts?.[0]?.status).toBe(200);
      expect(ex[2]!.response?.headers?.["proxy-status"]).toEqual([
        "truestatus;received-status=500",
      ]);
      expect(ex[3]!.response?.headers?.["proxy-status"]).toEqual([
        "truestatus;error=connection_refused",
      ]);
      expect(ex[3]!.response?.headers?.["content-type"]).toEqual(["application/problem+json"]);
      expect(ex[3]!.upstream?.attempts?.[0]?.status).toBeUndefined();
      expect(ex[4]!.clientAborted).toBe(true);
      for (const e of ex) expect(e.durationMs).toBeGreaterThanOrEqual(0);
      rmSync(dir, { recursive: true, force: true });
    }, cleanup),
  );

  it("formatAccessLog: one line, failure class and error type only when there is one", () => {
    const line = formatAccessLog({
      time: 0,
      method: "GET",
      url: "/a",
      host: "h",
      client: "127.0.0.1",
      status: 200,
      durationMs: 1.23456,
      size: 2,
      route: "/",
      upstream: "app",
      upstreamAddr: "10.0.0.1:80",
      upstreamStatus: 200,
      upstreamTimeMs: 1,
      failureClass: "",
      errorType: "",
      proxyStatus: undefined,
      attempts: 1,
      responseHeaders: undefined,
    });
    expect(line.endsWith("}\n")).toBe(true);
    expect(line.split("\n")).toHaveLength(2);
    const o = JSON.parse(line) as Record<string, unknown>;
    expect(o).toMatchObject({ time: "1970-01-01T00:00:00.000Z", status: 200, duration_ms: 1.235 });
    expect("failure_class" in o || "error.type" in o).toBe(false);
  });
});
