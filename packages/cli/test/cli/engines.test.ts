/**
 * `truestatus analyze --engine duckdb|clickhouse` and `truestatus sql` as a user runs them:
 * ClickHouse over real HTTP (its HTTP interface served from embedded ClickHouse, chdb:
 * test/helpers/clickhouse-http.ts) gives DuckDB's summary and the streaming engine's counts;
 * per-shard summaries merge into the summary of the whole; every bad input is one line, exit 2,
 * no stack, no password.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ClickHouseHttp,
  startClickHouseHttp,
} from "../../../../test/helpers/clickhouse-http.js";
import { closedPort } from "../../../../test/helpers/faulty-upstream.js";
import { isMalformed } from "../../src/audit/source.js";
import { openSource } from "../../src/audit/sources/open.js";
import { type ExchangeRow, toRow } from "../../src/audit/table/schema.js";
import { str } from "../../src/audit/table/sql.js";
import { parquetOf } from "../audit/table/engines.js";
import { NGINX_LOG_FORMAT } from "../fixtures/make-fixtures.js";
import { run } from "./run.js";

const BIN = join(import.meta.dirname, "../../dist/cli/bin.js");
/** The built CLI as a process (what reaches its real stderr, the ClickHouse client's logs too). */
function bin(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
  });
}

const dir = mkdtempSync(join(tmpdir(), "truestatus-engines-cli-"));
const PASSWORD = "s3cret-Pa55";
let ch: ClickHouseHttp;
let parquet: Awaited<ReturnType<typeof parquetOf>>;
let url: string;

/** nginx lines (NGINX_LOG_FORMAT) that make the table rules speak, over two days. */
function line(i: number): string {
  const kinds = [
    { status: 200, us: "200", wa: "-", ra: "-", auth: "Bearer x" },
    { status: 500, us: "504", wa: "-", ra: "-", auth: "-" }, // a masked upstream timeout
    { status: 500, us: "500", wa: "-", ra: "-", auth: "-" },
    { status: 401, us: "401", wa: "-", ra: "-", auth: "-" }, // no challenge
    { status: 401, us: "401", wa: 'Bearer realm=\\"api\\"', ra: "-", auth: "Bearer bad" },
    { status: 429, us: "429", wa: "-", ra: "-", auth: "Bearer x" }, // no Retry-After
    { status: 503, us: "503", wa: "-", ra: "120", auth: "-" },
    { status: 502, us: "502, 502", wa: "-", ra: "-", auth: "-" },
    { status: 404, us: "404", wa: "-", ra: "-", auth: "-" },
    { status: 204, us: "204", wa: "-", ra: "-", auth: "-" },
    { status: 499, us: "-", wa: "-", ra: "-", auth: "-" },
    { status: 401, us: "401", wa: "Basic", ra: "-", auth: "-" },
  ];
  const k = kinds[(i * 7) % kinds.length]!;
  const paths = ["/users/42", "/orders/7/items", "/health", `/things/${i}`];
  const day = i < 200 ? 24 : 25;
  const t = `${day}/Nov/2026:10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")} +0000`;
  const size = k.status === 204 ? (i % 2) * 10 : 100 + (i % 40);
  return `10.0.0.${i % 250} - - [${t}] "GET ${paths[i % paths.length]}?i=${i} HTTP/1.1" ${k.status} ${size} "-" "t/1" rt=0.010 us="${k.us}" ut="0.010" uct="0.001" uht="0.010" ua="10.1.0.1:80" wa="${k.wa}" ra="${k.ra}" auth="${k.auth}"`;
}
const LINES = Array.from({ length: 300 }, (_, i) => line(i));
const LOG = join(dir, "access.log");
writeFileSync(LOG, `${LINES.join("\n")}\n`);

async function rowsOf(file: string): Promise<ExchangeRow[]> {
  const opened = await openSource(file, { logFormat: NGINX_LOG_FORMAT });
  const rows: ExchangeRow[] = [];
  for await (const batch of opened.batches())
    for (const r of batch) if (!isMalformed(r)) rows.push(toRow(r));
  return rows;
}

interface Summary {
  exchanges: number;
  statuses: Record<string, number>;
  classes: Record<string, number>;
  untruthful: number;
  findings: Record<string, { count: number }>;
  sources: Record<string, unknown>;
}

