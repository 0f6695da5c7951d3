/**
 * Engines for the table tests: DuckDB as the CLI opens it, and ClickHouse embedded (chdb), which
 * reads the same Parquet file the DuckDB table is written to.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { queryAsync } from "chdb";
import { type DuckDBSession, openDuckDB, tableWriter } from "../../../src/audit/table/duckdb.js";
import type { Executor } from "../../../src/audit/table/run.js";
import type { ExchangeRow } from "../../../src/audit/table/schema.js";
import { str } from "../../../src/audit/table/sql.js";

/** ClickHouse in process: each query runs alone (chdb keeps no session here). */
export const chdb: Executor = {
  dialect: "clickhouse",
  async all(sql) {
    const r = await queryAsync(sql, { format: "JSONEachRow" });
    const text = r.text();
    return text
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  },
  async close() {},
};

/** A Parquet file of rows, written by DuckDB; removed by the returned function. */
export async function parquetOf(rows: Iterable<ExchangeRow>): Promise<{
  path: string;
  duck: DuckDBSession;
  cleanup: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), "truestatus-table-"));
  const path = join(dir, "exchanges.parquet");
  const duck = await openDuckDB();
  const w = await tableWriter(duck, "exchanges");
  for (const r of rows) w.add(r);
  w.close();
  await duck.connection.run(`COPY exchanges TO ${str("duckdb", path)} (FORMAT parquet)`);
  return {
    path,
    duck,
    cleanup: async () => {
      await duck.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
