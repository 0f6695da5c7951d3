/**
 * Gateway throughput and added latency (bench/RESULTS.md section G).
 *
 *   npm run build && node --import tsx bench/gateway.ts [--duration=5] [--rounds=3] [--connections=50]
 *
 * The gateway measured is the built one (dist/, what `truestatus gateway` runs), not the sources
 * through tsx (whose keepNames helpers cost ~2 % more CPU per request).
 *
 * One upstream (node:http, a 41-byte JSON body) pinned to core 1; in front of it, each pinned
 * to core 0 and measured in turn against the same upstream: the truestatus gateway (bare, with
 * metrics, with a memory rate limit), @fastify/http-proxy, and nginx (Debian nginx-light, one
 * worker, proxy_pass to an upstream block with keepalive 64). wrk (Debian package; one thread on
 * core 1) measures the throughput with --connections for --duration seconds (--client=autocannon:
 * autocannon in this process instead, which saturates core 1 before a proxy saturates core 0);
 * rounds run in the orders forward / reverse / forward and each figure is the median of the
 * per-round ratios. Then the paired ratios, which decide the throughput figures: the gateway and
 * one peer in --pairs back-to-back runs of --pair-duration seconds (order alternating), one
 * ratio per pair, so that each ratio sees one state of this shared host.
 * Then the added latency: a load at 50 % of the bare gateway's max rate, p99 through each proxy
 * minus p99 straight to the upstream, measured one after the other (order alternating per round).
 * The load comes from h2load (Debian nghttp2-client, C): 64 HTTP/1.1 clients, each sending
 * rate/64 requests per second, their starts staggered 1 ms apart so that requests arrive evenly
 * (started together, h2load's clients fire in bursts of 64, whose own queue is then measured);
 * latency per request from its --log-file. Without h2load (or with --latency=js) a JavaScript
 * open loop in this process is used instead, which saturates near 6,000 req/s on a shared core.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { Pool } from "undici";
import { GatewayMetrics } from "../packages/cli/src/gateway/metrics.js";
import { createRateLimiter } from "../packages/truestatus/src/ratelimit/limiter.js";
import { freePort } from "../test/helpers/redis-server.js";
import { hasTaskset, median } from "./harness.js";

const flag = (name: string, def: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? def : Number(a.slice(name.length + 3));
};
const DURATION = flag("duration", 5);
const ROUNDS = flag("rounds", 3);
/** Back-to-back short runs per pair for the paired ratios (see paired()). */
const PAIRS = flag("pairs", 10);
const PAIR_SECONDS = flag("pair-duration", 2);
const CONNECTIONS = flag("connections", 50);
/** --interleaved: p99 direct and through the gateway from one alternating load (noisy machines). */
const INTERLEAVED = process.argv.includes("--interleaved");
/** Throughput client: wrk when installed (the issue's "autocannon or wrk"), else autocannon. */
const WRK =
  !process.argv.includes("--client=autocannon") && spawnSync("wrk", ["-v"]).error === undefined;
const H2LOAD =
  !process.argv.includes("--latency=js") && spawnSync("h2load", ["--version"]).status === 0;
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

/** Port → pid of the process serving it (CPU time is read from /proc). */
const pids = new Map<number, number>();

async function node(core: number, ...args: string[]): Promise<number> {
  const child = pinned(core, process.execPath, ["--import", "tsx", SERVERS, ...args]);
  const port = await portOf(child);
  pids.set(port, child.pid!);
  return port;
}

/** CPU seconds (user + system) used so far by a process and its descendants (nginx's worker). */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks = Number(f[11]) + Number(f[12]);
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      for (const k of kids === "" ? [] : kids.split(" ")) ticks += cpuSeconds(Number(k)) * 100;
    }
  } catch {
    return 0;
  }
  return ticks / 100;
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
  const master = pinned(0, "nginx", ["-c", join(dir, "nginx.conf"), "-p", dir]);
  pids.set(port, master.pid!);
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

