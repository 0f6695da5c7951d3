/**
 * Registers `truestatus sql`; the command's code (sql-run.ts: the rules, the column maps, YAML)
 * loads when it runs, not when the CLI starts.
 */
import { type Command, Option } from "commander";
import { PRESETS } from "../audit/table/presets.js";
import { DIALECTS } from "../audit/table/sql.js";
import { UsageError } from "./errors.js";
import type { Io } from "./output.js";
import type { SqlFlags } from "./sql-run.js";

export function registerSql(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command("sql")
    .description(
      "print the rules as SQL for your own table: DuckDB, ClickHouse, Trino (Athena) or BigQuery",
    )
    .addOption(
      new Option("--dialect <dialect>", "the SQL dialect")
        .choices([...DIALECTS])
        .makeOptionMandatory(),
    )
    .option("--table <name>", "the table (default: the column map's, else exchanges)")
    .option(
      "--columns <map>",
      `a column map (YAML) or a preset: ${Object.entries(PRESETS)
        .map(([k, p]) => `${k} (${p.dialect})`)
        .join(", ")}`,
    )
    .option("--where <sql>", "only the rows this SQL condition selects (a day, a partition)")
    .addOption(
      new Option("--limit <n>", "findings listed per rule (default 100)").argParser((v) => {
        if (!/^[1-9]\d{0,8}$/.test(v)) throw new UsageError("--limit: expected a whole number");
        return Number(v);
      }),
    )
    .addHelpText(
      "after",
      `
Examples:
  truestatus sql --dialect clickhouse --columns nginx-clickhouse
  truestatus sql --dialect trino --columns alb-athena --where "day = '2026/11/24'"
  truestatus sql --dialect bigquery --table myproject.logs.exchanges

A table whose columns are named as in docs/engines.md needs no column map.`,
    )
    .action(async (flags: SqlFlags) => {
      const { runSql } = await import("./sql-run.js");
      done(await runSql(flags, io));
    });
}
