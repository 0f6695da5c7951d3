/**
 * Rate limiters: decisions per second in one process, truestatus against rate-limiter-flexible
 * (RateLimiterMemory, RateLimiterRedis) and express-rate-limit's MemoryStore, on the same
 * redis-server (method of shared/reference/peer-figures.md §3).
 *
 *   node --import tsx bench/ratelimit.ts [--runs=3] [--suite=memory|redis|all] [--no-pin]
 *
 * - The parent starts one redis-server (Debian package) on a free port, `--save '' --appendonly
 *   no`, pinned to core 1 when taskset exists, and stops it at the end.
 * - It spawns `--runs` child processes (default 3) in the case order forward / reverse / forward,
 *   each pinned to core 0. A child warms every case (300 ms), then runs the cases interleaved:
 *   slices of 100 ms (memory) or 250 ms (Redis), round after round (alternating order), 2 s
 *   (memory) or 3 s (Redis) per case in all, and prints decisions/s per case as one JSON line.
 * - Keys: a 2^20-entry sequence of random keys over 10,000 distinct keys, shared by all cases.
 * - Limits: 1e9 points per 60 s (the allow path) unless the case says "refused" (every key over
 *   its limit, the reject path).
 * - truestatus's decision builds its header strings on first read (as the peers' middleware
 *   builds theirs after the store call); the "+ headers read" case reads them, for comparison.
 * - The truestatus Redis store batches the decisions asked for in one turn of the event loop
 *   into one script call (its default): with 256 in flight, that is its pipelining. The
 *   "ioredis auto-pipelining" cases add ioredis's own write batching, for both libraries.
 * - "await" cases run `for (...) await op(key)`; "N in flight" cases start N async workers
 *   sharing one counter; "sync" calls the store without a promise.
 * - Memory cases are reported per CPU-second of the process (process.cpuUsage: user + system,
 *   all threads, GC included): they never wait, and CPU time is not inflated when other
 *   processes take the core (wall-clock ratios between the same cases moved from 0.77× to 1.06×
 *   between identical runs). Redis cases wait on Redis and are reported per wall-clock second.
 * - The parent prints the median of each case and, for each comparison, the median of the per-run
 *   ratios (a ratio is taken inside one process), then PASS/FAIL against the target.
 */
import { MemoryStore as ErlMemoryStore } from "express-rate-limit";
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import { createRateLimiter } from "../packages/truestatus/src/ratelimit/limiter.js";
import { MemoryStore } from "../packages/truestatus/src/ratelimit/stores/memory.js";
import { RedisStore } from "../packages/truestatus/src/ratelimit/stores/redis.js";
import { startRedis } from "../test/helpers/redis-server.js";
import { hasTaskset, median, runChild } from "./harness.js";

type Op = (key: string) => unknown;
interface Case {
  readonly name: string;
  readonly suite: "memory" | "redis";
  /** "sync": call in a loop; "await": await each; a number: that many async workers. */
  readonly mode: "sync" | "await" | number;
  readonly make: () => Promise<{ op: Op; close?: () => Promise<void> }>;
}
interface Comparison {
  readonly subject: string;
  readonly peer?: string;
  readonly minRatio?: number;
  readonly minOps?: number;
  readonly note?: string;
}

function flag(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (hit === undefined) return undefined;
  const eq = hit.indexOf("=");
  return eq === -1 ? "" : hit.slice(eq + 1);
}

const KEYS: string[] = (() => {
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const names = Array.from({ length: 10_000 }, (_, i) => `203.0.${i >> 8}.${i & 255}`);
  return Array.from({ length: 1 << 20 }, () => names[rand() % names.length]!);
})();
const MASK = (1 << 20) - 1;

const ALLOW = { limit: 1e9, window: 60 };
const rlfAllow = { points: 1e9, duration: 60 };

const redisPort = Number(process.env.BENCH_REDIS_PORT ?? 0);
let prefixN = 0;
const prefix = () => `bench${process.pid}-${++prefixN}:`;

async function redisClient(autoPipelining = false): Promise<Redis> {
  const c = new Redis({
    host: "127.0.0.1",
    port: redisPort,
    lazyConnect: true,
    enableOfflineQueue: false,
    enableAutoPipelining: autoPipelining,
  });
  await c.connect();
  return c;
}

