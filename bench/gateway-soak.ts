/**
 * Gateway soak (bench/RESULTS.md section G2): the real CLI (`truestatus gateway --config`,
 * metrics and access log on, rate limit on one route) under mixed good and failing traffic, in
 * two runs, sampling the gateway process's RSS and open file descriptors (sockets included)
 * every 10 s. Loopback only, bounded concurrency. Memory and counts only: no throughput figure.
 *
 *   node --import tsx bench/gateway-soak.ts [--minutes=5] [--concurrency=32] [--slow=8]
 *
 * Run 1, "mixed + slow uploads": per 100 requests, 60 ok (small JSON), 8 upstream 500, 8
 * streamed 64 KiB, 6 refused (a route to a closed port), 6 reset before headers, 4 stalled past
 * the headers timeout (504), 4 client aborts while the upstream hangs, 4 rate limited (429); and
 * beside them `--slow` clients that each send a 100-byte body one byte every 2 s (cut with 408
 * after upload.timeout, then they start again), on an upstream with `connections` = `--slow`
 * (the slow ones must hold none). Checked: requests = access log lines = /metrics count.
 *
 * Run 2, "stalled log": the same traffic with `accessLog: "-"` into a pipe nobody reads: RSS
 * must stay flat (lines past the buffer are dropped and counted), and SIGTERM must end the
 * process within drainTimeout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { freePort } from "../test/helpers/redis-server.js";

const arg = (name: string, def: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? def : Number(a.slice(name.length + 3));
};
const MINUTES = arg("minutes", 5);
const CONCURRENCY = arg("concurrency", 32);
const SLOW = arg("slow", 8);
const DRAIN_S = 5;
const BIN = join(import.meta.dirname, "../packages/cli/dist/cli/bin.js");

const BIG = Buffer.alloc(64 * 1024, 120);
const upstream = http.createServer((req, res) => {
  const path = req.url ?? "/";
  req.resume();
  if (path.startsWith("/ok") || path.startsWith("/limited") || path.startsWith("/upload")) {
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": 11 });
      res.end('{"ok":true}');
    });
  } else if (path.startsWith("/err")) {
    res.writeHead(500, { "content-type": "application/json", "content-length": 2 });
    res.end("{}");
  } else if (path.startsWith("/big")) {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    let n = 0;
    const push = () => {
      if (n++ < 8) res.write(BIG.subarray(0, 8192), push);
      else res.end();
    };
    push();
  } else if (path.startsWith("/reset")) req.socket.resetAndDestroy();
  else if (path.startsWith("/stall") || path.startsWith("/hang")) {
    // never answers; the gateway times out (stall) or the client aborts (hang)
  }
});

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}
const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/** One slow sender: a 100-byte body, a byte every 2 s, until the gateway answers; then again. */
function slowSender(port: number, until: number, counts: Record<string, number>): Promise<void> {
  return new Promise((resolve) => {
    const once = () => {
      if (Date.now() >= until) {
        resolve();
        return;
      }
      const s = net.connect(port, "127.0.0.1", () =>
        s.write("POST /upload HTTP/1.1\r\nHost: soak\r\nContent-Length: 100\r\n\r\nx"),
      );
      let answer = "";
      const drip = setInterval(() => {
        if (!s.destroyed) s.write("x");
      }, 2_000);
      s.on("data", (d: Buffer) => {
        answer += d.toString("latin1");
      });
      s.on("error", () => {});
      s.on("close", () => {
        clearInterval(drip);
        const k = `slow_${/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? "none"}`;
        counts[k] = (counts[k] ?? 0) + 1;
        once();
      });
      // Stop with the run: a body still dripping then is simply closed.
      setTimeout(() => s.destroy(), Math.max(0, until - Date.now()));
    };
    once();
  });
}

interface RunResult {
  readonly name: string;
  readonly started: string;
  readonly done: number;
  readonly counts: Record<string | number, number>;
  readonly samples: { t: number; rssMb: number; fds: number; done: number }[];
  readonly exitCode: number | null;
  readonly exitMs: number;
  readonly logLines: number | undefined;
  readonly metricsCount: number;
  readonly dropped: number;
}

function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n"))
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  return sum;
}

