/**
 * Fuzzes every line parser of the analyze sources (and the HAR splitter) with a fixed seed.
 *
 *   node --import tsx bench/fuzz-sources.ts                 # seed 20261124, 100,000 inputs per parser
 *   node --import tsx bench/fuzz-sources.ts --seed=7 --inputs=300000
 *
 * Inputs: real fixture lines (packages/cli/test/fixtures/logs, made by the real proxies) with 1–6 edits
 * (insert, delete, replace with format metacharacters), random strings over several alphabets,
 * and a fixed set of 1 MiB hostile lines (one fragment repeated) to find super-linear time.
 * A crash is any throw; a bad result is a record that breaks the contract (no reason, a location
 * that is not the one given, a non-integer status), or a line readFlat reads otherwise than parse. The slowest single input of each parser is
 * timed again (best of 5) and shown with its length. Exit code 1 on any crash or bad result.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { flatPath } from "../packages/cli/src/audit/flat.js";
import { type FlatRecord, isMalformed, type LineFormat } from "../packages/cli/src/audit/source.js";
import { alb } from "../packages/cli/src/audit/sources/alb.js";
import { decodeLine } from "../packages/cli/src/audit/sources/byte-lines.js";
import { caddy } from "../packages/cli/src/audit/sources/caddy.js";
import { clf, combined } from "../packages/cli/src/audit/sources/clf.js";
import { envoy } from "../packages/cli/src/audit/sources/envoy.js";
import { haproxy } from "../packages/cli/src/audit/sources/haproxy.js";
import { HarSplitter, HarSyntaxError } from "../packages/cli/src/audit/sources/har-split.js";
import { ndjsonFormat } from "../packages/cli/src/audit/sources/ndjson.js";
import { NGINX_COMBINED, nginxFormat } from "../packages/cli/src/audit/sources/nginx.js";
import { methodLabel } from "../packages/cli/src/audit/template.js";
import {
  edit,
  LOG_METACHARACTERS,
  mutated,
} from "../packages/cli/test/audit/sources/arbitraries.js";
import { NEW_PARSERS } from "../packages/cli/test/audit/sources/new-formats.js";
import { NGINX_LOG_FORMAT } from "../packages/cli/test/fixtures/make-fixtures.js";

function flag(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const SEED = Number(flag("seed") ?? 20261124);
const INPUTS = Number(flag("inputs") ?? 100_000);

const fixture = (name: string) =>
  readFileSync(new URL(`../packages/cli/test/fixtures/logs/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean);

const PARSERS: readonly (readonly [string, LineFormat, readonly string[]])[] = [
  ["clf", clf, fixture("nginx-combined.log")],
  ["combined", combined, fixture("nginx-combined.log")],
  ["nginx combined", nginxFormat(NGINX_COMBINED), fixture("nginx-combined.log")],
  ["nginx upstream", nginxFormat(NGINX_LOG_FORMAT), fixture("nginx-upstream.log")],
  ["envoy", envoy, fixture("envoy.log")],
  ["alb", alb, fixture("alb.log")],
  ["haproxy", haproxy, fixture("haproxy.log")],
  ["caddy", caddy, fixture("caddy.log")],
  ["ndjson", ndjsonFormat({}, fixture("caddy.log").slice(0, 5)), fixture("caddy.log")],
  // Issue 22's formats (W3C, S3, ELB, Traefik, ingress-nginx, GCP, Cloudflare, Kong, OTel,
  // custom HAProxy/Envoy formats, wrappers): one instance each (stateful ones keep their state).
  ...NEW_PARSERS.map(([name, make, lines]) => [name, make(), lines] as const),
];

function inputs(lines: readonly string[]): string[] {
  const mutatedLine = mutated(lines, LOG_METACHARACTERS);
  const random = fc.oneof(
    fc.string({ unit: "binary", maxLength: 400 }),
    fc.string({ unit: fc.constantFrom(...LOG_METACHARACTERS), maxLength: 400 }),
    fc.string({ maxLength: 400 }),
  );
  return fc.sample(
    fc.oneof({ weight: 3, arbitrary: mutatedLine }, { weight: 1, arbitrary: random }),
    {
      numRuns: INPUTS,
      seed: SEED,
    },
  );
}

const HOSTILE = [
  '"',
  "\\",
  '\\"',
  " ",
  " [",
  "[01/Jan/2024:00:00:00 +0000] ",
  ", ",
  " : ",
  "{",
  "\\x",
  '" "',
  "a",
  '{"a":',
  "#",
];

const flat: FlatRecord = {
  status: 0,
  method: "",
  size: 0,
  time: 0,
  bytes: new Uint8Array(0),
  pathStart: 0,
  targetEnd: 0,
};

/**
 * readFlat (the fast way in) of a line it accepts must read what parse reads: status, method,
 * body size, time and path, and nothing else counted. A line never holds '\n' (nor ends in '\r').
 */
