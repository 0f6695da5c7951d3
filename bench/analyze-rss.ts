/**
 * Peak memory of `truestatus analyze` on big inputs: a deterministic 10,000,000-line combined log
 * (with worker threads, and with one), a deterministic 500 MB HAR (streamed entry by entry), and a
 * 10,000,000-line log in each format of issue 22 (bench/gen-formats.ts; the W3C log changes its
 * #Fields every 1,000 lines). Peak RSS from /usr/bin/time (%M, the whole process: main thread and
 * workers). Each format's log is written, measured and deleted in turn (they are 1-4 GB each).
 *
 *   npm run build && node --import tsx bench/analyze-rss.ts [--lines=10000000] [--only=w3c,s3,...] [--formats-only]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { generate } from "./gen-combined.js";
import { FORMATS, generateFormat } from "./gen-formats.js";
import { generateHar } from "./gen-har.js";

const flag = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const LINES = Number(flag("lines") ?? 10_000_000);
const ONLY = flag("only")?.split(",");
const FORMATS_ONLY = process.argv.includes("--formats-only");

const LOG = "bench/out/combined-10000000.log";
const HAR = "bench/out/session-500mb.har";
mkdirSync("bench/out", { recursive: true });
if (!FORMATS_ONLY && !existsSync(LOG)) await generate(LOG, 10_000_000);
if (!FORMATS_ONLY && !existsSync(HAR)) await generateHar(HAR, 500);

interface Run {
  readonly name: string;
  readonly args: readonly string[];
  readonly limitMb: number;
}
const RUNS: readonly Run[] = FORMATS_ONLY
  ? []
  : [
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
  `${new Date().toISOString()}; node ${process.version}; /usr/bin/time -f %M (max RSS of the process, workers included). Timings are not recorded here.\n`,
);
console.log("| input | size | exchanges | malformed | peak RSS | target | result |");
console.log("|---|---:|---:|---:|---:|---|---|");

function measure(name: string, args: readonly string[], limitMb: number, file: string): boolean {
  const p = spawnSync(
    "/usr/bin/time",
    [
      "-f",
      "TS_RSS %M",
      process.execPath,
      "packages/cli/dist/cli/bin.js",
      "analyze",
      ...args,
      "--format",
      "json",
      "--fail-on",
      "none",
    ],
    { encoding: "utf8", maxBuffer: 1 << 30 },
  );
  if (p.status !== 0) throw new Error(`${name}: exit ${p.status} ${p.stderr.slice(0, 400)}`);
  const kb = Number(/TS_RSS (\d+)/.exec(p.stderr)?.[1]);
  const summary = JSON.parse(p.stdout) as {
    exchanges: number;
    partial: boolean;
    malformed: { count: number };
  };
  const mb = kb / 1024;
  const size = statSync(file).size / 1e6;
  const ok = mb <= limitMb;
  console.log(
    `| ${name} | ${size.toFixed(0)} MB | ${summary.exchanges.toLocaleString("en-US")}${summary.partial ? " (partial!)" : ""} | ${summary.malformed.count.toLocaleString("en-US")} | ${mb.toFixed(0)} MB | ≤ ${limitMb} MB | ${ok ? "PASS" : "FAIL"} |`,
  );
  return ok;
}

let failed = false;
for (const r of RUNS) if (!measure(r.name, r.args, r.limitMb, r.args[0]!)) failed = true;
for (const name of Object.keys(FORMATS)) {
  if (ONLY !== undefined && !ONLY.includes(name)) continue;
  const { path, args } = await generateFormat("bench/out", name, LINES);
  try {
    if (!measure(`${LINES.toLocaleString("en-US")}-line ${name}`, [path, ...args], 200, path))
      failed = true;
  } finally {
    rmSync(path, { force: true });
  }
}
if (failed) process.exitCode = 1;
