/**
 * Gateway throughput and added latency (bench/RESULTS.md section G).
 *
 *   node --import tsx bench/gateway.ts [--duration=5] [--rounds=3] [--connections=50]
 *
 * One upstream (node:http, a 41-byte JSON body) pinned to core 1; in front of it, each pinned
 * to core 0 and measured in turn against the same upstream: the truestatus gateway (bare, with
 * metrics, with a memory rate limit), @fastify/http-proxy, and nginx (Debian nginx-light, one
 * worker, proxy_pass to an upstream block with keepalive 64). autocannon (in this process, on
 * core 1) measures the throughput with --connections for --duration seconds; rounds run in the
 * orders forward / reverse / forward and each figure is the median of the per-round ratios.
 * Then the added latency: an open-loop load at 50 % of the bare gateway's max rate, p99 through
 * the gateway minus p99 straight to the upstream (measured with performance.now per request).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { Pool } from "undici";
import { freePort } from "../test/helpers/redis-server.js";
import { hasTaskset, median } from "./harness.js";

const flag = (name: string, def: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? def : Number(a.slice(name.length + 3));
};
const DURATION = flag("duration", 5);
const ROUNDS = flag("rounds", 3);
const CONNECTIONS = flag("connections", 50);
const PIN = hasTaskset();
const SERVERS = join(import.meta.dirname, "gateway-servers.ts");
const children: ChildProcess[] = [];

function pinned(core: number, cmd: string, args: string[]): ChildProcess {
  const [c, a] = PIN ? ["taskset", ["-c", String(core), cmd, ...args]] : [cmd, args];
  const child = spawn(c, a, { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  return child;
}

function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`server exited ${code}`)));
  });
}

function node(core: number, ...args: string[]): Promise<number> {
  return portOf(pinned(core, process.execPath, ["--import", "tsx", SERVERS, ...args]));
}

async function startNginx(upstreamPort: number): Promise<{ port: number; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "truestatus-bench-nginx-"));
  const port = await freePort();
  writeFileSync(
    join(dir, "nginx.conf"),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  pinned(0, "nginx", ["-c", join(dir, "nginx.conf"), "-p", dir]);
  // nginx prints nothing when ready: poll its port.
  const until = Date.now() + 5_000;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      await r.text();
      if (r.status === 200) break;
    } catch {
      if (Date.now() > until) throw new Error("nginx did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { port, dir };
}

async function throughput(port: number): Promise<number> {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: CONNECTIONS,
    duration: DURATION,
  });
  if (r.errors > 0 || r.non2xx > 0)
    throw new Error(`port ${port}: ${r.errors} errors, ${r.non2xx} non-2xx`);
  return r.requests.average;
}

/** p99 latency (ms) of an open-loop load at `rate` req/s for DURATION seconds. */
async function p99At(port: number, rate: number): Promise<number> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64 });
  const latencies: number[] = [];
  const tick = 10;
  const perTick = rate / (1000 / tick);
  let owed = 0;
  const end = performance.now() + DURATION * 1000;
  let pending = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() > end) {
        clearInterval(timer);
        const wait = setInterval(() => {
          if (pending === 0) {
            clearInterval(wait);
            resolve();
          }
        }, 5);
        return;
      }
      owed += perTick;
      for (; owed >= 1; owed--) {
        const t0 = performance.now();
        pending++;
        pool.request({ path: "/", method: "GET" }).then(
          async (res) => {
            await res.body.dump();
            latencies.push(performance.now() - t0);
            pending--;
          },
          () => pending--,
        );
      }
    }, tick);
  });
  await pool.close();
  latencies.sort((a, b) => a - b);
  return latencies[Math.floor(latencies.length * 0.99)]!;
}

