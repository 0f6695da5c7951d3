/**
 * Figures of `truestatus analyze` against its peers, every tool on the same file in the same run,
 * on two deterministic combined logs: the realistic mix of gen-combined.ts (2,000,000 lines) and
 * the incident day of gen-incident.ts (1,000,000 lines, two thirds failures). Peers: GoAccess
 * (Debian package), a bare Node line split (the floor of any Node tool: bench/split-lines.mjs).
 * Each tool runs as its own process, rounds in the order forward / reverse / forward …; wall
 * time and CPU time (user + system, /usr/bin/time) per run; ratios taken inside each round
 * (both sides saw the same machine state), medians.
 *
 *   npm run build && node --import tsx bench/analyze-figures.ts [--lines=2000000] [--incident-lines=1000000] [--rounds=3] [--only=mix|incident]
 *
 * Targets (issue 22), as same-run ratios of wall time, with `--jobs 2`: at least 0.40 of the
 * split's speed on the mix, 0.30 on the incident day, and 15× GoAccess on both. Single-threaded
 * tools are pinned to core 0 (taskset); the worker run uses both cores. On a shared machine the
 * wall times move with the neighbours: read the CPU-time columns too (and see bench/ab.sh).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { generate } from "./gen-combined.js";
import { generateIncident } from "./gen-incident.js";

function flag(name: string, def: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? def : Number(hit.slice(name.length + 3));
}
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);

const ROUNDS = flag("rounds", 3);
// bench/out is git-ignored: a fresh clone has none.
mkdirSync("bench/out", { recursive: true });
const BIN = "packages/cli/dist/cli/bin.js";
const pin = spawnSync("taskset", ["-c", "0", "true"]).status === 0 ? ["taskset", "-c", "0"] : [];

interface Dataset {
  readonly key: "mix" | "incident";
  readonly title: string;
  readonly file: string;
  readonly lines: number;
  readonly make: (file: string, lines: number) => Promise<void>;
  /** Least ratio of `--jobs 2`'s speed to the split's. */
  readonly splitTarget: number;
}

const DATASETS: readonly Dataset[] = [
  {
    key: "mix",
    title: "realistic mix (bench/gen-combined.ts)",
    lines: flag("lines", 2_000_000),
    file: `bench/out/combined-${flag("lines", 2_000_000)}.log`,
    make: generate,
    splitTarget: 0.4,
  },
  {
    key: "incident",
    title: "incident day, two thirds failures (bench/gen-incident.ts)",
    lines: flag("incident-lines", 1_000_000),
    file: `bench/out/incident-${flag("incident-lines", 1_000_000)}.log`,
    make: generateIncident,
    splitTarget: 0.3,
  },
];

const GOACCESS_TARGET = 15;

interface Case {
  readonly name: string;
  readonly cmd: readonly string[];
}

/** truestatus analyze on `file` with `jobs` worker threads, writing the JSON summary to /dev/null. */
const truestatus = (file: string, jobs: number, pinned: boolean): Case => ({
  name: `truestatus --jobs ${jobs}`,
  cmd: [
    ...(pinned ? pin : []),
    process.execPath,
    BIN,
    "analyze",
    file,
    ...["--format", "json", "-o", "/dev/null", "--jobs", String(jobs), "--fail-on", "none"],
  ],
});

const casesOf = (file: string): readonly Case[] => [
  {
    name: "goaccess",
    cmd: [...pin, "goaccess", file, "--log-format=COMBINED", "-o", "bench/out/goaccess.json"],
  },
  { name: "node split", cmd: [...pin, process.execPath, "bench/split-lines.mjs", file] },
  truestatus(file, 1, true),
  truestatus(file, 2, false),
];

const hasTime = existsSync("/usr/bin/time");

