/**
 * Micro-bench of the line parsers: lines/s of each on a generated file (deterministic, 100,000
 * lines per format) against the floor, a bare Node line split of the same bytes (cut at '\n' in
 * pieces of about 32 KiB, each decoded once, indexOf('\n'), a slice per line: what any Node tool
 * pays before looking at a line). Same method as bench/harness.ts: 3 child processes in the order
 * forward / reverse / forward (one child process per format, so that each parser's call
 * site stays monomorphic as in the engine), each pinned with `taskset -c 0`; in each, a parser and its floor
 * run interleaved 9 times (after 2 warm-up runs each), the ratio parser ÷ floor is taken per
 * pair of runs and its median kept; the table gives medians over the processes.
 *
 *   node --import tsx bench/sources.ts [--runs=3] [--lines=100000] [--no-pin]
 *
 * Two more rows measure the whole source as the engine uses it, on a file on disk:
 * `openSource(file).batches()` (read stream + split + parse) against a read stream + bare split.
 */
import { isAscii } from "node:buffer";
import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LineFormat } from "../packages/cli/src/audit/source.js";
import { alb } from "../packages/cli/src/audit/sources/alb.js";
import { caddy } from "../packages/cli/src/audit/sources/caddy.js";
import { clf, combined } from "../packages/cli/src/audit/sources/clf.js";
import { envoy } from "../packages/cli/src/audit/sources/envoy.js";
import { haproxy } from "../packages/cli/src/audit/sources/haproxy.js";
import { ndjsonFormat } from "../packages/cli/src/audit/sources/ndjson.js";
import { NGINX_COMBINED, nginxFormat } from "../packages/cli/src/audit/sources/nginx.js";
import { openSource } from "../packages/cli/src/audit/sources/open.js";
import { NGINX_LOG_FORMAT } from "../packages/cli/test/fixtures/make-fixtures.js";
import { rng } from "./rng.js";

function flag(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (hit === undefined) return undefined;
  const eq = hit.indexOf("=");
  return eq === -1 ? "" : hit.slice(eq + 1);
}

const LINES = Number(flag("lines") ?? 100_000);

const PATHS = [
  "/api/users/",
  "/api/orders/",
  "/static/app.js?v=",
  "/api/items/",
  "/login?next=/x",
  "/health",
];
const STATUSES = [
  200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 429, 499, 500, 502, 503, 504,
];
const METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");

interface Gen {
  readonly name: string;
  readonly format: LineFormat;
  line(r: () => number, i: number): string;
}

