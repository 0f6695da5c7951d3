/**
 * `truestatus sql --dialect <d>`: prints the rules as SQL for the user's own table and column
 * names (a column map, or a shipped preset). Nothing is run; `analyze --engine` runs them. Loaded
 * when the command runs (sql.ts registers it).
 */
import { RULES } from "../audit/rules/index.js";
import { type ColumnMap, loadColumnMap, mapColumns } from "../audit/table/columns.js";
import { tableSql } from "../audit/table/entry.js";
import { isEngineError } from "../audit/table/errors.js";
import { printQueries } from "../audit/table/print.js";
import { COLUMN_NAMES } from "../audit/table/schema.js";
import { type Dialect, ident } from "../audit/table/sql.js";
import { EXIT, UsageError } from "./errors.js";
import type { Io } from "./output.js";

export interface SqlFlags {
  readonly dialect: Dialect;
  readonly table?: string;
  readonly columns?: string;
  readonly where?: string;
  readonly limit?: number;
}

export async function runSql(flags: SqlFlags, io: Io): Promise<number> {
  let map: ColumnMap | undefined;
  try {
    map = flags.columns === undefined ? undefined : await loadColumnMap(flags.columns);
  } catch (e) {
    if (isEngineError(e)) throw new UsageError(e.message);
    throw e;
  }
  if (map?.dialect !== undefined && map.dialect !== flags.dialect)
    throw new UsageError(
      `--columns ${flags.columns}: the map is written in ${map.dialect} SQL, not ${flags.dialect} (give --dialect ${map.dialect})`,
    );
  const d = flags.dialect;
  const table = flags.table ?? map?.table ?? "exchanges";
  const columns =
    map === undefined
      ? Object.fromEntries(COLUMN_NAMES.map((c) => [c, ident(d, c)]))
      : mapColumns(map, d);
  const { queries, skipped } = printQueries({
    dialect: d,
    relation: {
      from: tableSql(d, table),
      columns,
      ...(flags.where === undefined ? {} : { where: flags.where }),
    },
    rules: RULES,
    ...(flags.limit === undefined ? {} : { limit: flags.limit }),
  });
  const out: string[] = [
    `-- truestatus rules as ${d} SQL over ${table}${flags.columns === undefined ? "" : ` (columns: ${flags.columns})`}`,
    "-- The exchanges table and its columns: docs/engines.md. Each query stands alone.",
  ];
  for (const s of skipped)
    out.push(`-- not checked: ${s.rule} (the table has no ${s.missing.join(", ")})`);
  for (const q of queries) out.push("", `-- ${q.title}`, `${q.sql};`);
  io.stdout.write(`${out.join("\n")}\n`);
  return EXIT.ok;
}
