/**
 * Shared driver of the mitata benches (method of shared/reference/peer-figures.md §4).
 *
 * Run a bench file as `node --import tsx bench/<file>.ts [--runs=3] [--no-pin] [--show]`:
 * - the parent spawns `--runs` child processes (default 3), in the order forward, reverse,
 *   forward, ... of the cases; each child is pinned with `taskset -c 0` when taskset exists;
 * - each child (node --expose-gc, so mitata collects garbage before each case) warms every case
 *   with 2,000 calls, then runs each with mitata (`bench(name, () => do_not_optimize(fn()))`,
 *   `run({ format: "quiet" })`) and prints ops/s = 1e9 / mean ns per op as one JSON line;
 * - the parent prints, as Markdown, the median ops/s of each case and, for each comparison, the
 *   median of the per-process ratios subject ÷ peer (a ratio is taken only inside one process,
 *   so both sides saw the same machine state), then PASS/FAIL against the target.
 * `--show` prints one output of every case instead (to check the peers produce the same thing).
 * The process always exits 0 unless a child crashes: a FAIL is a result, not an error.
 */
import { spawnSync } from "node:child_process";
import { bench, do_not_optimize, run } from "mitata";

export interface Case {
  /** Unique name; comparisons refer to it. */
  readonly name: string;
  /** Table section the case is printed under. */
  readonly group: string;
  readonly fn: () => unknown;
}

export interface Comparison {
  readonly group: string;
  /** Case measured (numerator of the ratio). */
  readonly subject: string;
  /** Case it is compared with (denominator); omit for an absolute target only. */
  readonly peer?: string;
  /** The subject passes when ratio >= minRatio (or > when strict). */
  readonly minRatio?: number;
  readonly strict?: boolean;
  /** The subject passes when its median ops/s >= minOps. */
  readonly minOps?: number;
  /** Printed with the result when the comparison is informative only (no target). */
  readonly note?: string;
}

export interface BenchFile {
  readonly title: string;
  readonly cases: readonly Case[];
  readonly comparisons: readonly Comparison[];
}

type Sample = Record<string, number>;

function flag(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (hit === undefined) return undefined;
  const eq = hit.indexOf("=");
  return eq === -1 ? "" : hit.slice(eq + 1);
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const fmtOps = (n: number): string => Math.round(n).toLocaleString("en-US");
const fmtNs = (ops: number): string => (1e9 / ops).toFixed(ops > 1e7 ? 1 : 0);

async function child(file: BenchFile): Promise<void> {
  const order = flag("order") === "reverse" ? [...file.cases].reverse() : file.cases;
  // Warm every case first: mitata times one call to decide whether to batch, and a cold first
  // call (lazy compilation, over 65 µs on this VM) would make it time each call alone, adding the
  // clock's own cost to every sample.
  for (const c of order) for (let k = 0; k < WARMUP_CALLS; k++) do_not_optimize(c.fn());
  for (const c of order) {
    const fn = c.fn;
    bench(c.name, () => do_not_optimize(fn()));
  }
  const result = await run({ format: "quiet", throw: true });
  const sample: Sample = {};
  for (const trial of result.benchmarks) {
    for (const r of trial.runs) {
      if (r.stats === undefined) throw new Error(`${r.name}: ${String(r.error)}`);
      sample[r.name] = 1e9 / r.stats.avg;
    }
  }
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

const WARMUP_CALLS = 2_000;

export function hasTaskset(): boolean {
  return spawnSync("taskset", ["-c", "0", "true"]).status === 0;
}

function show(file: BenchFile): void {
  for (const c of file.cases) {
    const out = c.fn();
    console.log(`--- ${c.name}\n${JSON.stringify(out, null, 1).replaceAll("\n", "")}`);
  }
}

/**
 * Runs one child process of a bench (`node <nodeArgs> --child --order=<order> <extra>`, pinned to
 * core 0 with `pin`) and returns the JSON object it printed last, or undefined if it failed.
 */
export function runChild(
  nodeArgs: readonly string[],
  order: string,
  pin: boolean,
  extra: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Sample | undefined {
  const argv = [...nodeArgs, "--child", `--order=${order}`, ...extra];
  const [cmd, args] = pin
    ? ["taskset", ["-c", "0", process.execPath, ...argv]]
    : [process.execPath, argv];
  const r = spawnSync(cmd, args as string[], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env,
  });
  if (r.status !== 0) return undefined;
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Sample;
}

function parent(file: BenchFile): void {
  const runs = Number(flag("runs") ?? 3);
  const pin = flag("no-pin") === undefined && hasTaskset();
  const script = process.argv[1]!;
  const samples: Sample[] = [];
  const orders: string[] = [];
  for (let k = 0; k < runs; k++) {
    const order = k % 2 === 0 ? "forward" : "reverse";
    orders.push(order);
    // --expose-gc: mitata then collects garbage before each case, so no case pays for another's.
    const sample = runChild(["--expose-gc", ...process.execArgv, script], order, pin);
    if (sample === undefined) {
      console.error(`child ${k + 1} (${order}) failed`);
      process.exit(1);
    }
    samples.push(sample);
  }

  console.log(`## ${file.title}\n`);
  console.log(
    `node ${process.version}, ${runs} process(es) in order ${orders.join("/")}, ` +
      `${pin ? "pinned with taskset -c 0" : "not pinned"}; medians.\n`,
  );
  const groups = [...new Set(file.cases.map((c) => c.group))];
  for (const g of groups) {
    console.log(`### ${g}\n`);
    console.log("| case | ops/s (median) | ns/op | ops/s of each run |");
    console.log("|---|---:|---:|---|");
    for (const c of file.cases.filter((x) => x.group === g)) {
      const each = samples.map((s) => s[c.name]!);
      const m = median(each);
      console.log(`| ${c.name} | ${fmtOps(m)} | ${fmtNs(m)} | ${each.map(fmtOps).join(" / ")} |`);
    }
    const comps = file.comparisons.filter((x) => x.group === g);
    if (comps.length > 0) {
      console.log("\n| subject | vs peer | ratio (median of per-run) | target | result |");
      console.log("|---|---|---:|---|---|");
      for (const cmp of comps) {
        const ops = median(samples.map((s) => s[cmp.subject]!));
        const ratio =
          cmp.peer === undefined
            ? undefined
            : median(samples.map((s) => s[cmp.subject]! / s[cmp.peer!]!));
        const targets: string[] = [];
        let pass = true;
        if (cmp.minRatio !== undefined && ratio !== undefined) {
          targets.push(`ratio ${cmp.strict ? ">" : "≥"} ${cmp.minRatio}`);
          pass &&= cmp.strict ? ratio > cmp.minRatio : ratio >= cmp.minRatio;
        }
        if (cmp.minOps !== undefined) {
          targets.push(`≥ ${fmtOps(cmp.minOps)} ops/s`);
          pass &&= ops >= cmp.minOps;
        }
        const verdict = targets.length === 0 ? (cmp.note ?? "info") : pass ? "PASS" : "FAIL";
        console.log(
          `| ${cmp.subject} | ${cmp.peer ?? "—"} | ${ratio === undefined ? "—" : `${ratio.toFixed(2)}×`} | ${targets.join(", ") || "—"} | ${verdict} |`,
        );
      }
    }
    console.log("");
  }
}

/** Entry point of a bench file. */
export async function main(file: BenchFile): Promise<void> {
  if (flag("child") !== undefined) await child(file);
  else if (flag("show") !== undefined) show(file);
  else parent(file);
}
