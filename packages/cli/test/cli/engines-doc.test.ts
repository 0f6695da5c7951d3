/**
 * docs/engines.md cannot go stale, and what `truestatus sql` prints is SQL its engine takes: the
 * page's generated parts equal what scripts/gen-engines-doc.ts makes from the code; its SQL, put
 * back together, is what `truestatus sql` prints today; every printed query runs in DuckDB and in
 * ClickHouse (chdb), and parses with node-sql-parser's Trino and BigQuery grammars.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session } from "chdb";
import nodeSqlParser from "node-sql-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineDocRegions,
  PAGE,
  rewriteRegions,
  SHOWN_RULES,
  unpadTables,
} from "../../../../scripts/gen-engines-doc.js";
import type { Exchange } from "../../src/audit/exchange.js";
import { type DuckDBSession, openDuckDB, tableWriter } from "../../src/audit/table/duckdb.js";
import { toRow } from "../../src/audit/table/schema.js";
import { DIALECTS, type Dialect } from "../../src/audit/table/sql.js";
import { run } from "./run.js";

const page = readFileSync(PAGE, "utf8");

/** `truestatus sql` output as { title line → query without its final ";" }. */
async function printed(args: string[]): Promise<Map<string, string>> {
  const r = await run(["sql", ...args]);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  const out = new Map<string, string>();
  for (const block of r.out.split(/\n\n(?=-- )/).slice(1)) {
    const nl = block.indexOf("\n");
    out.set(block.slice(3, nl), block.slice(nl + 1).replace(/;\n?$/, ""));
  }
  return out;
}

/** The ```sql blocks of one generated region of the page. */
function pageBlocks(region: string): string[] {
  const m = new RegExp(
    `<!-- BEGIN GENERATED ${region} -->\\n([\\s\\S]*?)<!-- END GENERATED ${region} -->`,
  ).exec(page);
  expect(m, region).not.toBeNull();
  return [...m![1]!.matchAll(/```sql\n([\s\S]*?)\n```/g)].map((x) => x[1]!);
}

describe("docs/engines.md", () => {
  it("its generated parts are the code's (npm run gen:engines-doc rewrites them)", () => {
    expect(unpadTables(rewriteRegions(page, engineDocRegions()))).toBe(unpadTables(page));
    // Every column of the table, every preset, in the page.
    for (const c of ["time_ms", "upstream_status", "www_authenticate", "body_flagged"])
      expect(unpadTables(page)).toContain(`|\`${c}\`|`);
    expect(page).toContain("### `alb-athena` (trino)");
    expect(page).toContain("### `nginx-clickhouse` (clickhouse)");
  });

  it.each(DIALECTS)("its %s SQL for the two rules is what `truestatus sql` prints", async (d) => {
    const [withT, ...selects] = pageBlocks(`sql-${d}`);
    expect(selects).toHaveLength(SHOWN_RULES.length);
    const queries = await printed(["--dialect", d]);
    SHOWN_RULES.forEach((id, i) => {
      const title = [...queries.keys()].find((t) => t.startsWith(`${id} (`));
      expect(title, id).toBeDefined();
      expect(`${withT}\n${selects[i]}`).toBe(`${queries.get(title!)!};`);
    });
  });

  it("is linked from the README and docs/analyze.md", () => {
    const root = new URL("../../../../", import.meta.url);
    expect(readFileSync(new URL("README.md", root), "utf8")).toContain("docs/engines.md");
    expect(readFileSync(new URL("docs/analyze.md", root), "utf8")).toContain("engines.md");
  });
});