/**
 * wrk (Debian package, C, one thread pinned to core 1): `--connections` for DURATION seconds.
 * Its load costs far less CPU than autocannon's, so that the proxy, not the client sharing core 1
 * with the upstream, is what saturates.
 */
function wrkRun(port: number, duration: number): { requests: number; rps: number } {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${duration}s`, `http://127.0.0.1:${port}/`];
  const r = spawnSync(PIN ? "taskset" : "wrk", PIN ? ["-c", "1", "wrk", ...args] : args, {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr || r.stdout}`);
  const out = r.stdout;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  if (/Non-2xx|Socket errors/.test(out) || !(requests > 0))
    throw new Error(`port ${port}: wrk saw errors:\n${out}`);
  return { requests, rps };
}

/** req/s (wall clock) and requests per CPU-second of the serving process. */
async function throughput(
  port: number,
  duration = DURATION,
): Promise<{ rps: number; perCpu: number }> {
  const pid = pids.get(port)!;
  const cpu0 = cpuSeconds(pid);
  if (WRK) {
    const w = wrkRun(port, duration);
    return { rps: w.rps, perCpu: w.requests / (cpuSeconds(pid) - cpu0) };
  }
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: CONNECTIONS,
    duration,
  });
  const cpu = cpuSeconds(pid) - cpu0;
  if (r.errors > 0 || r.non2xx > 0)
    throw new Error(`port ${port}: ${r.errors} errors, ${r.non2xx} non-2xx`);
  return { rps: r.requests.average, perCpu: r.requests.total / cpu };
}

/**
 * p99 latency (ms) through each port, under one open-loop load at `rate` req/s per port for
 * DURATION seconds: requests alternate between the ports, so both see the same machine state
 * (the neighbours' load changes from second to second; measured one after the other, two p99s
 * would differ by that, not by the proxy).
 */
async function p99Interleaved(ports: readonly number[], rate: number): Promise<number[]> {
  const pools = ports.map((p) => new Pool(`http://127.0.0.1:${p}`, { connections: 64 }));
  const latencies: number[][] = ports.map(() => []);
  // 1 ms ticks: a 10 ms tick sends each tick's requests as one burst, and the burst's own queue
  // (dozens of requests arriving at once) is then measured as latency.
  const tick = 1;
  const perTick = (rate * ports.length) / (1000 / tick);
  let owed = 0;
  let next = 0;
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
        const i = next++ % ports.length;
        const t0 = performance.now();
        pending++;
        pools[i]!.request({ path: "/", method: "GET" }).then(
          async (res) => {
            await res.body.dump();
            latencies[i]!.push(performance.now() - t0);
            pending--;
          },
          () => pending--,
        );
      }
    }, tick);
  });
  await Promise.all(pools.map((p) => p.close()));
  return latencies.map((l) => {
    l.sort((x, y) => x - y);
    return l[Math.floor(l.length * 0.99)]!;
  });
}

/**
 * p99 latency (ms) through `port` at `rate` req/s for DURATION seconds, from h2load (see the file
 * header): 64 clients at rate/64 req/s each, started 1 ms apart. The first 10 % of the requests
 * (the stagger, cold pools) are left out. Every request must succeed.
 */