async function main(): Promise<void> {
  if (PIN) spawnSync("taskset", ["-pc", "1", String(process.pid)], { stdio: "ignore" });
  const started = new Date().toISOString();
  const load = loadavg().map((x) => x.toFixed(2));
  const upstream = await node(1, "upstream");
  const nginx = await startNginx(upstream);
  const ports = {
    direct: upstream,
    truestatus: await node(0, "truestatus", String(upstream)),
    "truestatus+metrics": await node(0, "truestatus", String(upstream), "metrics"),
    "truestatus+ratelimit": await node(0, "truestatus", String(upstream), "ratelimit"),
    "@fastify/http-proxy": await node(0, "fastify-proxy", String(upstream)),
    nginx: nginx.port,
  };
  const names = Object.keys(ports) as (keyof typeof ports)[];
  // Warm-up (JIT, pools).
  for (const n of names)
    await autocannon({ url: `http://127.0.0.1:${ports[n]}/`, connections: 10, duration: 1 });
  const rounds: Record<string, number>[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    const order = k % 2 === 0 ? names : [...names].reverse();
    const r: Record<string, number> = {};
    for (const n of order) r[n] = await throughput(ports[n]);
    rounds.push(r);
    console.error(`round ${k + 1}: ${JSON.stringify(r)}`);
  }
  const med = (n: string) => median(rounds.map((r) => r[n]!));
  const ratio = (a: string, b: string) => median(rounds.map((r) => r[a]! / r[b]!));

  const rate = Math.round(med("truestatus") * 0.5);
  const lat: Record<string, number[]> = {
    direct: [],
    truestatus: [],
    "truestatus+metrics": [],
    "truestatus+ratelimit": [],
  };
  for (let k = 0; k < ROUNDS; k++) {
    const order = Object.keys(lat);
    for (const n of k % 2 === 0 ? order : [...order].reverse())
      lat[n]!.push(await p99At(ports[n as keyof typeof ports], rate));
  }
  const added = (n: string) => median(lat[n]!.map((v, i) => v - lat.direct![i]!));

  const rows: [string, string, string, number, string, boolean][] = [];
  const row = (subject: string, peer: string, target: number, text: string) =>
    rows.push([
      subject,
      peer,
      text,
      ratio(subject, peer),
      `≥ ${target}×`,
      ratio(subject, peer) >= target,
    ]);
  row("truestatus", "@fastify/http-proxy", 1.0, "throughput");
  row("truestatus", "nginx", 0.5, "throughput");
  console.log(`## G1. Gateway throughput and added latency\n`);
  console.log(
    `\`node --import tsx bench/gateway.ts --duration=${DURATION} --rounds=${ROUNDS} --connections=${CONNECTIONS}\`, started ${started}, node ${process.version}, load average at start ${load.join(" / ")} (2-core VM shared with other engineers), ${PIN ? "proxies pinned to core 0, upstream and autocannon to core 1" : "not pinned"}.\n`,
  );
  console.log("| server | req/s (median) | req/s per round |");
  console.log("|---|---:|---|");
  for (const n of names)
    console.log(
      `| ${n} | ${Math.round(med(n)).toLocaleString("en-US")} | ${rounds.map((r) => Math.round(r[n]!).toLocaleString("en-US")).join(" / ")} |`,
    );
  console.log("\n| figure | measured | peer | ratio (median of per-round) | target | result |");
  console.log("|---|---|---|---:|---|---|");
  for (const [s, p, what, r, t, ok] of rows)
    console.log(`| ${what} | ${s} | ${p} | ${r.toFixed(2)}× | ${t} | ${ok ? "PASS" : "FAIL"} |`);
  for (const v of ["truestatus+metrics", "truestatus+ratelimit"]) {
    const loss = 1 - ratio(v, "truestatus");
    console.log(
      `| further loss, throughput | ${v} | truestatus | ${ratio(v, "truestatus").toFixed(2)}× (loss ${(loss * 100).toFixed(1)} %) | ≤ 10 % | ${loss <= 0.1 ? "PASS" : "FAIL"} |`,
    );
  }
  console.log(
    `\nAdded p99 latency at 50 % of the bare gateway's max (${rate.toLocaleString("en-US")} req/s, open loop, 64 connections):\n`,
  );
  console.log("| server | p99 ms per round | added p99 vs direct (median) | target | result |");
  console.log("|---|---|---:|---|---|");
  for (const n of Object.keys(lat)) {
    const a = n === "direct" ? undefined : added(n);
    console.log(
      `| ${n} | ${lat[n]!.map((v) => v.toFixed(2)).join(" / ")} | ${a === undefined ? "—" : `${a.toFixed(2)} ms`} | ${a === undefined ? "—" : "≤ 1 ms"} | ${a === undefined ? "—" : a <= 1 ? "PASS" : "FAIL"} |`,
    );
  }
  console.log(
    `\nload average at end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" / ")}`,
  );
  rmSync(nginx.dir, { recursive: true, force: true });
}

try {
  await main();
} finally {
  for (const c of children) c.kill("SIGTERM");
}
