/**
 * Issue 18 item 7: `accessLog: "-"` with a reader that stops. The real CLI (`truestatus gateway`)
 * writes its log to a pipe this test never reads: memory stays bounded (lines past the buffer are
 * dropped and counted, on /metrics), the proxy keeps serving, and SIGTERM ends the process within
 * drainTimeout whatever the pipe holds.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, total } from "./harness.js";

const BIN = join(import.meta.dirname, "../../dist/cli/bin.js");

let upstream: http.Server;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  upstream = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "2" });
    res.end("{}");
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
  dir = mkdtempSync(join(tmpdir(), "truestatus-gw-stall-"));
});

afterAll(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await new Promise((r) => child!.once("exit", r));
  }
  upstream.closeAllConnections();
  await new Promise<void>((r) => upstream.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** Long targets make long log lines (~4 KB): kept lines would show in RSS at once. */
const PAD = "a".repeat(4_000);

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;

describe("a stalled stdout access log", () => {
  it("bounded memory, dropped lines counted, SIGTERM ends it within drainTimeout", async () => {
    const file = join(dir, "gateway.yaml");
    writeFileSync(
      file,
      `listen: { host: 127.0.0.1, port: 0 }
metrics: { listen: "127.0.0.1:0" }
accessLog: { path: "-", buffer: 256kb }
drainTimeout: 1s
upstreams:
  app: { targets: ["http://127.0.0.1:${(upstream.address() as AddressInfo).port}"] }
routes:
  - { path: /, upstream: app }
`,
    );
    // stdout is a pipe nobody reads (paused at once: the kernel's 64 KiB fill, then nothing).
    child = spawn(process.execPath, [BIN, "gateway", "--config", file], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.pause();
    const { port, admin } = await new Promise<{ port: number; admin: number }>(
      (resolve, reject) => {
        let err = "";
        child!.stderr!.on("data", (chunk: Buffer) => {
          err += chunk.toString();
          const m = /listening on \S+:(\d+) \(metrics and health on \S+:(\d+)\)/.exec(err);
          if (m) resolve({ port: Number(m[1]), admin: Number(m[2]) });
        });
        child!.once("exit", (code) => reject(new Error(`gateway exited ${code}: ${err}`)));
      },
    );
    const pid = child.pid!;
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 16 });
    const drive = async (n: number) => {
      let ok = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = 0; i < n / 16; i++) {
            const r = await pool.request({ path: `/x?i=${i}&pad=${PAD}`, method: "GET" });
            await r.body.dump();
            if (r.statusCode === 200) ok++;
          }
        }),
      );
      return ok;
    };
    // Warm up, then measure: each log line is ~4.3 KB, so 256 KiB + the pipe's 64 KiB hold ~75
    // lines; the rest of these 12,000 (~50 MB) must be dropped, not kept.
    expect(await drive(1_600)).toBe(1_600);
    const before = rssMb(pid);
    expect(await drive(12_000)).toBe(12_000);
    const after = rssMb(pid);
    await pool.close();
    const m = (await request(`http://127.0.0.1:${admin}/metrics`)).body;
    const dropped = total(m, "truestatus_gateway_access_log_dropped_total");
    expect(dropped).toBeGreaterThan(12_000);
    expect(total(m, "http_server_request_duration_seconds_count")).toBe(13_600);
    // Kept, these lines would be ~50 MB (before this fix: RSS +53 MB here; the issue saw
    // +113 MB over 324k short requests).
    expect(after - before).toBeLessThan(25);
    const t0 = performance.now();
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => child!.once("exit", (c) => r(c)));
    const took = performance.now() - t0;
    expect(code).toBe(0);
    expect(took).toBeLessThan(1_000 + 1_500);
  }, 60_000);
});