const counts = (s: Summary) => ({
  exchanges: s.exchanges,
  statuses: s.statuses,
  classes: s.classes,
  untruthful: s.untruthful,
  findings: Object.fromEntries(Object.entries(s.findings).map(([k, v]) => [k, v.count])),
});

/** One line on stderr, exit 2, no stack, and the password nowhere. */
function oneLine(r: { code: number; out: string; err: string }, message: RegExp): void {
  expect(r.err).toMatch(message);
  expect(r.code).toBe(2);
  expect(r.err.trim().split("\n")).toHaveLength(1);
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(r.out + r.err).not.toContain(PASSWORD);
}

beforeAll(async () => {
  parquet = await parquetOf(await rowsOf(LOG));
  ch = await startClickHouseHttp({ password: PASSWORD });
  await ch.session.queryAsync(
    `CREATE TABLE default.exchanges ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM file(${str("clickhouse", parquet.path)}, Parquet)`,
  );
  await ch.session.queryAsync(
    "CREATE TABLE default.text_status (status String, method String, target String) ENGINE = MergeTree ORDER BY tuple()",
  );
  // ClickHouse's own nginx example table (the nginx-clickhouse preset's), with the same requests.
  await ch.session.queryAsync("CREATE DATABASE logs");
  await ch.session.queryAsync(
    "CREATE TABLE logs.nginx_logs (time_local DateTime, remote_addr IPv4, remote_user LowCardinality(String), request String, status UInt16, body_bytes_sent UInt64, http_referer String, http_user_agent String) ENGINE = MergeTree ORDER BY (toStartOfMinute(time_local), status, remote_addr)",
  );
  await ch.session.queryAsync(
    `INSERT INTO logs.nginx_logs SELECT toDateTime(intDiv(toInt64(time_ms), 1000), 'UTC'), toIPv4('10.0.0.1'), '', concat(method, ' ', target, ' HTTP/1.1'), toUInt16(status), toUInt64(size), '-', 't/1' FROM file(${str("clickhouse", parquet.path)}, Parquet)`,
  );
  const port = new URL(ch.url).port;
  url = `http://default:${PASSWORD}@127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  await ch?.close();
  await parquet?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe("analyze --engine clickhouse --url (ClickHouse's HTTP interface)", () => {
  it("gives DuckDB's summary of the same table, and the streaming engine's counts", async () => {
    const duck = await run([
      "analyze",
      "--engine",
      "duckdb",
      "--table",
      parquet.path,
      "--format",
      "json",
    ]);
    const click = await run([
      "analyze",
      "--engine",
      "clickhouse",
      "--url",
      url,
      "--table",
      "exchanges",
      "--format",
      "json",
    ]);
    expect(duck.err).toBe("");
    expect(click.err).toBe("");
    expect(click.code).toBe(1);
    expect(duck.code).toBe(1);
    // The same summary: the table's file column names the log in both.
    expect(click.out).toBe(duck.out);
    expect(Object.keys(JSON.parse(click.out).sources)).toEqual([LOG]);
    expect(click.out).not.toContain(PASSWORD);
    const s = JSON.parse(click.out) as Summary;
    expect(s.exchanges).toBe(300);
    expect(s.findings["500-masks-upstream-failure"]!.count).toBeGreaterThan(0);
    expect(s.findings["401-needs-www-authenticate"]!.count).toBeGreaterThan(0);
    // The streaming engine on the log: the same counts for every rule the table can feed.
    const streaming = JSON.parse(
      (await run(["analyze", LOG, "--log-format", NGINX_LOG_FORMAT, "--format", "json"])).out,
    ) as Summary;
    const c = counts(s);
    const sc = counts(streaming);
    expect(c.exchanges).toBe(sc.exchanges);
    expect(c.statuses).toEqual(sc.statuses);
    expect(c.classes).toEqual(sc.classes);
    expect(c.untruthful).toBe(sc.untruthful);
    for (const [id, n] of Object.entries(c.findings))
      expect([id, sc.findings[id]]).toEqual([id, n]);
    // The queries asked the server for read-only execution.
    expect(ch.queries.length).toBeGreaterThan(3);
  }, 120_000);

  it("renders the text report; the password is nowhere", async () => {
    const r = await run([
      "analyze",
      "--engine",
      "clickhouse",
      "--url",
      url,
      "--table",
      "exchanges",
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/500-masks-upstream-failure {2}error ×\d+/);
    expect(r.out).toMatch(/401-needs-www-authenticate/);
    expect(r.out + r.err).not.toContain(PASSWORD);
  }, 60_000);

  it("the password may come from CLICKHOUSE_PASSWORD", async () => {
    const r = await run(
      [
        "analyze",
        "--engine",
        "clickhouse",
        "--url",
        ch.url,
        "--table",
        "exchanges",
        "--format",
        "json",
      ],
      { CLICKHOUSE_PASSWORD: PASSWORD },
    );
    expect(r.err).toBe("");
    expect(JSON.parse(r.out).exchanges).toBe(300);
  }, 60_000);

  it("the nginx-clickhouse preset over ClickHouse's example table: the streaming engine's counts on the same requests", async () => {
    const r = await run([
      "analyze",
      "--engine",
      "clickhouse",
      "--url",
      url,
      "--columns",
      "nginx-clickhouse",
      "--format",
      "json",
      "--fail-on",
      "none",
    ]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as Summary;
    // The same requests as a combined log (what that table holds: no upstream, no headers).
    const combined = join(dir, "combined.log");
    writeFileSync(combined, `${LINES.map((l) => l.replace(/ rt=.*$/, "")).join("\n")}\n`);
    const streaming = JSON.parse(
      (
        await run([
          "analyze",
          combined,
          "--input-format",
          "clf",
          "--format",
          "json",
          "--fail-on",
          "none",
        ])
      ).out,
    ) as Summary;
    const c = counts(s);
    const sc = counts(streaming);
    expect(c.exchanges).toBe(300);
    expect(c.statuses).toEqual(sc.statuses);
    expect(c.classes).toEqual(sc.classes);
    for (const [id, n] of Object.entries(c.findings))
      expect([id, sc.findings[id]]).toEqual([id, n]);
    expect(c.findings["no-content-with-body"]).toBeGreaterThan(0);
  }, 60_000);

  it("per-day summaries (--where) merge into the summary of the whole", async () => {
    const whole = await run([
      "analyze",
      "--engine",
      "clickhouse",
      "--url",
      url,
      "--table",
      "exchanges",
      "--format",
      "json",
    ]);
    const parts: string[] = [];
    for (const [i, where] of ["time_ms < 1795564800000", "time_ms >= 1795564800000"].entries()) {
      const r = await run([
        "analyze",
        "--engine",
        "clickhouse",
        "--url",
        url,
        "--table",
        "exchanges",
        "--where",
        where,
        "--format",
        "json",
      ]);
      expect(r.err).toBe("");
      const p = join(dir, `day${i}.json`);
      writeFileSync(p, r.out);
      parts.push(p);
      expect(JSON.parse(r.out).exchanges).toBeGreaterThan(0);
    }
    const merged = await run(["analyze", "--merge", ...parts, "--format", "json"]);
    expect(merged.out).toBe(whole.out);
  }, 120_000);

  it("bad input: one line, exit 2, no stack, no password", async () => {
    const port = await closedPort();
    oneLine(
      await run([
        "analyze",
        "--engine",
        "clickhouse",
        "--url",
        `http://default:${PASSWORD}@127.0.0.1:${port}`,
        "--table",
        "exchanges",
      ]),
      /cannot reach ClickHouse at http:\/\/127\.0\.0\.1:\d+/,
    );
    oneLine(
      await run(["analyze", "--engine", "clickhouse", "--url", url, "--table", "no_such_table"]),
      /table no_such_table: Table default\.no_such_table does not exist/,
    );
    const badMap = join(dir, "bad-map.yaml");
    writeFileSync(badMap, "columns:\n  status: statuz\n  target: request\n");
    oneLine(
      await run([
        "analyze",
        "--engine",
        "clickhouse",
        "--url",
        url,
        "--table",
        "logs.nginx_logs",
        "--columns",
        badMap,
      ]),
      /column map: status: "statuz" does not work on table logs\.nginx_logs: .*statuz/,
    );
    oneLine(
      await run([
        "analyze",
        "--engine",
        "clickhouse",
        "--url",
        `http://default:wrong-${PASSWORD}@${new URL(ch.url).host}`,
        "--table",
        "exchanges",
      ]),
      /Authentication failed/,
    );
    oneLine(
      await run([
        "analyze",
        "--engine",
        "clickhouse",
        "--url",
        url,
        "--table",
        "exchanges",
        "--where",
        "nope_column = 1",
      ]),
      /^error: --where: .*nope_column/,
    );
  }, 60_000);

  it("the built CLI as a process: the one line is all stderr holds (the client's own logs are off)", async () => {
    const port = await closedPort();
    oneLine(
      await bin([
        "analyze",
        "--engine",
        "clickhouse",
        "--url",
        `http://default:${PASSWORD}@127.0.0.1:${port}`,
        "--table",
        "exchanges",
      ]),
      /^error: cannot reach ClickHouse at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/,
    );
    oneLine(
      await bin(["analyze", "--engine", "clickhouse", "--url", url, "--table", "no_such_table"]),
      /^error: table no_such_table: Table default\.no_such_table does not exist/,
    );
    const ok = await bin([
      "analyze",
      "--engine",
      "clickhouse",
      "--url",
      url,
      "--table",
      "exchanges",
      "--format",
      "json",
    ]);
    expect(ok.err).toBe("");
    expect(ok.code).toBe(1);
    expect(JSON.parse(ok.out).exchanges).toBe(300);
  }, 60_000);

  it("a table whose status is text: one line naming the column and its type", async () => {
    oneLine(
      await run(["analyze", "--engine", "clickhouse", "--url", url, "--table", "text_status"]),
      /^error: table text_status: status \("status"\) is String, the exchanges table's status is Int32: .*toInt32OrNull\(status\)/,
    );
  });

  it("a query that fails in the engine names the rule and quotes the engine", async () => {
    const map = join(dir, "failing-map.yaml");
    // Every column as it is, but WWW-Authenticate read through a conversion that fails on the rows
    // the 401 rule reads (only that rule's part of the query touches the column).
    writeFileSync(
      map,
      `columns:\n${["file", "line", "time_ms", "method", "target", "status", "size", "upstream_status", "credentials"].map((c) => `  ${c}: ${c}`).join("\n")}\n  www_authenticate: "toString(toInt32(assumeNotNull(method)))"\n`,
    );
    const r = await run([
      "analyze",
      "--engine",
      "clickhouse",
      "--url",
      url,
      "--table",
      "exchanges",
      "--columns",
      map,
    ]);
    oneLine(
      r,
      /^error: 401-needs-www-authenticate: the query failed in the engine: Cannot parse string 'GET' as Int32/,
    );
    const duckMap = join(dir, "failing-map-duckdb.yaml");
    writeFileSync(
      duckMap,
      `columns:\n${["file", "line", "time_ms", "method", "target", "status", "size", "upstream_status", "credentials"].map((c) => `  ${c}: ${c}`).join("\n")}\n  www_authenticate: "CAST(CAST(method AS INTEGER) AS VARCHAR)"\n`,
    );
    oneLine(
      await run(["analyze", "--engine", "duckdb", "--table", parquet.path, "--columns", duckMap]),
      /^error: 401-needs-www-authenticate: the query failed in the engine: Conversion Error: .*GET/,
    );
  }, 60_000);
});