async function run(
  name: string,
  stalledLog: boolean,
  up: number,
  down: number,
): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "truestatus-soak-"));
  const port = await freePort();
  const admin = await freePort();
  const log = join(dir, "access.ndjson");
  writeFileSync(
    join(dir, "gateway.yaml"),
    `listen: { host: 127.0.0.1, port: ${port} }
metrics: { listen: "127.0.0.1:${admin}" }
accessLog: ${stalledLog ? '{ path: "-", buffer: 1mb }' : log}
drainTimeout: ${DRAIN_S}s
timeouts: { connect: 1s, headers: 300ms, idle: 1s }
upstreams:
  app: { targets: ["http://127.0.0.1:${up}"], maxConcurrent: 1000 }
  slow: { targets: ["http://127.0.0.1:${up}"], connections: ${SLOW} }
  gone: { targets: ["http://127.0.0.1:${down}"], ejection: { failures: 1000000, duration: 1s } }
routes:
  - { path: /down, upstream: gone }
  - { path: /limited, upstream: app, rateLimit: { limit: 5, window: 1s } }
  - { path: /upload, upstream: slow }
  - { path: /, upstream: app }
`,
  );
  const gw: ChildProcess = spawn(
    process.execPath,
    [BIN, "gateway", "--config", join(dir, "gateway.yaml")],
    { stdio: ["ignore", stalledLog ? "pipe" : "ignore", "pipe"] },
  );
  // The stalled reader: the pipe is never read (the kernel's buffer fills, then nothing).
  gw.stdout?.pause();
  await new Promise<void>((resolve, reject) => {
    gw.stderr!.on("data", (d: Buffer) => {
      if (d.toString().includes("listening")) resolve();
    });
    gw.once("exit", (c) => reject(new Error(`gateway exited ${c}`)));
  });
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY });
  const MIX = [
    ...Array(60).fill("/ok"),
    ...Array(8).fill("/err"),
    ...Array(8).fill("/big"),
    ...Array(6).fill("/down"),
    ...Array(6).fill("/reset"),
    ...Array(4).fill("/stall"),
    ...Array(4).fill("/hang"),
    ...Array(4).fill("/limited"),
  ] as string[];
  const counts: Record<number | string, number> = {};
  let done = 0;
  let i = 0;
  const end = Date.now() + MINUTES * 60_000;
  const worker = async () => {
    while (Date.now() < end) {
      const path = MIX[i++ % MIX.length]!;
      const abort = path === "/hang" ? AbortSignal.timeout(50) : undefined;
      try {
        const r = await pool.request({ path, method: "GET", ...(abort ? { signal: abort } : {}) });
        await r.body.dump({ limit: 1 << 20 });
        counts[r.statusCode] = (counts[r.statusCode] ?? 0) + 1;
      } catch (e) {
        const k = path === "/hang" ? "client_abort" : String((e as Error).name);
        counts[k] = (counts[k] ?? 0) + 1;
      }
      done++;
    }
  };
  const samples: RunResult["samples"] = [];
  const t0 = Date.now();
  const sample = () =>
    samples.push({ t: (Date.now() - t0) / 1000, rssMb: rss(gw.pid!), fds: fds(gw.pid!), done });
  sample();
  const timer = setInterval(sample, 10_000);
  const started = new Date().toISOString();
  await Promise.all([
    ...Array.from({ length: CONCURRENCY }, worker),
    ...Array.from({ length: SLOW }, () => slowSender(port, end, counts)),
  ]);
  clearInterval(timer);
  // Let in-flight stalls time out and connections settle, then a last sample.
  await new Promise((r) => setTimeout(r, 3_000));
  sample();
  await pool.close();
  const metrics = await fetch(`http://127.0.0.1:${admin}/metrics`).then((r) => r.text());
  const metricsCount = metricSum(metrics, "http_server_request_duration_seconds_count");
  const dropped = metricSum(metrics, "truestatus_gateway_access_log_dropped_total");
  const t1 = performance.now();
  gw.kill("SIGTERM");
  const exitCode = await new Promise<number | null>((r) => {
    const kill = setTimeout(() => gw.kill("SIGKILL"), 60_000);
    gw.once("exit", (c) => {
      clearTimeout(kill);
      r(c);
    });
  });
  const exitMs = performance.now() - t1;
  const logLines = stalledLog
    ? undefined
    : readFileSync(log, "utf8")
        .split("\n")
        .filter((l) => l !== "").length;
  rmSync(dir, { recursive: true, force: true });
  return {
    name,
    started,
    done,
    counts,
    samples,
    exitCode,
    exitMs,
    logLines,
    metricsCount,
    dropped,
  };
}

