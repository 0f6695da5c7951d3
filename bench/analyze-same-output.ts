/**
 * Checks that a change to `truestatus analyze` keeps its output: runs a previous build and this
 * build on the same input with `--jobs 1` and `--jobs 2` and compares the JSON summaries byte
 * for byte (the summary has no timing fields). Exit 1 on any difference.
 *
 *   # a previous build, e.g. of main, with this checkout's node_modules:
 *   mkdir -p /tmp/old && git archive main | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/
 *   (cd /tmp/old && npm run build)
 *   npm run build && node --import tsx bench/analyze-same-output.ts /tmp/old [file]
 *
 * The default input is bench/out/combined-2000000.log (bench/gen-combined.ts).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";

const [oldRoot, file = "bench/out/combined-2000000.log"] = process.argv.slice(2);
/** The built CLI of a checkout: packages/cli/dist (workspaces) or dist (before the split). */
function binOf(root: string): string {
  const split = join(root, "packages/cli/dist/cli/bin.js");
  return existsSync(split) ? split : join(root, "dist/cli/bin.js");
}

if (oldRoot === undefined || !existsSync(binOf(oldRoot))) {
  process.stderr.write("usage: analyze-same-output.ts <root of a previous build> [file]\n");
  process.exit(2);
}

function summary(root: string, jobs: number): string {
  const r = spawnSync(
    process.execPath,
    [binOf(root), "analyze", file, "--format", "json", "--jobs", String(jobs)],
    { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`${root} --jobs ${jobs} exited ${r.status}: ${r.stderr.slice(0, 300)}`);
  return r.stdout;
}

const digest = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);
let failed = false;
for (const jobs of [1, 2]) {
  const before = summary(oldRoot, jobs);
  const after = summary(".", jobs);
  const same = before === after && before.length > 0;
  failed ||= !same;
  process.stdout.write(
    `--jobs ${jobs}: previous ${digest(before)} (${before.length} bytes), this ${digest(after)} (${after.length} bytes): ${same ? "SAME" : "DIFFERENT"}\n`,
  );
}
process.stdout.write(failed ? "FAIL\n" : "PASS: identical JSON summaries\n");
process.exitCode = failed ? 1 : 0;
