/**
 * In-engine analysis against the streaming engine (issue 20): a deterministic access log of
 * `--rows` exchanges (nginx, a custom log_format with the upstream status, two response headers
 * and the Authorization header), and the same exchanges as a Parquet table of exchanges (made by
 * reading the log through truestatus' own nginx source, so both hold the same values). Then:
 *
 *   - the streaming engine on the text: `truestatus analyze LOG --log-format …`
 *   - DuckDB on the Parquet: `truestatus analyze --engine duckdb --table PARQUET`
 *
 * each under /usr/bin/time (wall time %e, peak RSS %M of the whole process), and checks that the
 * results are equal: exchanges, counts per status, per failure class, and per rule for every rule
 * the table runs. Targets: DuckDB ≤ 1/10 of the streaming time, DuckDB's peak RSS ≤ 1 GB.
 *
 *   npm run bench:engines -- --rows=50000000        (the figures: ~7.5 GB of text, ~1 GB Parquet)
 *   npm run bench:engines -- --rows=200000          (a smoke run)
 *
 * The data is kept in bench/out/ (made once per row count); --fresh makes it again.
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { RULES } from "../packages/cli/src/audit/rules/index.js";
import { isMalformed } from "../packages/cli/src/audit/source.js";
import { openSource } from "../packages/cli/src/audit/sources/open.js";
import { openDuckDB, tableWriter } from "../packages/cli/src/audit/table/duckdb.js";
import { isTableRule } from "../packages/cli/src/audit/table/form.js";
import {
  COLUMN_NAMES,
  COLUMNS,
  type ColumnSpec,
  toRow,
} from "../packages/cli/src/audit/table/schema.js";
import { rng } from "./rng.js";

const flag = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ROWS = Number(flag("rows") ?? 50_000_000);
const FRESH = process.argv.includes("--fresh");
if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error("--rows: a whole number ≥ 1");

export const LOG_FORMAT =
  '$remote_addr [$time_local] "$request" $status $body_bytes_sent us="$upstream_status" wa="$sent_http_www_authenticate" ra="$sent_http_retry_after" auth="$http_authorization"';

const OUT = "bench/out";
const LOG = join(OUT, `engines-${ROWS}.log`);
const PARQUET = join(OUT, `engines-${ROWS}.parquet`);
const BIN = "packages/cli/dist/cli/bin.js";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** [weight, status, upstream status, WWW-Authenticate, Retry-After, Authorization] */
type Kind = readonly [number, number, string, string, string, string];
const KINDS: readonly Kind[] = [
  [0.78, 200, "200", "-", "-", "Bearer t1"],
  [0.03, 201, "201", "-", "-", "Bearer t1"],
  [0.02, 204, "204", "-", "-", "Bearer t2"],
  [0.02, 304, "304", "-", "-", "-"],
  [0.02, 404, "404", "-", "-", "-"],
  [0.01, 401, "401", "-", "-", "-"],
  [0.01, 401, "401", "Bearer realm=\\x22api\\x22", "-", "-"],
  [0.005, 401, "401", "Bearer error=\\x22insufficient_scope\\x22", "-", "Bearer t3"],
  [0.005, 401, "401", "Bearer realm=", "-", "Bearer t4"],
  [0.01, 403, "403", "-", "-", "-"],
  [0.01, 403, "403", "-", "-", "Bearer t2"],
  [0.01, 429, "-", "-", "-", "Bearer t1"],
  [0.005, 429, "-", "-", "30", "Bearer t1"],
  [0.01, 500, "504", "-", "-", "Bearer t1"],
  [0.01, 500, "500", "-", "-", "Bearer t1"],
  [0.005, 500, "502, 504", "-", "-", "-"],
  [0.01, 502, "502", "-", "-", "-"],
  [0.005, 503, "-", "-", "-", "-"],
  [0.005, 503, "503", "-", "120", "-"],
  [0.005, 503, "503", "-", "soon", "-"],
  [0.005, 504, "504", "-", "-", "-"],
  [0.01, 499, "-", "-", "-", "-"],
];
const TOTAL = KINDS.reduce((s, k) => s + k[0], 0);