function flatViolation(f: LineFormat, line: string): string | undefined {
  if (f.readFlat === undefined || line.includes("\n") || line.endsWith("\r")) return undefined;
  const bytes = Buffer.from(line, "utf8");
  if (!f.readFlat(bytes, 0, bytes.length, flat)) return undefined;
  const r = f.parse(decodeLine(bytes, 0, bytes.length), "fuzz.log", 42);
  if (r === undefined || isMalformed(r)) return "readFlat read a line parse refuses";
  const path = flatPath(flat.bytes, flat.pathStart, flat.targetEnd);
  // A path that is not ASCII: the engine parses the line whole.
  if (path === undefined) return undefined;
  if (
    r.response?.status !== flat.status ||
    methodLabel(r.request.method) !== flat.method ||
    (r.response?.size ?? -1) !== flat.size ||
    (r.time ?? Number.NaN) !== flat.time ||
    r.request.path !== path ||
    r.upstream !== undefined ||
    r.response?.headers !== undefined ||
    r.response?.body !== undefined
  )
    return "readFlat reads other fields than parse";
  return undefined;
}

function violation(f: LineFormat, line: string): string | undefined {
  const flatBad = flatViolation(f, line);
  if (flatBad !== undefined) return flatBad;
  const r = f.parse(line, "fuzz.log", 42);
  if (r === undefined) return undefined;
  if (isMalformed(r)) {
    if (r.file !== "fuzz.log" || r.line !== 42 || r.reason.length === 0)
      return "malformed record without file, line or reason";
    return undefined;
  }
  if (r.location.file !== "fuzz.log" || r.location.line !== 42) return "wrong location";
  if (r.response !== undefined && !Number.isInteger(r.response.status)) return "non-integer status";
  if (typeof r.request.method !== "string" || typeof r.request.path !== "string")
    return "no method or path";
  return undefined;
}

function time(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

let failed = false;
console.log(
  `## Fuzzing the analyze line parsers\n\nseed ${SEED}, ${INPUTS.toLocaleString("en-US")} generated inputs per parser, plus ${HOSTILE.length} hostile 1 MiB lines.\n`,
);
console.log(
  "| parser | inputs | exchanges | malformed | crashes | bad results | slowest input (ms, best of 5) |",
);
console.log("|---|---:|---:|---:|---:|---:|---|");
for (const [name, f, lines] of PARSERS) {
  const all = inputs(lines);
  for (const frag of HOSTILE) all.push(frag.repeat(Math.ceil((1 << 20) / frag.length)));
  let exchanges = 0;
  let malformedCount = 0;
  let crashes = 0;
  let bad = 0;
  const slow: { ms: number; line: string }[] = [];
  for (const line of all) {
    try {
      let r: ReturnType<LineFormat["parse"]>;
      const ms = time(() => {
        r = f.parse(line, "fuzz.log", 42);
      });
      slow.push({ ms, line });
      if (slow.length > 20) {
        slow.sort((a, b) => b.ms - a.ms);
        slow.length = 10;
      }
      if (r! !== undefined) {
        if (isMalformed(r!)) malformedCount++;
        else exchanges++;
      }
      const v = violation(f, line);
      if (v !== undefined) {
        bad++;
        if (bad <= 3) console.error(`${name}: ${v}: ${JSON.stringify(line.slice(0, 200))}`);
      }
    } catch (e) {
      crashes++;
      if (crashes <= 3)
        console.error(`${name}: crash ${String(e)} on ${JSON.stringify(line.slice(0, 200))}`);
    }
  }
  slow.sort((a, b) => b.ms - a.ms);
  let worst = { ms: 0, len: 0 };
  for (const s of slow.slice(0, 10)) {
    let best = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 5; k++)
      best = Math.min(
        best,
        time(() => f.parse(s.line, "fuzz.log", 42)),
      );
    if (best > worst.ms) worst = { ms: best, len: s.line.length };
  }
  if (crashes > 0 || bad > 0) failed = true;
  console.log(
    `| ${name} | ${all.length.toLocaleString("en-US")} | ${exchanges.toLocaleString("en-US")} | ${malformedCount.toLocaleString("en-US")} | ${crashes} | ${bad} | ${worst.ms.toFixed(2)} (${worst.len.toLocaleString("en-US")} chars) |`,
  );
}

// The HAR splitter: mutated documents fed in random chunk sizes; only HarSyntaxError may be thrown.
const doc = readFileSync(
  new URL("../packages/cli/test/fixtures/logs/chromium.har", import.meta.url),
  "utf8",
);
const docs = fc.sample(
  fc.tuple(
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat({ max: 10 }),
        fc.constantFrom(...LOG_METACHARACTERS, '"log"', '"entries"', "[", "]"),
      ),
      { minLength: 1, maxLength: 6 },
    ),
    fc.integer({ min: 1, max: 4096 }),
  ),
  { numRuns: Math.ceil(INPUTS / 50), seed: SEED },
);
let harCrashes = 0;
for (const [edits, size] of docs) {
  const s = edit(doc, edits);
  const splitter = new HarSplitter({ maxString: 256 });
  const bytes = Buffer.from(s);
  try {
    for (let i = 0; i < bytes.length; i += size) splitter.feed(bytes.subarray(i, i + size));
  } catch (e) {
    if (!(e instanceof HarSyntaxError)) {
      harCrashes++;
      if (harCrashes <= 3) console.error(`har splitter: ${String(e)}`);
    }
  }
}
if (harCrashes > 0) failed = true;
console.log(
  `\nHAR splitter: ${docs.length.toLocaleString("en-US")} mutated documents (${(doc.length / 1024).toFixed(0)} KiB each) in random chunk sizes, ${harCrashes} unexpected throws.`,
);
process.exitCode = failed ? 1 : 0;
