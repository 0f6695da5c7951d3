/**
 * Gateway soak (bench/RESULTS.md section G2): mixed good and failing traffic through the real
 * CLI (`truestatus gateway --config`, metrics and access log on, rate limit on one route) for
 * --minutes (default 5), sampling the gateway process's RSS and open file descriptors (sockets
 * included) every 10 s. Loopback only, bounded concurrency.
 *
 *   node --import tsx bench/gateway-soak.ts [--minutes=5] [--concurrency=32]
 *
 * Traffic per 100 requests: 60 ok (small JSON), 8 upstream 500, 8 streamed 64 KiB, 6 refused
 * (a route to a closed port), 6 reset before headers, 4 stalled past the headers timeout (504),
 * 4 client aborts while the upstream hangs, 4 rate limited (429).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
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
const BIN = join(import.meta.dirname, "../packages/cli/dist/cli/bin.js");

const BIG = Buffer.alloc(64 * 1024, 120);
const upstream = http.createServer((req, res) => {
  const path = req.url ?? "/";
  if (path.startsWith("/ok") || path.startsWith("/limited")) {
    res.writeHead(200, { "content-type": "application/json", "content-length": 11 });
    res.end('{"ok":true}');
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

async function main(): Promise<void> {
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
  const up = (upstream.address() as AddressInfo).port;
  const down = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "truestatus-soak-"));
  const port = await freePort();
  writeFileSync(
    join(dir, "gateway.yaml"),
    `listen: { host: 127.0.0.1, port: ${port} }
accessLog: ${join(dir, "access.ndjson")}
timeouts: { connect: 1s, headers: 300ms, idle: 1s }
upstreams:
  app: { targets: ["http://127.0.0.1:${up}"], maxConcurrent: 1000 }
  gone: { targets: ["http://127.0.0.1:${down}"], ejection: { failures: 1000000, duration: 1s } }
routes:
  - { path: /down, upstream: gone }
  - { path: /limited, upstream: app, rateLimit: { limit: 5, window: 1s } }
  - { path: /, upstream: app }
`,
  );
  const gw: ChildProcess = spawn(
    process.execPath,
    [BIN, "gateway", "--config", join(dir, "gateway.yaml")],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
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
  const samples: { t: number; rssMb: number; fds: number; done: number }[] = [];
  const t0 = Date.now();
  const sample = () =>
    samples.push({ t: (Date.now() - t0) / 1000, rssMb: rss(gw.pid!), fds: fds(gw.pid!), done });
  sample();
  const timer = setInterval(sample, 10_000);
  const started = new Date().toISOString();
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(" / ");
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(timer);
  // Let in-flight stalls time out and connections settle, then a last sample.
  await new Promise((r) => setTimeout(r, 3_000));
  sample();
  await pool.close();
  gw.kill("SIGTERM");
  const code = await new Promise<number | null>((r) => gw.once("exit", (c) => r(c)));
  upstream.closeAllConnections();
  upstream.close();
  rmSync(dir, { recursive: true, force: true });

  const afterWarmup = samples.filter((s) => s.t >= 30);
  const base = afterWarmup[0] ?? samples[0]!;
  const last = samples.at(-1)!;
  const maxRss = Math.max(...afterWarmup.map((s) => s.rssMb));
  console.log("## G2. Gateway soak\n");
  console.log(
    `\`node --import tsx bench/gateway-soak.ts --minutes=${MINUTES} --concurrency=${CONCURRENCY}\`, started ${started}, node ${process.version}, load average at start ${load}, at end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" / ")}.\n`,
  );
  console.log(
    `${done.toLocaleString("en-US")} requests (${Math.round(done / (MINUTES * 60))}/s); outcomes: ${Object.entries(
      counts,
    )
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ")}; gateway exit code after SIGTERM: ${code}.\n`,
  );
  console.log("| t (s) | requests done | RSS (MB) | open fds |");
  console.log("|---:|---:|---:|---:|");
  for (const s of samples)
    console.log(
      `| ${s.t.toFixed(0)} | ${s.done.toLocaleString("en-US")} | ${s.rssMb.toFixed(1)} | ${s.fds} |`,
    );
  const growth = (last.rssMb - base.rssMb) / base.rssMb;
  const flatRss = maxRss <= base.rssMb * 1.25;
  // fds move with the traffic (resets, aborts and timeouts open and close connections): flat
  // means the second half of the run needs no more than the first.
  const during = afterWarmup.slice(0, -1);
  const half = Math.max(1, Math.floor(during.length / 2));
  const maxOf = (xs: typeof during) => Math.max(...xs.map((s) => s.fds));
  const firstFds = maxOf(during.slice(0, half));
  const lastFds = maxOf(during.slice(half));
  const flatFds = lastFds <= firstFds + 5;
  console.log(
    `\nRSS after warm-up (t≥30 s) ${base.rssMb.toFixed(1)} MB → end ${last.rssMb.toFixed(1)} MB (${(growth * 100).toFixed(1)} %), max ${maxRss.toFixed(1)} MB: ${flatRss ? "PASS" : "FAIL"} (flat: max ≤ 1.25 × the first sample after warm-up). Open fds under load: max ${firstFds} in the first half after warm-up, ${lastFds} in the second: ${flatFds ? "PASS" : "FAIL"} (flat: ≤ +5); ${samples[0]!.fds} before the traffic, ${last.fds} after it stopped (idle keep-alive connections to the upstream remain pooled).`,
  );
}

await main();
