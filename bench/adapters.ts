/**
 * Figures of the Emit issue: the adapters against the bare frameworks, over real HTTP.
 *
 *   node --import tsx bench/adapters.ts [--runs=3] [--rounds=4] [--duration=2] [--warmup=2] [--connections=50]
 *
 * - Servers: bench/adapters-server.ts, one process per (framework, variant), pinned with
 *   `taskset -c 0`, NODE_ENV=production, stderr discarded (Express's default handler prints every
 *   error there, as in shared/reference/peer-figures.md §2).
 * - Load: wrk 4 (Debian package `wrk`), pinned with `taskset -c 1`, `-t1 -c50`, keep-alive.
 * - Pairs: both servers of a framework are up at once (the idle one costs nothing). For each route,
 *   both sides are warmed (--warmup s), then measured in --rounds rounds of --duration s each,
 *   alternating which side goes first (A B, B A, ...): a ratio truestatus ÷ bare is taken per
 *   round, from two measurements seconds apart, so that both saw the same machine. The machine is
 *   a shared 2-core VM where other work comes and goes: short alternating rounds keep that out of
 *   the ratios better than long runs do.
 * - Runs: --runs (default 3) in the order forward / reverse / forward (of frameworks and routes).
 *   The table gives the median over all rounds of all runs of the ratio, and of the req/s.
 * - Before measuring, each target is checked once: its status, and WWW-Authenticate on 401s.
 * Targets: success path ≥ 0.97 (≤ 3 % loss); error paths (401, 422) ≥ 1.00.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { get } from "node:http";
import { flag, median, ROUTES, verdict } from "./adapters-apps.js";

const ALL_FRAMEWORKS = ["express", "fastify", "hono"] as const;
/** --only=fastify,hono: measure some frameworks (to repeat a row without the rest). */
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const FRAMEWORKS = ALL_FRAMEWORKS.filter((f) => only === undefined || only.includes(f));
const runs = flag("runs", 3);
const rounds = flag("rounds", 4);
const duration = flag("duration", 2);
const warmup = flag("warmup", 2);
const connections = flag("connections", 50);
const pin = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
if (spawnSync("wrk", ["--version"]).error) {
  console.error("wrk is required: apt-get install -y wrk");
  process.exit(2);
}

async function startServer(
  framework: string,
  variant: string,
): Promise<{ url: string; child: ChildProcess }> {
  const args = ["--import", "tsx", "bench/adapters-server.ts", framework, variant];
  const options = {
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "ignore"] as ["ignore", "pipe", "ignore"],
  };
  const child = pin
    ? spawn("taskset", ["-c", "0", process.execPath, ...args], options)
    : spawn(process.execPath, args, options);
  const [chunk] = (await once(child.stdout!, "data")) as [Buffer];
  return { url: chunk.toString().trim(), child };
}

function wrk(url: string, seconds: number): number {
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, url];
  const r = pin
    ? spawnSync("taskset", ["-c", "1", "wrk", ...args], { encoding: "utf8" })
    : spawnSync("wrk", args, { encoding: "utf8" });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`wrk failed on ${url}: ${r.stdout}${r.stderr}`);
  // Timeouts (wrk's 2 s) are a sign of a loaded machine, not of a broken server: reported, not fatal.
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    r.stdout,
  );
  if (errors && Number(errors[1]) + Number(errors[2]) + Number(errors[3]) > 0)
    throw new Error(`socket errors on ${url}: ${r.stdout}`);
  if (errors && Number(errors[4]) > 0) console.error(`  (${errors[4]} wrk timeouts on ${url})`);
  return Number(m[1]);
}

/** One request on a fresh connection (a kept-alive one may be closed by the server meanwhile). */
function check(url: string, status: number, challenge = false): Promise<void> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => {
        if (res.statusCode !== status)
          reject(new Error(`${url}: ${res.statusCode}, expected ${status}`));
        else if (challenge && !res.headers["www-authenticate"])
          reject(new Error(`${url}: no WWW-Authenticate`));
        else resolve();
      });
    }).on("error", reject);
  });
}

interface Sample {
  bare: number[];
  truestatus: number[];
  ratios: number[];
}
const samples = new Map<string, Sample>();

console.error(
  `# ${new Date().toISOString()} node ${process.version}, ${pin ? "pinned" : "not pinned"}`,
);
for (let k = 0; k < runs; k++) {
  const forward = k % 2 === 0;
  for (const framework of forward ? FRAMEWORKS : [...FRAMEWORKS].reverse()) {
    const [bare, ts] = await Promise.all([
      startServer(framework, "bare"),
      startServer(framework, "truestatus"),
    ]);
    try {
      for (const route of forward ? ROUTES : [...ROUTES].reverse()) {
        const a = bare.url + route.bare;
        const b = ts.url + route.truestatus;
        await check(a, route.status);
        await check(b, route.status, route.status === 401);
        wrk(a, warmup);
        wrk(b, warmup);
        const key = `${framework} ${route.label}`;
        const s = samples.get(key) ?? { bare: [], truestatus: [], ratios: [] };
        for (let r = 0; r < rounds; r++) {
          let x: number;
          let y: number;
          if ((r + k) % 2 === 0) {
            x = wrk(a, duration);
            y = wrk(b, duration);
          } else {
            y = wrk(b, duration);
            x = wrk(a, duration);
          }
          s.bare.push(x);
          s.truestatus.push(y);
          s.ratios.push(y / x);
          console.error(
            `run ${k + 1} round ${r + 1} ${key}: bare ${Math.round(x)}, truestatus ${Math.round(y)}, ratio ${(y / x).toFixed(3)}`,
          );
        }
        samples.set(key, s);
      }
    } finally {
      for (const { child } of [bare, ts]) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    }
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(
  `node ${process.version}, wrk -t1 -c${connections}, ${runs} runs (forward/reverse/forward) × ${rounds} alternating rounds of ${duration}s ` +
    `after ${warmup}s warm-ups, ${pin ? "servers on core 0, wrk on core 1 (taskset)" : "not pinned"}; medians.\n`,
);
console.log(
  "| framework | path | bare req/s | truestatus req/s | ratio (median) | ratio min–max | target | result |",
);
console.log("|---|---|---:|---:|---:|---|---|---|");
for (const f of FRAMEWORKS) {
  for (const route of ROUTES) {
    const s = samples.get(`${f} ${route.label}`)!;
    const ratio = median(s.ratios);
    console.log(
      `| ${f} | ${route.label} | ${fmt(median(s.bare))} | ${fmt(median(s.truestatus))} | ${ratio.toFixed(3)} | ${Math.min(...s.ratios).toFixed(2)}–${Math.max(...s.ratios).toFixed(2)} | ${route.target === undefined ? "—" : `≥ ${route.target.toFixed(2)}`} | ${verdict(route, ratio)} |`,
    );
  }
}
