/**
 * Peak memory of `truestatus analyze` on big inputs: a deterministic 10,000,000-line combined log
 * (with worker threads, and with one) and a deterministic 500 MB HAR (streamed entry by entry).
 * Peak RSS from /usr/bin/time (%M, the whole process: main thread and workers).
 *
 *   npm run build && node --import tsx bench/analyze-rss.ts
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { generate } from "./gen-combined.js";
import { generateHar } from "./gen-har.js";

const LOG = "bench/out/combined-10000000.log";
const HAR = "bench/out/session-500mb.har";
if (!existsSync(LOG)) await generate(LOG, 10_000_000);
if (!existsSync(HAR)) await generateHar(HAR, 500);

interface Run {
  readonly name: string;
  readonly args: readonly string[];
  readonly limitMb: number;
}
const RUNS: readonly Run[] = [
  {
    name: "10M-line combined log, --jobs 2 (default on this machine)",
    args: [LOG, "--jobs", "2"],
    limitMb: 200,
  },
  { name: "10M-line combined log, --jobs 1", args: [LOG, "--jobs", "1"], limitMb: 200 },
  { name: "500 MB HAR", args: [HAR], limitMb: 400 },
];

console.log(`## analyze: peak RSS on big inputs\n`);
console.log(
  `${new Date().toISOString()}; node ${process.version}; /usr/bin/time -f %M (max RSS of the process, workers included).\n`,
);
console.log("| input | size | exchanges | wall s | peak RSS | target | result |");
console.log("|---|---:|---:|---:|---:|---|---|");
for (const r of RUNS) {
  const t = process.hrtime.bigint();
  const p = spawnSync(
    "/usr/bin/time",
    [
      "-f",
      "TS_RSS %M",
      process.execPath,
      "packages/cli/dist/cli/bin.js",
      "analyze",
      ...r.args,
      "--format",
      "json",
      "--fail-on",
      "none",
    ],
    { encoding: "utf8", maxBuffer: 1 << 30 },
  );
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  if (p.status !== 0) throw new Error(`${r.name}: exit ${p.status} ${p.stderr.slice(0, 400)}`);
  const kb = Number(/TS_RSS (\d+)/.exec(p.stderr)?.[1]);
  const summary = JSON.parse(p.stdout) as { exchanges: number; partial: boolean };
  const mb = kb / 1024;
  const size = statSync(r.args[0]!).size / 1e6;
  console.log(
    `| ${r.name} | ${size.toFixed(0)} MB | ${summary.exchanges.toLocaleString("en-US")}${summary.partial ? " (partial!)" : ""} | ${wall.toFixed(1)} | ${mb.toFixed(0)} MB | ≤ ${r.limitMb} MB | ${mb <= r.limitMb ? "PASS" : "FAIL"} |`,
  );
}