/** Swallows a rejection (rlf rejects a refused consume with its RateLimiterRes). */
const settle = (p: Promise<unknown>) =>
  p.then(
    (v) => v,
    (v) => v,
  );

/** The truestatus and rate-limiter-flexible Redis cases of one mode, each on its own client. */
function redisCases(label: string, mode: Case["mode"], autoPipelining: boolean): Case[] {
  const make =
    (limiter: (c: Redis) => { check?: Op; consume?: Op; verify?: () => void }) => async () => {
      const c = await redisClient(autoPipelining);
      const l = limiter(c);
      const op: Op = l.check ? (k) => l.check!(k) : (k) => l.consume!(k);
      return {
        op,
        close: async () => {
          c.disconnect();
          l.verify?.();
        },
      };
    };
  return [
    {
      name: `truestatus RedisStore (${label})`,
      suite: "redis",
      mode,
      make: make((client) => {
        // A decision the store could not make (fail-open) is not a decision: the run fails (its
        // child exits with an error) when the limiter counted one. Checked at the end rather
        // than per decision, so that truestatus's loop awaits `check` itself, as rlf's awaits
        // `consume`. The timeout is long so that the load of other processes cannot cause one.
        const l = createRateLimiter({
          ...ALLOW,
          store: new RedisStore({ client, prefix: prefix(), timeout: 10_000 }),
          log: () => {},
        });
        return {
          check: (k: string) => l.check(k),
          verify: () => {
            const e = l.metrics.storeErrors;
            if (e > 0) throw new Error(`the Redis store failed ${e} time(s) during the bench`);
          },
        };
      }),
    },
    {
      name: `rate-limiter-flexible RateLimiterRedis (${label})`,
      suite: "redis",
      mode,
      make: make((storeClient) => {
        const l = new RateLimiterRedis({ ...rlfAllow, storeClient, keyPrefix: prefix() });
        return { consume: (k: string) => l.consume(k) };
      }),
    },
  ];
}

const CASES: Case[] = [
  // ---- memory, allow path ----
  {
    name: "truestatus limiter.check (memory, await)",
    suite: "memory",
    mode: "await",
    make: async () => {
      const l = createRateLimiter({ ...ALLOW, store: new MemoryStore() });
      return { op: (k) => l.check(k) };
    },
  },
  {
    name: "truestatus limiter.checkSync (memory, sync)",
    suite: "memory",
    mode: "sync",
    make: async () => {
      const l = createRateLimiter({ ...ALLOW, store: new MemoryStore() });
      return { op: (k) => l.checkSync(k) };
    },
  },
  {
    name: "truestatus limiter.check + headers read (memory, await)",
    suite: "memory",
    mode: "await",
    make: async () => {
      const l = createRateLimiter({ ...ALLOW, store: new MemoryStore() });
      return { op: (k) => l.check(k).then((d) => d.headers) };
    },
  },
  {
    name: "truestatus MemoryStore.consume (sync, store decision)",
    suite: "memory",
    mode: "sync",
    make: async () => {
      const s = new MemoryStore();
      const interval = (60 * 1000) / 1e9;
      const tolerance = (1e9 - 1) * interval;
      return { op: (k) => s.consume(k, interval, tolerance) };
    },
  },
  {
    name: "rate-limiter-flexible RateLimiterMemory.consume (await)",
    suite: "memory",
    mode: "await",
    make: async () => {
      const l = new RateLimiterMemory(rlfAllow);
      return { op: (k) => l.consume(k) };
    },
  },
  {
    name: "express-rate-limit MemoryStore.increment (await)",
    suite: "memory",
    mode: "await",
    make: async () => {
      const s = new ErlMemoryStore();
      s.init({ windowMs: 60_000 } as never);
      return { op: (k) => s.increment(k), close: async () => s.shutdown() };
    },
  },
  // ---- memory, reject path ----
  {
    name: "truestatus limiter.check refused (memory, await)",
    suite: "memory",
    mode: "await",
    make: async () => {
      const l = createRateLimiter({ limit: 1, window: 3600, store: new MemoryStore() });
      for (const k of new Set(KEYS)) await l.check(k);
      return { op: (k) => l.check(k) };
    },
  },
  {
    name: "rate-limiter-flexible RateLimiterMemory refused (await)",
    suite: "memory",
    mode: "await",
    make: async () => {
      const l = new RateLimiterMemory({ points: 1, duration: 3600 });
      for (const k of new Set(KEYS)) await settle(l.consume(k));
      return { op: (k) => settle(l.consume(k)) };
    },
  },
  // ---- Redis ----
  ...redisCases("await, sequential", "await", false),
  ...redisCases("256 in flight", 256, false),
  ...redisCases("256 in flight, ioredis auto-pipelining", 256, true),
];