function p99H2load(port: number, rate: number): number {
  const dir = mkdtempSync(join(tmpdir(), "truestatus-bench-h2load-"));
  const log = join(dir, "requests.tsv");
  const clients = 64;
  const total = Math.round(rate * DURATION);
  const args = [
    "--h1",
    "-c",
    String(clients),
    "-r",
    "1",
    "--rate-period=1ms",
    `--rps=${(rate / clients).toFixed(3)}`,
    "-n",
    String(total),
    `--log-file=${log}`,
    `http://127.0.0.1:${port}/`,
  ];
  const r = spawnSync(PIN ? "taskset" : "h2load", PIN ? ["-c", "1", "h2load", ...args] : args, {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`h2load failed: ${r.stderr || r.stdout}`);
  const rows = readFileSync(log, "utf8").trimEnd().split("\n");
  rmSync(dir, { recursive: true, force: true });
  if (rows.length !== total) throw new Error(`h2load: ${rows.length} of ${total} requests logged`);
  // Columns: start (µs since the epoch), status, µs until the end of the response.
  const parsed = rows.map((row) => row.split("\t").map(Number) as [number, number, number]);
  const bad = parsed.filter((x) => x[1] !== 200).length;
  if (bad > 0) throw new Error(`h2load: ${bad} requests to port ${port} did not answer 200`);
  parsed.sort((a, b) => a[0] - b[0]);
  const kept = parsed.slice(Math.floor(parsed.length / 10)).map((x) => x[2] / 1000);
  kept.sort((a, b) => a - b);
  return kept[Math.floor(kept.length * 0.99)]!;
}

/** p99 (ms) of each port measured one after the other (JS open loop or h2load). */
async function p99Each(ports: readonly number[], rate: number): Promise<number[]> {
  const out: number[] = [];
  for (const p of ports)
    out.push(H2LOAD ? p99H2load(p, rate) : (await p99Interleaved([p], rate))[0]!);
  return out;
}

/**
 * What the gateway adds per request with metrics or the limiter on, measured in this process
 * (ns per request, best of 3 × 200,000): the metrics of one request (in-flight gauge, upstream
 * and server histograms) and one memory-limiter decision with its RateLimit fields.
 */
function isolatedCosts(): { metricsNs: number; limiterNs: number } {
  const m = new GatewayMetrics();
  const limiter = createRateLimiter({ limit: 1_000_000_000, window: 1 });
  const N = 200_000;
  const best = (fn: (i: number) => void) => {
    let min = Number.POSITIVE_INFINITY;
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      for (let i = 0; i < N; i++) fn(i);
      min = Math.min(min, ((performance.now() - t0) * 1e6) / N);
    }
    return min;
  };
  const metricsNs = best(() => {
    const a = m.activeFor("/");
    a.value++;
    m.upstream("app", 200, "", 0.001);
    m.request({
      method: "GET",
      route: "/",
      status: 200,
      errorType: "",
      failureClass: "",
      seconds: 0.002,
    });
    a.value--;
  });
  let sink = 0;
  const limiterNs = best((i) => {
    const d = limiter.checkSync(`ip:10.0.${i & 255}.1`);
    sink += d.headers.ratelimit!.length;
  });
  if (sink < 0) console.log(sink);
  return { metricsNs, limiterNs };
}

/**
 * Ratios of `a`'s throughput to `b`'s from PAIRS back-to-back runs of PAIR_SECONDS each (order
 * alternating): each ratio is taken within a few seconds, where a round of six servers spans half
 * a minute, over which this shared host's speed was seen to move by 2× (RESULTS G6).
 */
async function paired(a: number, b: number): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const first = i % 2 === 0 ? a : b;
    const t1 = await throughput(first, PAIR_SECONDS);
    const t2 = await throughput(first === a ? b : a, PAIR_SECONDS);
    const [ta, tb] = first === a ? [t1, t2] : [t2, t1];
    wall.push(ta.rps / tb.rps);
    cpu.push(ta.perCpu / tb.perCpu);
  }
  return { wall, cpu };
}

