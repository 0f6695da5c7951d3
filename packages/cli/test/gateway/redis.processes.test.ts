/**
 * Rate limiting across replicas: two gateway processes (the real CLI, `truestatus gateway
 * --config`) share one real redis-server; the quota is one for both. Then each drains on SIGTERM
 * and exits 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../test/helpers/redis-server.js";
import { request } from "./harness.js";

const BIN = join(import.meta.dirname, "../../dist/cli/bin.js");

let redis: RedisServer;
let upstream: http.Server;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  upstream = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "2" });
    res.end("{}");
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
  dir = mkdtempSync(join(tmpdir(), "truestatus-gw-redis-"));
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await Promise.all(children.map((c) => exited(c)));
  await new Promise<void>((r) => upstream.close(() => r()));
  upstream.closeAllConnections();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

function exited(c: ChildProcess): Promise<number | null> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(c.exitCode);
  return new Promise((resolve) => c.once("exit", (code) => resolve(code)));
}

/** Starts `truestatus gateway --config file` and resolves with its port once it listens. */
function gateway(config: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [BIN, "gateway", "--config", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const m = /listening on \S+:(\d+)/.exec(err);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once("exit", (code) => reject(new Error(`gateway exited ${code}: ${err}`)));
  });
}

describe("rate limit shared by two gateway processes through one redis-server", () => {
  it("the quota is global: 3 admitted in all, the 4th refused by whichever replica", async () => {
    const file = join(dir, "gateway.yaml");
    writeFileSync(
      file,
      `listen: { host: 127.0.0.1, port: 0 }
metrics: { listen: "127.0.0.1:0" }
redis: { url: "redis://127.0.0.1:${redis.port}", prefix: "gw-test:" }
upstreams:
  app: { targets: ["http://127.0.0.1:${(upstream.address() as AddressInfo).port}"] }
routes:
  - path: /
    upstream: app
    rateLimit: { limit: 3, window: 1m, store: redis }
`,
    );
    const [a, b] = await Promise.all([gateway(file), gateway(file)]);
    const statuses: number[] = [];
    for (const port of [a.port, b.port, a.port, b.port]) {
      const r = await request(`http://127.0.0.1:${port}/x`);
      statuses.push(r.status);
      if (r.status === 429) {
        expect(Number(r.headers["retry-after"])).toBeGreaterThanOrEqual(1);
        expect(r.headers.ratelimit).toMatch(/^"default";r=0;t=\d+$/);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    a.child.kill("SIGTERM");
    b.child.kill("SIGTERM");
    expect(await Promise.all([exited(a.child), exited(b.child)])).toEqual([0, 0]);
  });
});