/** Wall seconds, and CPU seconds (user + system) and peak RSS from /usr/bin/time, of one run. */
function time(c: Case): { wall: number; cpu: number; rssKb: number } {
  const cmd = hasTime ? ["/usr/bin/time", "-f", "TS_TIME %U %S %M", ...c.cmd] : [...c.cmd];
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd[0]!, cmd.slice(1), {
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  const m = /TS_TIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  return m
    ? { wall, cpu: Number(m[1]) + Number(m[2]), rssKb: Number(m[3]) }
    : { wall, cpu: Number.NaN, rssKb: Number.NaN };
}

function load(): string {
  try {
    return spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" })
      .stdout.split(" ")
      .slice(0, 3)
      .join(" ");
  } catch {
    return "?";
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

console.log(
  `Started ${new Date().toISOString()}; node ${process.version}; ${ROUNDS} rounds (forward/reverse/…), one process per run, medians; ${pin.length ? "single-threaded tools pinned with taskset -c 0" : "not pinned"}.\n`,
);
for (const d of DATASETS) {
  if (only !== undefined && only !== d.key) continue;
  if (!existsSync(d.file)) await d.make(d.file, d.lines);
  const size = statSync(d.file).size;
  const cases = casesOf(d.file);
  const wall: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.name, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.name, []]));
  const rss: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.name, []]));
  const loads = [load()];
  for (let k = 0; k < ROUNDS; k++) {
    const order = k % 2 === 0 ? cases : [...cases].reverse();
    for (const c of order) {
      const s = time(c);
      wall[c.name]!.push(s.wall);
      cpu[c.name]!.push(s.cpu);
      rss[c.name]!.push(s.rssKb);
      process.stderr.write(
        `${d.key} round ${k + 1} ${c.name}: ${s.wall.toFixed(2)} s wall, ${s.cpu.toFixed(2)} s CPU\n`,
      );
    }
    loads.push(load());
  }
  const perRound = (a: string, b: string, of: Record<string, number[]>): number =>
    median(Array.from({ length: ROUNDS }, (_, k) => of[b]![k]! / of[a]![k]!));
  console.log(`## analyze: ${d.title}, ${fmt(d.lines)} lines (${(size / 1e6).toFixed(0)} MB)\n`);
  console.log(
    `Load average (1/5/15 min) at the start and after each round: ${loads.join(" → ")}.\n`,
  );
  console.log(
    "| tool | lines/s (median, wall) | wall s per run | CPU s per run (user+sys) | lines per CPU-second | peak RSS |",
  );
  console.log("|---|---:|---|---|---:|---:|");
  for (const c of cases)
    console.log(
      `| ${c.name} | ${fmt(d.lines / median(wall[c.name]!))} | ${wall[c.name]!.map((s) => s.toFixed(2)).join(" / ")} | ${cpu[c.name]!.map((s) => s.toFixed(2)).join(" / ")} | ${fmt(d.lines / median(cpu[c.name]!))} | ${(median(rss[c.name]!) / 1024).toFixed(0)} MB |`,
    );
  // Speed ratio of a to b in each round = b's time / a's time.
  const rows: [string, string, number, string][] = [
    ["truestatus --jobs 2", "goaccess", GOACCESS_TARGET, "×"],
    ["truestatus --jobs 2", "node split", d.splitTarget, ""],
    ["truestatus --jobs 1", "goaccess", 0, "×"],
    ["truestatus --jobs 1", "node split", 0, ""],
  ];
  console.log(
    "\n| subject | peer | speed ratio, wall (median of per-round) | per CPU-second | target | result |",
  );
  console.log("|---|---|---:|---:|---|---|");
  for (const [a, b, min, unit] of rows) {
    const r = perRound(a, b, wall);
    const c = perRound(a, b, cpu);
    const target = min === 0 ? "(info)" : `≥ ${min}${unit}`;
    console.log(
      `| ${a} | ${b} | ${r.toFixed(2)}${unit} | ${c.toFixed(2)}${unit} | ${target} | ${min === 0 ? "info" : r >= min ? "PASS" : "FAIL"} |`,
    );
  }
  console.log("");
}