async function main(): Promise<void> {
  if (!existsSync(join(import.meta.dirname, "../packages/cli/dist/gateway/server.js")))
    throw new Error("bench/gateway.ts measures the built gateway: run npm run build first");
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
  // Warm-up (JIT, pools): 3 s each at full load.
  for (const n of names)
    if (WRK) wrkRun(ports[n], 3);
    else
      await autocannon({
        url: `http://127.0.0.1:${ports[n]}/`,
        connections: CONNECTIONS,
        duration: 3,
      });
  const rounds: Record<string, number>[] = [];
  const cpuRounds: Record<string, number>[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    const order = k % 2 === 0 ? names : [...names].reverse();
    const r: Record<string, number> = {};
    const c: Record<string, number> = {};
    for (const n of order) {
      const t = await throughput(ports[n]);
      r[n] = t.rps;
      c[n] = t.perCpu;
    }
    rounds.push(r);
    cpuRounds.push(c);
    console.error(`round ${k + 1}: ${JSON.stringify(r)} per CPU-second ${JSON.stringify(c)}`);
  }
  const med = (n: string) => median(rounds.map((r) => r[n]!));
  const ratio = (a: string, b: string) => median(rounds.map((r) => r[a]! / r[b]!));

  const pairs = {
    nginx: await paired(ports.truestatus, ports.nginx),
    "@fastify/http-proxy": await paired(ports.truestatus, ports["@fastify/http-proxy"]),
  };
  const rate = Math.round(med("truestatus") * 0.5);
  const variants = ["truestatus", "truestatus+metrics", "truestatus+ratelimit", "nginx"] as const;
  const lat = new Map(variants.map((v) => [v, { direct: [] as number[], via: [] as number[] }]));
  for (let k = 0; k < ROUNDS; k++) {
    for (const v of k % 2 === 0 ? variants : [...variants].reverse()) {
      // Interleaved, one load generator sends 2 × rate req/s, and on core 1 (shared with the
      // upstream) it saturates on a quiet machine: its own queue dominates both p99s. So by
      // default the two are measured one after the other (order alternating per round).
      let d: number | undefined;
      let g: number | undefined;
      if (INTERLEAVED) [d, g] = await p99Interleaved([ports.direct, ports[v]], rate);
      else if (k % 2 === 0) [d, g] = await p99Each([ports.direct, ports[v]], rate);
      else [g, d] = await p99Each([ports[v], ports.direct], rate);
      lat.get(v)!.direct.push(d!);
      lat.get(v)!.via.push(g!);
    }
  }
  const added = (v: (typeof variants)[number]) => {
    const l = lat.get(v)!;
    return median(l.via.map((g, i) => g - l.direct[i]!));
  };

  const cpuMed = (n: string) => median(cpuRounds.map((r) => r[n]!));
  const cpuRatio = (a: string, b: string) => median(cpuRounds.map((r) => r[a]! / r[b]!));
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(`## G1. Gateway throughput and added latency\n`);
  console.log(
    `\`node --import tsx bench/gateway.ts --duration=${DURATION} --rounds=${ROUNDS} --connections=${CONNECTIONS}\`, started ${started}, node ${process.version}, load average at start ${load.join(" / ")} (2-core VM shared with other engineers), ${PIN ? `proxies pinned to core 0, upstream and ${WRK ? "wrk (1 thread)" : "autocannon"} to core 1` : "not pinned"}; throughput measured with ${WRK ? "wrk" : "autocannon"}, ${CONNECTIONS} connections, ${DURATION} s per run. Requests per CPU-second = requests served ÷ CPU time (user + system) of the proxy's process(es) in the same run: the capacity of one dedicated core, which other load on the machine disturbs far less than wall-clock req/s.\n`,
  );
  console.log(
    "| server | req/s (median) | req/s per round | req per CPU-second (median) | per round |",
  );
  console.log("|---|---:|---|---:|---|");
  for (const n of names)
    console.log(
      `| ${n} | ${fmt(med(n))} | ${rounds.map((r) => fmt(r[n]!)).join(" / ")} | ${fmt(cpuMed(n))} | ${cpuRounds.map((r) => fmt(r[n]!)).join(" / ")} |`,
    );
  console.log(
    "\n| figure | measured | peer | ratio, req/s (median of per-round) | ratio, req per CPU-second | target | result (CPU) |",
  );
  console.log("|---|---|---|---:|---:|---|---|");
  const row = (
    what: string,
    s: string,
    p: string,
    pass: (r: number) => boolean,
    target: string,
  ) => {
    const cr = cpuRatio(s, p);
    console.log(
      `| ${what} | ${s} | ${p} | ${ratio(s, p).toFixed(2)}× | ${cr.toFixed(2)}× | ${target} | ${pass(cr) ? "PASS" : "FAIL"} |`,
    );
  };
  row("throughput", "truestatus", "@fastify/http-proxy", (r) => r >= 1, "≥ 1.0×");
  row("throughput", "truestatus", "nginx", (r) => r >= 0.5, "≥ 0.5×");
  row("with metrics", "truestatus+metrics", "truestatus", (r) => r >= 0.9, "≥ 0.9× (≤ 10 % loss)");
  row(
    "with rate limit",
    "truestatus+ratelimit",
    "truestatus",
    (r) => r >= 0.9,
    "≥ 0.9× (≤ 10 % loss)",
  );
  row("with metrics", "truestatus+metrics", "@fastify/http-proxy", (r) => r >= 0.9, "≥ 0.9×");
  row("with rate limit", "truestatus+ratelimit", "@fastify/http-proxy", (r) => r >= 0.9, "≥ 0.9×");
  console.log(
    `\nPaired: truestatus against each peer in ${PAIRS} back-to-back ${PAIR_SECONDS} s wrk runs (order alternating), one ratio per pair; the median decides:\n`,
  );
  console.log(
    "| truestatus ÷ | ratio per CPU-second, median | per pair | ratio req/s, median | target | result (CPU) |",
  );
  console.log("|---|---:|---|---:|---|---|");
  for (const [peer, target] of [
    ["nginx", 0.5],
    ["@fastify/http-proxy", 1],
  ] as const) {
    const p = pairs[peer];
    const c = median(p.cpu);
    console.log(
      `| ${peer} | ${c.toFixed(2)}× | ${p.cpu.map((x) => x.toFixed(2)).join(" ")} | ${median(p.wall).toFixed(2)}× | ≥ ${target.toFixed(1)}× | ${c >= target ? "PASS" : "FAIL"} |`,
    );
  }
  console.log(
    `\nAdded p99 latency at 50 % of the bare gateway's max (${rate.toLocaleString("en-US")} req/s through each, ${INTERLEAVED ? "JS open loop in 1 ms ticks, 64 connections, direct and through the proxy interleaved request by request" : H2LOAD ? "h2load: 64 HTTP/1.1 clients started 1 ms apart, each at 1/64 of the rate; first 10 % of requests left out; direct and through the proxy one after the other, order alternating per round" : "JS open loop in 1 ms ticks, 64 connections; direct and through the proxy one after the other, order alternating per round"}); nginx is the peer's figure in the same run:\n`,
  );
  console.log(
    "| through | p99 direct, ms per round | p99 through it, ms per round | added p99 (median) | target | result |",
  );
  console.log("|---|---|---|---:|---|---|");
  for (const v of variants) {
    const l = lat.get(v)!;
    const a = added(v);
    console.log(
      `| ${v} | ${l.direct.map((x) => x.toFixed(2)).join(" / ")} | ${l.via.map((x) => x.toFixed(2)).join(" / ")} | ${a.toFixed(2)} ms | ${v === "nginx" ? "(peer)" : "≤ 1 ms"} | ${v === "nginx" ? "info" : a <= 1 ? "PASS" : "FAIL"} |`,
    );
  }
  const iso = isolatedCosts();
  const perRequestNs = 1e9 / cpuMed("truestatus");
  console.log(
    `\nIn isolation (this process, best of 3 × 200,000): the metrics of one request cost ${iso.metricsNs.toFixed(0)} ns, one memory-limiter decision with its RateLimit fields ${iso.limiterNs.toFixed(0)} ns, against ${(perRequestNs / 1000).toFixed(1)} µs of CPU per proxied request (the bare gateway's median above): ${((iso.metricsNs / perRequestNs) * 100).toFixed(1)} % and ${((iso.limiterNs / perRequestNs) * 100).toFixed(1)} %.`,
  );
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