function parts(r: () => number, i: number) {
  const t = Date.UTC(2026, 10, 24) + i * 37;
  const d = new Date(t);
  return {
    ip: `10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
    clf: `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`,
    iso: d.toISOString(),
    method: METHODS[Math.floor(r() * METHODS.length)]!,
    path: PATHS[Math.floor(r() * PATHS.length)]! + Math.floor(r() * 100000),
    status: STATUSES[Math.floor(r() * STATUSES.length)]!,
    size: Math.floor(r() * 50000),
    ms: Math.floor(r() * 3000),
  };
}

const UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

const GENS: readonly Gen[] = [
  {
    name: "clf",
    format: clf,
    line: (r, i) => {
      const p = parts(r, i);
      return `${p.ip} - - [${p.clf}] "${p.method} ${p.path} HTTP/1.1" ${p.status} ${p.size}`;
    },
  },
  {
    name: "combined",
    format: combined,
    line: (r, i) => {
      const p = parts(r, i);
      return `${p.ip} - - [${p.clf}] "${p.method} ${p.path} HTTP/1.1" ${p.status} ${p.size} "https://example.com/" "${UA}"`;
    },
  },
  {
    name: "nginx combined (compiled log_format)",
    format: nginxFormat(NGINX_COMBINED),
    line: (r, i) => {
      const p = parts(r, i);
      return `${p.ip} - - [${p.clf}] "${p.method} ${p.path} HTTP/1.1" ${p.status} ${p.size} "https://example.com/" "${UA}"`;
    },
  },
  {
    name: "nginx + upstream variables",
    format: nginxFormat(NGINX_LOG_FORMAT),
    line: (r, i) => {
      const p = parts(r, i);
      const s = (p.ms / 1000).toFixed(3);
      const retry = p.status >= 502 ? `502, ${p.status}` : String(p.status);
      return `${p.ip} - - [${p.clf}] "${p.method} ${p.path} HTTP/1.1" ${p.status} ${p.size} "-" "${UA}" rt=${s} us="${retry}" ut="${s}" uct="0.001" uht="${s}" ua="10.0.2.1:8080" wa="-" ra="-" auth="-"`;
    },
  },
  {
    name: "envoy",
    format: envoy,
    line: (r, i) => {
      const p = parts(r, i);
      const flags = p.status === 503 ? "UF" : p.status === 504 ? "UT" : "-";
      return `[${p.iso}] "${p.method} ${p.path} HTTP/1.1" ${p.status} ${flags} 0 ${p.size} ${p.ms} ${p.ms} "${p.ip}" "${UA}" "9f1c2a9e-${i}" "api.example.test" "10.0.2.1:8080"`;
    },
  },
  {
    name: "alb",
    format: alb,
    line: (r, i) => {
      const p = parts(r, i);
      const s = (p.ms / 1000).toFixed(3);
      return `https ${p.iso} app/lb/50dc6c495c0c9188 ${p.ip}:4000 10.0.0.1:80 0.001 ${s} 0.000 ${p.status} ${p.status} 120 ${p.size} "${p.method} https://api.example.test:443${p.path} HTTP/1.1" "${UA}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/api/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "api.example.test" "arn:aws:acm:us-east-2:123456789012:certificate/12345678" 1 ${p.iso} "forward" "-" "-" "10.0.0.1:80" "${p.status}" "-" "-" TID_1`;
    },
  },
  {
    name: "haproxy",
    format: haproxy,
    line: (r, i) => {
      const p = parts(r, i);
      const d = p.clf.slice(0, 20);
      return `<134>Nov 24 19:00:00 lb haproxy[1234]: ${p.ip}:5000 [${d}.${String(i % 1000).padStart(3, "0")}] fe be/app 0/0/1/${p.ms}/${p.ms + 1} ${p.status} ${p.size} - - ---- 10/10/5/5/0 0/0 "${p.method} ${p.path} HTTP/1.1"`;
    },
  },
  {
    name: "caddy",
    format: caddy,
    line: (r, i) => {
      const p = parts(r, i);
      return JSON.stringify({
        level: "info",
        ts: Date.UTC(2026, 10, 24) / 1000 + i,
        logger: "http.log.access.log0",
        msg: "handled request",
        request: {
          remote_ip: p.ip,
          remote_port: "4000",
          proto: "HTTP/1.1",
          method: p.method,
          host: "api.example.test",
          uri: p.path,
          headers: { "User-Agent": [UA], Accept: ["*/*"] },
        },
        bytes_read: 0,
        user_id: "",
        duration: p.ms / 1000,
        size: p.size,
        status: p.status,
        resp_headers: { Server: ["Caddy"], "Content-Type": ["application/json"] },
      });
    },
  },
  {
    name: "ndjson (pino-http)",
    format: ndjsonFormat({}, [
      '{"req":{"method":"GET","url":"/"},"res":{"statusCode":200},"responseTime":1,"time":1}',
    ]),
    line: (r, i) => {
      const p = parts(r, i);
      return JSON.stringify({
        level: 30,
        time: Date.UTC(2026, 10, 24) + i,
        req: { id: i, method: p.method, url: p.path },
        res: { statusCode: p.status },
        responseTime: p.ms,
      });
    },
  },
];

function generate(g: Gen): Buffer {
  const r = rng(20261124);
  const lines: string[] = [];
  for (let i = 0; i < LINES; i++) lines.push(g.line(r, i));
  return Buffer.from(`${lines.join("\n")}\n`);
}

const CHUNK = 256 * 1024;