describe("what `truestatus sql` prints is SQL its engine takes", () => {
  let duck: DuckDBSession;
  let ch: Session;
  beforeAll(async () => {
    duck = await openDuckDB();
    const w = await tableWriter(duck, "exchanges");
    const base: Exchange = {
      format: "nginx",
      location: { file: "a.log", line: 1 },
      time: Date.UTC(2026, 10, 24),
      request: { method: "GET", target: "/users/42", path: "/users/42", headers: {} },
    };
    w.add(toRow({ ...base, response: { status: 401, headers: {} } }));
    w.add(
      toRow({
        ...base,
        response: { status: 500, headers: {} },
        upstream: { attempts: [{ status: 504 }] },
      }),
    );
    w.close();
    ch = new Session();
    await ch.queryAsync(
      `CREATE TABLE default.exchanges ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM file('${await parquet()}', Parquet)`,
    );
    await ch.queryAsync("CREATE DATABASE logs");
    await ch.queryAsync(
      "CREATE TABLE logs.nginx_logs (time_local DateTime, remote_addr IPv4, remote_user LowCardinality(String), request String, status UInt16, body_bytes_sent UInt64, http_referer String, http_user_agent String) ENGINE = MergeTree ORDER BY (toStartOfMinute(time_local), status, remote_addr)",
    );
    await ch.queryAsync(
      "INSERT INTO logs.nginx_logs VALUES ('2026-11-24 10:00:00', '10.0.0.1', '', 'GET /users/42 HTTP/1.1', 500, 12, '-', 'curl/8')",
    );
  }, 60_000);
  const dir = mkdtempSync(join(tmpdir(), "truestatus-engines-doc-"));
  afterAll(async () => {
    await duck?.close();
    ch?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The DuckDB table as Parquet, for ClickHouse to read the same rows. */
  async function parquet(): Promise<string> {
    const path = join(dir, "exchanges.parquet");
    await duck.connection.run(`COPY exchanges TO '${path}' (FORMAT parquet)`);
    return path;
  }

  it("DuckDB runs every query", async () => {
    const queries = await printed(["--dialect", "duckdb"]);
    expect(queries.size).toBeGreaterThan(10);
    let rows = 0;
    for (const [title, sql] of queries) {
      const r = await duck.all(sql).catch((e: Error) => {
        throw new Error(`${title}: ${e.message}`);
      });
      rows += r.length;
    }
    expect(rows).toBeGreaterThan(2);
  });

  it("ClickHouse runs every query, on the exchanges table and with the nginx-clickhouse preset", async () => {
    for (const args of [
      ["--dialect", "clickhouse"],
      ["--dialect", "clickhouse", "--columns", "nginx-clickhouse"],
    ]) {
      const queries = await printed(args);
      expect(queries.size).toBeGreaterThanOrEqual(2);
      for (const [title, sql] of queries)
        await ch.queryAsync(sql, { format: "JSONEachRow" }).catch((e: Error) => {
          throw new Error(`${title}: ${e.message}`);
        });
    }
    // The summary query over the preset's table counts the 500 (no upstream column: not a finding).
    const summary = (await printed(["--dialect", "clickhouse", "--columns", "nginx-clickhouse"]))
      .entries()
      .next().value!;
    const r = (await ch.queryAsync(summary[1], { format: "JSONEachRow" })).text();
    expect(JSON.parse(r.split("\n")[0]!).exchanges).toBe(1);
  });

  it.each([
    ["trino", []],
    ["trino", ["--columns", "alb-athena"]],
    ["bigquery", []],
  ] as [Dialect, string[]][])(
    "%s %j: every query parses with node-sql-parser's grammar",
    async (d, extra) => {
      const parser = new nodeSqlParser.Parser();
      const queries = await printed(["--dialect", d, ...extra]);
      expect(queries.size).toBeGreaterThanOrEqual(2);
      for (const [title, sql] of queries) {
        expect(() => parser.astify(sql, { database: d }), title).not.toThrow();
      }
      // The grammar rejects what is not SQL (the check can fail).
      const [, first] = [...queries.entries()][0]!;
      expect(() => parser.astify(first.replace("SELECT", "SELEKT"), { database: d })).toThrow();
    },
  );
});