const COMPARISONS: Comparison[] = [
  {
    subject: "truestatus MemoryStore.consume (sync, store decision)",
    peer: "express-rate-limit MemoryStore.increment (await)",
    minRatio: 1,
  },
  {
    subject: "truestatus MemoryStore.consume (sync, store decision)",
    peer: "rate-limiter-flexible RateLimiterMemory.consume (await)",
    minRatio: 1,
  },
  {
    subject: "truestatus limiter.checkSync (memory, sync)",
    peer: "express-rate-limit MemoryStore.increment (await)",
    minRatio: 1,
  },
  {
    subject: "truestatus limiter.check (memory, await)",
    peer: "rate-limiter-flexible RateLimiterMemory.consume (await)",
    minRatio: 1,
  },
  {
    subject: "truestatus limiter.check (memory, await)",
    peer: "express-rate-limit MemoryStore.increment (await)",
    minRatio: 1,
  },
  {
    subject: "truestatus limiter.check + headers read (memory, await)",
    peer: "express-rate-limit MemoryStore.increment (await)",
    note: "info: with the header strings built",
  },
  {
    subject: "truestatus limiter.check refused (memory, await)",
    peer: "rate-limiter-flexible RateLimiterMemory refused (await)",
    note: "info: reject path",
  },
  {
    subject: "truestatus RedisStore (await, sequential)",
    peer: "rate-limiter-flexible RateLimiterRedis (await, sequential)",
    minRatio: 1,
  },
  {
    subject: "truestatus RedisStore (256 in flight)",
    peer: "rate-limiter-flexible RateLimiterRedis (256 in flight)",
    minRatio: 1,
    minOps: 50_000,
  },
  {
    subject: "truestatus RedisStore (256 in flight, ioredis auto-pipelining)",
    peer: "rate-limiter-flexible RateLimiterRedis (256 in flight, ioredis auto-pipelining)",
    minRatio: 1,
  },
];

interface Running {
  readonly c: Case;
  readonly op: Op;
  readonly close?: () => Promise<void>;
  ops: number;
  ns: number;
  cpu: number;
}

let cursor = 0;

/** Runs one case for `ms`; adds its decisions and time to the case's totals. */
async function slice(r: Running, ms: number): Promise<void> {
  const { op, c } = r;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let n = 0;
  let i = cursor;
  if (c.mode === "sync") {
    // Check the clock every 1,000 calls: hrtime costs as much as a decision.
    while (process.hrtime.bigint() < end) {
      for (let k = 0; k < 1_000; k++) op(KEYS[i++ & MASK]!);
      n += 1_000;
    }
  } else if (c.mode === "await") {
    while (process.hrtime.bigint() < end) {
      for (let k = 0; k < 100; k++) await op(KEYS[i++ & MASK]!);
      n += 100;
    }
  } else {
    const worker = async () => {
      while (process.hrtime.bigint() < end) {
        await op(KEYS[i++ & MASK]!);
        n++;
      }
    };
    await Promise.all(Array.from({ length: c.mode as number }, worker));
  }
  cursor = i;
  r.ops += n;
  r.ns += Number(process.hrtime.bigint() - start);
}

/** CPU time of this process (all threads, GC included), in ns. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1_000;
}

/**
 * Interleaved: every case runs in turn for a short slice, round after round, so that the load
 * other processes put on this noisy VM falls on every case alike (measuring each case in one
 * block made whichever ran in a quiet moment look up to 2× faster).
 */