function report(r: RunResult): void {
  console.log(`### ${r.name}\n`);
  const slow = Object.entries(r.counts)
    .filter(([k]) => k.startsWith("slow_"))
    .reduce((a, [, v]) => a + v, 0);
  console.log(
    `started ${r.started}; ${r.done.toLocaleString("en-US")} requests through the pool + ${slow} slow uploads; outcomes: ${Object.entries(
      r.counts,
    )
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ")}.\n`,
  );
  console.log("| t (s) | requests done | RSS (MB) | open fds |");
  console.log("|---:|---:|---:|---:|");
  for (const s of r.samples)
    console.log(
      `| ${s.t.toFixed(0)} | ${s.done.toLocaleString("en-US")} | ${s.rssMb.toFixed(1)} | ${s.fds} |`,
    );
  const afterWarmup = r.samples.filter((s) => s.t >= 30);
  const base = afterWarmup[0] ?? r.samples[0]!;
  const last = r.samples.at(-1)!;
  const maxRss = Math.max(...afterWarmup.map((s) => s.rssMb));
  const flatRss = maxRss <= base.rssMb * 1.25;
  const during = afterWarmup.slice(0, -1);
  const half = Math.max(1, Math.floor(during.length / 2));
  const maxOf = (xs: typeof during) =>
    xs.length === 0 ? Number.NaN : Math.max(...xs.map((s) => s.fds));
  const firstFds = maxOf(during.slice(0, half));
  const lastFds = maxOf(during.slice(half));
  const flatFds = Number.isNaN(lastFds) || lastFds <= firstFds + 5;
  const answered = r.done + slow;
  console.log(
    `\nRSS before the traffic ${r.samples[0]!.rssMb.toFixed(1)} MB; after warm-up (t≥30 s) ${base.rssMb.toFixed(1)} MB → end ${last.rssMb.toFixed(1)} MB, max ${maxRss.toFixed(1)} MB: ${flatRss ? "PASS" : "FAIL"} (flat: max ≤ 1.25 × the first sample after warm-up). Open fds: ${r.samples[0]!.fds} before the traffic, ${last.fds} after it stopped; under load max ${firstFds} in the first half after warm-up, ${lastFds} in the second: ${flatFds ? "PASS" : "FAIL"} (flat: ≤ +5).`,
  );
  console.log(
    `Counted: ${answered.toLocaleString("en-US")} requests sent, ${r.metricsCount.toLocaleString("en-US")} in /metrics${r.logLines === undefined ? "" : `, ${r.logLines.toLocaleString("en-US")} access log lines`}${r.dropped > 0 ? `, ${r.dropped.toLocaleString("en-US")} log lines dropped (stalled reader)` : ""}. SIGTERM → exit code ${r.exitCode} after ${(r.exitMs / 1000).toFixed(2)} s (drainTimeout ${DRAIN_S} s): ${r.exitCode === 0 && r.exitMs <= DRAIN_S * 1000 + 1_000 ? "PASS" : "FAIL"}.\n`,
  );
}

async function main(): Promise<void> {
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
  const up = (upstream.address() as AddressInfo).port;
  const down = await freePort();
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(" / ");
  console.log("## G2. Gateway soak\n");
  console.log(
    `\`node --import tsx bench/gateway-soak.ts --minutes=${MINUTES} --concurrency=${CONCURRENCY} --slow=${SLOW}\`, node ${process.version}, load average at start ${load}.\n`,
  );
  report(await run("Run 1: mixed traffic + slow uploads (file log)", false, up, down));
  report(await run("Run 2: the same with a stalled stdout log", true, up, down));
  console.log(
    `Load average at end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" / ")}.`,
  );
  upstream.closeAllConnections();
  upstream.close();
}

await main();