describe("analyze --engine duckdb", () => {
  it("per-shard summaries (3 shards, each through DuckDB) merge into the summary of the whole", async () => {
    // Shards of one table by --where: the merged summary is the whole's, byte for byte.
    const whole = await run([
      "analyze",
      "--engine",
      "duckdb",
      "--table",
      parquet.path,
      "--format",
      "json",
    ]);
    const tableParts: string[] = [];
    for (let k = 0; k < 3; k++) {
      const r = await run([
        "analyze",
        "--engine",
        "duckdb",
        "--table",
        parquet.path,
        "--where",
        `line % 3 = ${k}`,
        "--format",
        "json",
      ]);
      expect(r.err).toBe("");
      const p = join(dir, `table-shard${k}.json`);
      writeFileSync(p, r.out);
      tableParts.push(p);
    }
    const mergedTable = await run(["analyze", "--merge", ...tableParts, "--format", "json"]);
    expect(mergedTable.out).toBe(whole.out);
    // Shards as files (a log split in three, each loaded into DuckDB): the counts of the whole.
    const fileParts: string[] = [];
    for (let k = 0; k < 3; k++) {
      const shard = join(dir, `shard${k}.log`);
      writeFileSync(shard, `${LINES.filter((_, i) => i % 3 === k).join("\n")}\n`);
      const r = await run([
        "analyze",
        "--engine",
        "duckdb",
        shard,
        "--log-format",
        NGINX_LOG_FORMAT,
        "--format",
        "json",
      ]);
      expect(r.err).toBe("");
      const p = join(dir, `shard${k}.json`);
      writeFileSync(p, r.out);
      fileParts.push(p);
    }
    const merged = JSON.parse(
      (await run(["analyze", "--merge", ...fileParts, "--format", "json"])).out,
    ) as Summary;
    const all = JSON.parse(
      (
        await run([
          "analyze",
          "--engine",
          "duckdb",
          LOG,
          "--log-format",
          NGINX_LOG_FORMAT,
          "--format",
          "json",
        ])
      ).out,
    ) as Summary;
    expect(counts(merged)).toEqual(counts(all));
    expect(all.exchanges).toBe(300);
    expect(Object.keys(merged.sources)).toHaveLength(3);
  }, 120_000);

  it.each([
    [
      ["analyze", "--engine", "duckdb", "--table", "no/such.parquet"],
      /--table no\/such\.parquet: no such file/,
    ],
    [["analyze", "--engine", "oracle", "x.log"], /Allowed choices are duckdb, clickhouse|oracle/],
    [
      ["analyze", "--engine", "duckdb", "--table", "PARQUET", "--columns", "no-such-preset"],
      /no-such-preset/,
    ],
    [["sql", "--dialect", "oracle"], /Allowed choices are duckdb, clickhouse, trino, bigquery/],
    [
      ["sql", "--dialect", "duckdb", "--columns", "nginx-clickhouse"],
      /written in clickhouse SQL, not duckdb/,
    ],
    [["analyze", "--table", "x.parquet"], /--table needs --engine/],
  ])("bad input %j: one line, exit 2, no stack", async (argv, message) => {
    const args = (argv as string[]).map((a) => (a === "PARQUET" ? parquet.path : a));
    oneLine(await run(args), message as RegExp);
  });

  it("a table file that is not one, a column of the wrong type, a bad --where: one line each", async () => {
    const corrupt = join(dir, "corrupt.parquet");
    writeFileSync(corrupt, "not parquet\n");
    oneLine(
      await run(["analyze", "--engine", "duckdb", "--table", corrupt]),
      /^error: --table .*corrupt\.parquet: Invalid Input Error: /,
    );
    // A CSV whose status column DuckDB reads as text (one value is not a number).
    const csv = join(dir, "text-status.csv");
    writeFileSync(csv, "status,method,target\n200,GET,/a\nabc,GET,/b\n");
    oneLine(
      await run(["analyze", "--engine", "duckdb", "--table", csv]),
      /^error: table .*text-status\.csv: status \("status"\) is VARCHAR, the exchanges table's status is INTEGER: convert it in a column map .*TRY_CAST\(status AS INTEGER\)/,
    );
    const good = join(dir, "good.csv");
    writeFileSync(good, "status,method,target,size\n200,GET,/a,10\n500,GET,/b,12\n");
    oneLine(
      await run(["analyze", "--engine", "duckdb", "--table", good, "--where", "nope = 1"]),
      /^error: --where: .*nope/,
    );
    const ok = await run(["analyze", "--engine", "duckdb", "--table", good, "--format", "json"]);
    expect(ok.err).toBe("");
    expect(JSON.parse(ok.out).statuses).toEqual({ "200": 1, "500": 1 });
  });

  it("a column map naming a column the Parquet table lacks", async () => {
    const badMap = join(dir, "bad-duck-map.yaml");
    writeFileSync(badMap, "columns:\n  status: statuz\n");
    oneLine(
      await run(["analyze", "--engine", "duckdb", "--table", parquet.path, "--columns", badMap]),
      /column map: status: "statuz" does not work on table .*exchanges\.parquet: .*statuz/,
    );
  });
});
