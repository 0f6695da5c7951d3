#!/usr/bin/env node
/**
 * The GitHub Action's entry (action.yml): runs `truestatus lint`, `probe` or `analyze` with SARIF
 * output, prints a summary, writes the step outputs, and exits with truestatus' exit code (0 nothing
 * new at or above fail-on, 1 findings, 2 usage or input error). Inputs come as INPUT_* environment
 * variables (never interpolated into a shell). Plain Node (>= 20), no dependencies: it runs the
 * published CLI through npx, or the one INPUT_CLI names (a checkout, and the tests).
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";

const env = process.env;
const input = (name, dflt = "") =>
  (env[`INPUT_${name.toUpperCase().replace(/-/g, "_")}`] ?? dflt).trim();

/** Splits extra arguments like a shell would for words and double/single quotes (no expansion). */
export function splitArgs(text) {
  const out = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(re))
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3]));
  return out;
}

function fail(message) {
  process.stderr.write(`truestatus action: ${message}\n`);
  process.exit(2);
}

const command = input("command", "lint");
if (!["lint", "probe", "analyze"].includes(command))
  fail(`command "${command}": expected lint, probe or analyze`);
const target = input("target");
if (target === "")
  fail(
    `${command} needs a target (input "target": ${command === "probe" ? "the URL to probe" : command === "lint" ? "the OpenAPI document" : "the files to analyze"})`,
  );
const sarif = input("sarif", "truestatus.sarif");
const failOn = input("fail-on", "error");
const argv = [
  command,
  ...(command === "analyze" ? splitArgs(target) : [target]),
  "--format",
  "sarif",
  "-o",
  sarif,
  "--fail-on",
  failOn,
];
if (input("baseline") !== "") argv.push("--baseline", input("baseline"));
if (input("write-baseline") !== "") argv.push("--write-baseline", input("write-baseline"));
if (command === "probe" && input("openapi") !== "") argv.push("--openapi", input("openapi"));
argv.push(...splitArgs(input("args")));
// The credential goes on the command line of the child only; it is never printed.
const secret = input("auth");
if (command === "probe" && secret !== "") argv.push("--auth", secret);

const cli = input("cli");
const version = input("version", "latest");
const [bin, args] =
  cli !== ""
    ? [process.execPath, [cli, ...argv]]
    : ["npx", ["--yes", "-p", `@truestatus/cli@${version}`, "truestatus", ...argv]];
const shown = argv.map((a) => (secret !== "" && a === secret ? "***" : a));
process.stdout.write(`truestatus ${shown.join(" ")}\n`);
const r = spawnSync(bin, args, { stdio: ["ignore", "inherit", "inherit"], env });
if (r.error) fail(`cannot run truestatus: ${r.error.message}`);
const code = r.status ?? 2;

let results = 0;
let fresh = 0;
const levels = { error: 0, warning: 0, note: 0 };
if (existsSync(sarif)) {
  try {
    const log = JSON.parse(readFileSync(sarif, "utf8"));
    for (const run of log.runs ?? [])
      for (const res of run.results ?? []) {
        results++;
        if (res.level in levels) levels[res.level]++;
        if (res.baselineState !== "unchanged") fresh++;
      }
  } catch {
    // a partial file: the exit code tells
  }
  process.stdout.write(
    `truestatus ${command}: ${results} result${results === 1 ? "" : "s"} (${levels.error} error, ${levels.warning} warning, ${levels.note} note), ${fresh} new; SARIF in ${sarif}\n`,
  );
}
if (env.GITHUB_OUTPUT)
  appendFileSync(
    env.GITHUB_OUTPUT,
    `sarif-file=${existsSync(sarif) ? sarif : ""}\nexit-code=${code}\nresults=${results}\nnew-results=${fresh}\n`,
  );
process.exit(code);