/**
 * Text pieces of at most ~32 KiB, each ending just after a '\n' (bytes carried to the next chunk),
 * decoded once: latin1 when the bytes are ASCII (the same string, faster), else UTF-8. Pieces stay
 * under V8's 128 KiB large-object threshold, where a decoded string costs far more (see lines.ts).
 * This is the split the floor and every parser row share; only the work per line differs.
 */
class Pieces {
  private carry: Buffer | undefined;

  /** The complete lines of `raw` (with what was carried), as decoded pieces. */
  *push(raw: Buffer): Generator<string> {
    const chunk = this.carry === undefined ? raw : Buffer.concat([this.carry, raw]);
    const last = chunk.lastIndexOf(10);
    this.carry = last + 1 < chunk.length ? chunk.subarray(last + 1) : undefined;
    let from = 0;
    while (from <= last) {
      let to = last + 1;
      if (to - from > PIECE) {
        const nl = chunk.lastIndexOf(10, from + PIECE - 1);
        to = nl >= from ? nl + 1 : chunk.indexOf(10, from + PIECE) + 1;
      }
      const part = chunk.subarray(from, to);
      yield isAscii(part) ? part.toString("latin1") : part.toString("utf8");
      from = to;
    }
  }
}

function* pieces(buf: Buffer): Generator<string> {
  const p = new Pieces();
  for (let off = 0; off < buf.length; off += CHUNK)
    yield* p.push(buf.subarray(off, Math.min(buf.length, off + CHUNK)));
}

const PIECE = 32 * 1024;

/** The floor: split the bytes into line strings, touching each. */
function bareSplit(buf: Buffer): number {
  let n = 0;
  for (const text of pieces(buf)) {
    let start = 0;
    while (true) {
      const nl = text.indexOf("\n", start);
      if (nl === -1) break;
      const line = text.slice(start, nl);
      if (line.length > 0) n++;
      start = nl + 1;
    }
  }
  return n;
}

/** The same split, each line given to the parser. */
function parseAll(buf: Buffer, f: LineFormat): number {
  let n = 0;
  let lineNo = 0;
  for (const text of pieces(buf)) {
    let start = 0;
    while (true) {
      const nl = text.indexOf("\n", start);
      if (nl === -1) break;
      const r = f.parse(text.slice(start, nl), "bench", ++lineNo);
      if (r !== undefined && !("malformed" in r)) n++;
      start = nl + 1;
    }
  }
  return n;
}