function pick(r: () => number): Kind {
  let x = r() * TOTAL;
  for (const k of KINDS) {
    x -= k[0];
    if (x < 0) return k;
  }
  return KINDS[0]!;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The log: same rows, same bytes. */
async function writeLog(path: string, rows: number): Promise<void> {
  const r = rng(20);
  const tmp = `${path}.part`;
  const out = createWriteStream(tmp);
  const start = Date.UTC(2026, 10, 24);
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    const k = pick(r);
    const t = new Date(start + Math.floor((i * 86_400_000) / rows));
    const time = `${pad(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} +0000`;
    const head = r() < 0.02;
    const route = Math.floor(r() * 4);
    const path =
      route === 0
        ? `/api/v1/users/${Math.floor(r() * 100000)}`
        : route === 1
          ? `/api/v1/orders/${Math.floor(r() * 5000)}/items`
          : route === 2
            ? "/health"
            : `/api/v1/search?q=${Math.floor(r() * 1000)}`;
    const status = k[1];
    // Some 204/304 and HEAD answers with a body: the size rules' findings.
    const size =
      status === 204 || status === 304 || head
        ? r() < 0.2
          ? 17
          : 0
        : 100 + Math.floor(r() * 4000);
    chunk += `10.0.${i % 250}.${(i >> 8) % 250} [${time}] "${head ? "HEAD" : "GET"} ${path} HTTP/1.1" ${status} ${size} us="${k[2]}" wa="${k[3]}" ra="${k[4]}" auth="${k[5]}"\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((res) => out.once("drain", () => res()));
      chunk = "";
    }
  }
  out.end(chunk);
  await new Promise<void>((res, rej) => {
    out.once("finish", () => res());
    out.once("error", rej);
  });
  renameSync(tmp, path);
}

/**
 * The Parquet table: the log read by truestatus' nginx source, each exchange's row (toRow), with
 * only the columns that source can tell (a column a log lacks is a capability the table lacks).
 */
async function writeParquet(log: string, path: string): Promise<void> {
  const opened = await openSource(log, { logFormat: LOG_FORMAT });
  const keep = COLUMN_NAMES.filter((c) => {
    const spec: ColumnSpec = COLUMNS[c];
    if (spec.header !== undefined) return opened.loggedHeaders?.response?.has(spec.header) === true;
    if (spec.requestHeader !== undefined)
      return opened.loggedHeaders?.request?.has(spec.requestHeader) === true;
    return spec.capability === undefined || opened.capabilities.has(spec.capability);
  });
  const duck = await openDuckDB({ memoryLimit: "1GB" });
  try {
    const w = await tableWriter(duck, "rows");
    for await (const batch of opened.batches())
      for (const rec of batch) {
        if (isMalformed(rec)) throw new Error(`${log}: a malformed line: ${rec.reason}`);
        w.add(toRow(rec));
      }
    w.close();
    const tmp = `${path}.part`;
    await duck.connection.run(
      `COPY (SELECT ${keep.map((c) => `"${c}"`).join(", ")} FROM "rows") TO '${tmp}' (FORMAT parquet, COMPRESSION zstd)`,
    );
    renameSync(tmp, path);
  } finally {
    await duck.close();
  }
}

interface Summary {
  exchanges: number;
  statuses: Record<string, number>;
  classes: Record<string, number>;
  findings: Record<string, { count: number }>;
  coverage: Record<string, { checked: number }>;
}

function measure(args: readonly string[]): { seconds: number; rssMb: number; summary: Summary } {
  const p = spawnSync(
    "/usr/bin/time",
    [
      "-f",
      "TS_TIME %e %M",
      process.execPath,
      BIN,
      "analyze",
      ...args,
      "--format",
      "json",
      "--fail-on",
      "none",
    ],
    { encoding: "utf8", maxBuffer: 1 << 30 },
  );
  const m = /TS_TIME ([\d.]+) (\d+)/.exec(p.stderr);
  if (p.status !== 0 || m === null)
    throw new Error(`analyze ${args.join(" ")}: exit ${p.status} ${p.stderr.slice(0, 600)}`);
  return { seconds: Number(m[1]), rssMb: Number(m[2]) / 1024, summary: JSON.parse(p.stdout) };
}

const TABLE_RULES = new Set(RULES.filter(isTableRule).map((r) => r.id));
function counts(s: Summary) {
  const findings: Record<string, number> = {};
  for (const id of [...TABLE_RULES].sort())
    if ((s.coverage[id]?.checked ?? 0) > 0) findings[id] = s.findings[id]?.count ?? 0;
  return { exchanges: s.exchanges, statuses: s.statuses, classes: s.classes, findings };
}

await mkdir(OUT, { recursive: true });
if (FRESH) for (const f of [LOG, PARQUET]) rmSync(f, { force: true });
if (!existsSync(LOG)) await writeLog(LOG, ROWS);
if (!existsSync(PARQUET)) await writeParquet(LOG, PARQUET);

const streaming = measure([LOG, "--log-format", LOG_FORMAT]);
const duck = measure(["--engine", "duckdb", "--table", PARQUET]);
const a = counts(streaming.summary);
const b = counts(duck.summary);
const equal = JSON.stringify(a) === JSON.stringify(b);
const ratio = duck.seconds / streaming.seconds;
const mb = (f: string) => `${(statSync(f).size / 1e6).toFixed(0)} MB`;

console.log("## engines: DuckDB on Parquet against the streaming engine on text\n");
console.log(
  `${new Date().toISOString()}; node ${process.version}; ${ROWS.toLocaleString("en-US")} exchanges; text ${mb(LOG)}, Parquet ${mb(PARQUET)}; /usr/bin/time (%e wall, %M peak RSS)\n`,
);
console.log("| engine | input | wall | peak RSS |");
console.log("|---|---|---:|---:|");
console.log(
  `| streaming (default --jobs) | text | ${streaming.seconds.toFixed(2)} s | ${streaming.rssMb.toFixed(0)} MB |`,
);
console.log(
  `| DuckDB (--engine duckdb --table) | Parquet | ${duck.seconds.toFixed(2)} s | ${duck.rssMb.toFixed(0)} MB |`,
);
console.log("");
console.log(
  `- time ratio DuckDB / streaming: ${ratio.toFixed(3)} (target ≤ 0.100: ${ratio <= 0.1 ? "PASS" : "FAIL"})`,
);
console.log(
  `- DuckDB peak RSS: ${duck.rssMb.toFixed(0)} MB (target ≤ 1024 MB: ${duck.rssMb <= 1024 ? "PASS" : "FAIL"})`,
);
console.log(
  `- results equal (exchanges, per status, per class, per rule for ${Object.keys(b.findings).length} rules): ${equal ? "yes" : "NO"}`,
);
console.log(`- findings per rule: ${JSON.stringify(b.findings)}`);
if (!equal) {
  console.log(`\nstreaming: ${JSON.stringify(a)}\nduckdb:    ${JSON.stringify(b)}`);
  process.exitCode = 1;
}