async function measureAll(cases: readonly Case[], totalMs: number, sliceMs: number) {
  const running: Running[] = [];
  for (const c of cases) running.push({ c, ...(await c.make()), ops: 0, ns: 0, cpu: 0 });
  // Warm-up: every case once, results dropped.
  for (const r of running) await slice(r, 300);
  for (const r of running) {
    r.ops = 0;
    r.ns = 0;
  }
  const rounds = Math.max(1, Math.round(totalMs / sliceMs));
  for (let k = 0; k < rounds; k++) {
    const order = k % 2 === 0 ? running : [...running].reverse();
    for (const r of order) {
      const cpu = cpuNs();
      await slice(r, sliceMs);
      r.cpu += cpuNs() - cpu;
    }
  }
  for (const r of running) await r.close?.();
  return running;
}

async function child(): Promise<void> {
  const suite = flag("suite") ?? "all";
  const sample: Record<string, number> = {};
  for (const s of ["memory", "redis"] as const) {
    if (suite !== "all" && suite !== s) continue;
    const cases = CASES.filter((c) => c.suite === s);
    const order = flag("order") === "reverse" ? [...cases].reverse() : cases;
    const done = await measureAll(
      order,
      s === "memory" ? 2_000 : 3_000,
      s === "memory" ? 100 : 250,
    );
    // Memory cases never wait: decisions per CPU-second of this process (GC threads included),
    // which other processes' load on the core does not inflate. Redis cases wait on Redis:
    // decisions per wall-clock second.
    for (const r of done) sample[r.c.name] = (r.ops * 1e9) / (s === "memory" ? r.cpu : r.ns);
  }
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function parent(): Promise<void> {
  const runs = Number(flag("runs") ?? 3);
  const suite = flag("suite") ?? "all";
  const pin = flag("no-pin") === undefined && hasTaskset();
  const redis = suite === "memory" ? undefined : await startRedis(pin ? { pinCore: 1 } : {});
  const samples: Record<string, number>[] = [];
  const orders: string[] = [];
  try {
    for (let k = 0; k < runs; k++) {
      const order = k % 2 === 0 ? "forward" : "reverse";
      orders.push(order);
      const sample = runChild(
        [...process.execArgv, process.argv[1]!],
        order,
        pin,
        [`--suite=${suite}`],
        {
          ...process.env,
          BENCH_REDIS_PORT: String(redis?.port ?? 0),
        },
      );
      if (sample === undefined) throw new Error(`child ${k + 1} (${order}) failed`);
      samples.push(sample);
    }
  } finally {
    await redis?.stop();
  }
  const names = Object.keys(samples[0]!);
  console.log("## Rate limiters: decisions/s in one process\n");
  console.log(
    `node ${process.version}, ${runs} process(es) in order ${orders.join("/")}, ` +
      `${pin ? "node pinned to core 0, redis-server to core 1" : "not pinned"}; medians.\n`,
  );
  console.log("| case | decisions/s (median) | each run |");
  console.log("|---|---:|---|");
  for (const c of CASES.filter((x) => names.includes(x.name)))
    console.log(
      `| ${c.name} | ${fmt(median(samples.map((s) => s[c.name]!)))} | ${samples.map((s) => fmt(s[c.name]!)).join(" / ")} |`,
    );
  console.log("\n| subject | vs peer | ratio (median of per-run) | target | result |");
  console.log("|---|---|---:|---|---|");
  for (const cmp of COMPARISONS) {
    if (!names.includes(cmp.subject)) continue;
    const ops = median(samples.map((s) => s[cmp.subject]!));
    const ratio = cmp.peer
      ? median(samples.map((s) => s[cmp.subject]! / s[cmp.peer!]!))
      : undefined;
    const targets: string[] = [];
    let pass = true;
    if (cmp.minRatio !== undefined && ratio !== undefined) {
      targets.push(`ratio ≥ ${cmp.minRatio}`);
      pass &&= ratio >= cmp.minRatio;
    }
    if (cmp.minOps !== undefined) {
      targets.push(`≥ ${fmt(cmp.minOps)}/s (${fmt(ops)})`);
      pass &&= ops >= cmp.minOps;
    }
    const verdict = targets.length === 0 ? (cmp.note ?? "info") : pass ? "PASS" : "FAIL";
    console.log(
      `| ${cmp.subject} | ${cmp.peer ?? "—"} | ${ratio === undefined ? "—" : `${ratio.toFixed(2)}×`} | ${targets.join(", ") || "—"} | ${verdict} |`,
    );
  }
}

if (flag("child") !== undefined) {
  await child();
  process.exit(0);
} else {
  await parent();
}