/** A read stream (1 MiB reads, as the sources do) and the same bare split. */
async function streamSplit(path: string): Promise<number> {
  let n = 0;
  const p = new Pieces();
  for await (const raw of createReadStream(path, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    for (const text of p.push(raw)) {
      let start = 0;
      while (true) {
        const nl = text.indexOf("\n", start);
        if (nl === -1) break;
        const line = text.slice(start, nl);
        if (line.length > 0) n++;
        start = nl + 1;
      }
    }
  }
  return n;
}

async function sourceAll(path: string): Promise<number> {
  let n = 0;
  const src = await openSource(path);
  for await (const b of src.batches()) n += b.length;
  return n;
}

interface Group {
  readonly floor: string;
  readonly cases: readonly { readonly name: string; run(): number | Promise<number> }[];
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const REPS = 9;

async function timed(run: () => number | Promise<number>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const n = await run();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (n !== LINES) throw new Error(`${n} lines, expected ${LINES}`);
  return s;
}

/**
 * Each group's floor and subjects run interleaved, REPS times (order flipped every rep), so
 * that a noisy neighbour slows both sides of a ratio alike; lines/s and ratios are medians.
 */
async function child(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "truestatus-bench-sources-"));
  const groups: Group[] = [];
  // One format per process: a shared call site `format.parse` would be megamorphic across
  // formats and slow every parser down, which the engine (one format per file) never sees.
  for (const g of GENS.filter((_g, i) => i === Number(flag("format")))) {
    const buf = generate(g);
    groups.push({
      floor: `floor: bare split (${g.name} data)`,
      cases: [
        { name: `floor: bare split (${g.name} data)`, run: () => bareSplit(buf) },
        { name: g.name, run: () => parseAll(buf, g.format) },
      ],
    });
    if (g.name === "combined" || g.name === "nginx + upstream variables") {
      const path = join(work, `${g.name.replace(/\W+/g, "-")}.log`);
      writeFileSync(path, buf);
      const sfloor = `floor: read stream + bare split (${g.name} file)`;
      groups.push({
        floor: sfloor,
        cases: [
          { name: sfloor, run: () => streamSplit(path) },
          { name: `openSource(${g.name} file).batches()`, run: () => sourceAll(path) },
        ],
      });
    }
  }
  const ordered = groups;
  const linesPerSec: Record<string, number> = {};
  const ratios: Record<string, number> = {};
  const peers: Record<string, string> = {};
  for (const g of ordered) {
    for (const c of g.cases) {
      await timed(c.run);
      await timed(c.run);
    }
    const times: Record<string, number[]> = {};
    for (let k = 0; k < REPS; k++) {
      const cases = k % 2 === 0 ? g.cases : [...g.cases].reverse();
      for (const c of cases) {
        const list = times[c.name] ?? [];
        list.push(await timed(c.run));
        times[c.name] = list;
      }
    }
    const floorTimes = times[g.floor]!;
    for (const c of g.cases) {
      peers[c.name] = g.floor;
      linesPerSec[c.name] = LINES / median(times[c.name]!);
      ratios[c.name] = median(times[c.name]!.map((t, k) => floorTimes[k]! / t));
    }
  }
  rmSync(work, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ lines: linesPerSec, ratios, peers })}\n`);
}

function parent(): void {
  const runs = Number(flag("runs") ?? 3);
  const pin =
    flag("no-pin") === undefined && spawnSync("taskset", ["-c", "0", "true"]).status === 0;
  const samples: {
    lines: Record<string, number>;
    ratios: Record<string, number>;
    peers: Record<string, string>;
  }[] = [];
  for (let k = 0; k < runs; k++) {
    const order = k % 2 === 0 ? "forward" : "reverse";
    const formats = GENS.map((_g, i) => i);
    if (order === "reverse") formats.reverse();
    const merged = { lines: {}, ratios: {}, peers: {} } as (typeof samples)[number];
    for (const i of formats) {
      const args = [
        ...process.execArgv,
        process.argv[1]!,
        "--child",
        `--format=${i}`,
        `--lines=${LINES}`,
      ];
      const r = pin
        ? spawnSync("taskset", ["-c", "0", process.execPath, ...args], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
          })
        : spawnSync(process.execPath, args, {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
          });
      if (r.status !== 0) {
        console.error(`child ${k + 1} (format ${i}) failed`);
        process.exit(1);
      }
      const one = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as (typeof samples)[number];
      Object.assign(merged.lines, one.lines);
      Object.assign(merged.ratios, one.ratios);
      Object.assign(merged.peers, one.peers);
    }
    samples.push(merged);
  }
  const names = GENS.flatMap((g) =>
    Object.keys(samples[0]!.lines).filter((n) => n.includes(g.name) || n === g.name),
  );
  const unique = [...new Set(names)];
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(`## Line parsers vs a bare Node line split\n`);
  console.log(
    `node ${process.version}, ${LINES.toLocaleString("en-US")} lines per format, ${runs} process(es) forward/reverse/forward, ${pin ? "pinned with taskset -c 0" : "not pinned"}; medians.\n`,
  );
  console.log(
    "| case | lines/s (median) | lines/s of each run | ÷ floor (median of per-run ratios) |",
  );
  console.log("|---|---:|---|---:|");
  for (const n of unique) {
    const each = samples.map((s) => s.lines[n]!);
    const peer = samples[0]!.peers[n]!;
    const ratio = peer === n ? "—" : `${median(samples.map((s) => s.ratios[n]!)).toFixed(2)}×`;
    console.log(`| ${n} | ${fmt(median(each))} | ${each.map(fmt).join(" / ")} | ${ratio} |`);
  }
}

if (flag("child") !== undefined) await child();
else parent();
