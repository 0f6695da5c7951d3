/**
 * The Emit figures again, as CPU time per request in one process, without sockets: a check of
 * bench/adapters.ts that the load of other processes on a shared VM disturbs far less (CPU time is
 * this process's own, whatever else runs).
 *
 *   node --import tsx bench/adapters-cpu.ts [--rounds=9] [--requests=2000]
 *
 * - Pinned with `taskset -c 0` (re-executes itself under it when taskset exists), NODE_ENV=production,
 *   stderr discarded.
 * - Requests: Express through light-my-request (the injector Fastify uses), Fastify through
 *   `app.inject()`, Hono through `app.request()` (a Web Request, the body read): the whole
 *   framework request path, minus the socket.
 * - For each framework and route, the bare and the truestatus app are both warmed (2,000 requests),
 *   then measured in --rounds rounds alternating which goes first; each round times --requests
 *   sequential requests with process.cpuUsage() (user + system µs). Ratio = bare CPU ÷ truestatus
 *   CPU per request (> 1: truestatus costs less, the throughput ratio of a CPU-bound server).
 * Targets as bench/adapters.ts: success ≥ 0.97, error paths ≥ 1.00.
 */
import { spawnSync } from "node:child_process";
import { inject } from "light-my-request";
import {
  expressApp,
  fastifyApp,
  flag,
  honoApp,
  median,
  ROUTES,
  type Variant,
  verdict,
} from "./adapters-apps.js";

if (!process.env.TRUESTATUS_PINNED && spawnSync("taskset", ["-c", "0", "true"]).status === 0) {
  const r = spawnSync(
    "taskset",
    ["-c", "0", process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    {
      // stderr discarded: Express's default handler prints every error there (as in adapters.ts).
      stdio: ["ignore", "inherit", "ignore"],
      env: { ...process.env, TRUESTATUS_PINNED: "1", NODE_ENV: "production" },
    },
  );
  process.exit(r.status ?? 1);
}

const rounds = flag("rounds", 9);
const requests = flag("requests", 2000);

type Send = (path: string) => Promise<number>;

async function senders(framework: string, variant: Variant): Promise<Send> {
  if (framework === "express") {
    const app = expressApp(variant);
    return async (path) => (await inject(app, { method: "GET", url: path })).statusCode;
  }
  if (framework === "fastify") {
    const app = await fastifyApp(variant);
    return async (path) => (await app.inject({ method: "GET", url: path })).statusCode;
  }
  const app = honoApp(variant);
  return async (path) => {
    const res = await app.request(path);
    await res.arrayBuffer();
    return res.status;
  };
}

async function cpuPerRequest(send: Send, path: string, n: number, status: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const s = await send(path);
    if (s !== status) throw new Error(`${path}: ${s}, expected ${status}`);
  }
  const d = process.cpuUsage(start);
  return (d.user + d.system) / n;
}

console.log(
  `node ${process.version}, ${process.env.TRUESTATUS_PINNED ? "pinned with taskset -c 0" : "not pinned"}, NODE_ENV=${process.env.NODE_ENV}; ${rounds} alternating rounds of ${requests} requests after 2,000 warm-up requests; medians.\n`,
);
console.log(
  "| framework | path | bare µs CPU/req | truestatus µs CPU/req | ratio bare ÷ truestatus (median) | min–max | target | result |",
);
console.log("|---|---|---:|---:|---:|---|---|---|");
/** Alternating rounds of `requests` requests on each side; per-round ratios a ÷ b. */
async function compare(
  sendA: Send,
  pathA: string,
  sendB: Send,
  pathB: string,
  status: number,
): Promise<{ a: number[]; b: number[]; ratios: number[] }> {
  await cpuPerRequest(sendA, pathA, 2000, status);
  await cpuPerRequest(sendB, pathB, 2000, status);
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let x: number;
    let y: number;
    if (r % 2 === 0) {
      x = await cpuPerRequest(sendA, pathA, requests, status);
      y = await cpuPerRequest(sendB, pathB, requests, status);
    } else {
      y = await cpuPerRequest(sendB, pathB, requests, status);
      x = await cpuPerRequest(sendA, pathA, requests, status);
    }
    a.push(x);
    b.push(y);
    ratios.push(x / y);
  }
  return { a, b, ratios };
}

const range = (ratios: readonly number[]): string =>
  `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;

for (const framework of ["express", "fastify", "hono"]) {
  const bare = await senders(framework, "bare");
  const ts = await senders(framework, "truestatus");
  for (const route of ROUTES) {
    const { a, b, ratios } = await compare(bare, route.bare, ts, route.truestatus, route.status);
    const ratio = median(ratios);
    const target = route.target;
    console.log(
      `| ${framework} | ${route.label} | ${median(a).toFixed(1)} | ${median(b).toFixed(1)} | ${ratio.toFixed(3)} | ${range(ratios)} | ${target === undefined ? "—" : `≥ ${target.toFixed(2)}`} | ${verdict(route, ratio)} |`,
    );
  }
  // A/A control: two identical bare apps on the success route. Its spread is this run's noise
  // floor; a success-path ratio inside it is no measurable cost.
  const twin = await senders(framework, "bare");
  const ok = ROUTES[0]!;
  const c = await compare(bare, ok.bare, twin, ok.bare, ok.status);
  console.log(
    `| ${framework} | A/A control: bare ÷ an identical bare app (success) | ${median(c.a).toFixed(1)} | ${median(c.b).toFixed(1)} | ${median(c.ratios).toFixed(3)} | ${range(c.ratios)} | — | noise floor |`,
  );
}
