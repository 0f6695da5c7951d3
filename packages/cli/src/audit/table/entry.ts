/**
 * What `truestatus analyze --engine …` and `truestatus sql` do with their options: pick the
 * engine, read the column map, check the table and the map against the engine (one line naming
 * what is wrong, before any rule runs), and run.
 */
import { existsSync } from "node:fs";
import type { AnalyzeResult } from "../analyze.js";
import type { Rule } from "../rule.js";
import type { Summary } from "../summary.js";
import { analyzeTable, analyzeWithDuckDB, type EngineAnalyzeOptions } from "./analyze.js";
import { openClickHouse, safeUrl } from "./clickhouse.js";
import { type ColumnMap, loadColumnMap, mapColumns } from "./columns.js";
import { openDuckDB, parquetNullColumns, tableFunction } from "./duckdb.js";
import { EngineError, firstLine } from "./errors.js";
import type { Executor } from "./run.js";
import { COLUMN_NAMES, COLUMNS, type ColumnName, type ColumnType } from "./schema.js";
import { type Dialect, ident, sqlType } from "./sql.js";

export interface EngineFlags {
  readonly engine: "duckdb" | "clickhouse";
  readonly table?: string;
  readonly columns?: string;
  readonly url?: string;
  readonly where?: string;
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$/;

/** A table name as SQL: each dotted part quoted; anything else (a table function) as written. */
export function tableSql(d: Dialect, name: string): string {
  return TABLE_NAME.test(name)
    ? name
        .split(".")
        .map((p) => ident(d, p))
        .join(".")
    : name;
}

/** The kind of value an engine's column type holds, as the rules compare it. */
export function typeFamily(engineType: string): "number" | "varchar" | "boolean" | "other" {
  const t = engineType
    .replace(/^(Nullable|LowCardinality)\((.*)\)$/, "$2")
    .replace(/^(Nullable|LowCardinality)\((.*)\)$/, "$2")
    .toUpperCase();
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|U?INT\d+|DOUBLE|FLOAT\d*|REAL|DECIMAL.*)$/.test(t))
    return "number";
  if (/^(VARCHAR|STRING|TEXT|FIXEDSTRING.*|ENUM.*)$/.test(t)) return "varchar";
  if (/^(BOOL|BOOLEAN)$/.test(t)) return "boolean";
  return "other";
}

const EXPECTED: Readonly<Record<ColumnType, "number" | "varchar" | "boolean">> = {
  varchar: "varchar",
  integer: "number",
  bigint: "number",
  double: "number",
  boolean: "boolean",
};

/**
 * Checks that the table exists and that every column the map names is there and holds the kind of
 * value the rules compare it with (a status read as text would fail, or compare wrong, in every
 * query), one query each (LIMIT 0: nothing is read), so that a mistake is one line naming it.
 */
export async function checkRelation(
  ex: Executor,
  from: string,
  table: string,
  map: Partial<Record<ColumnName, string>>,
  raw: Partial<Record<ColumnName, string>>,
  where: string | undefined,
): Promise<void> {
  try {
    await ex.all(`SELECT 1 AS x FROM ${from} LIMIT 0`);
  } catch (e) {
    throw new EngineError("TRUESTATUS_ENGINE_INPUT", `table ${table}: ${firstLine(e)}`);
  }
  for (const c of COLUMN_NAMES) {
    const sql = map[c];
    if (sql === undefined) continue;
    let described: Record<string, unknown>[];
    try {
      described = await ex.all(`DESCRIBE (SELECT ${sql} AS x FROM ${from} LIMIT 0)`);
    } catch (e) {
      throw new EngineError(
        "TRUESTATUS_ENGINE_INPUT",
        `column map: ${c}: ${JSON.stringify(raw[c])} does not work on table ${table}: ${firstLine(e)}`,
      );
    }
    const row = described[0];
    const type = String(row?.column_type ?? row?.type ?? "");
    const want: ColumnType = COLUMNS[c].type;
    const got = typeFamily(type);
    if (type !== "" && got !== EXPECTED[want] && !(want === "varchar" && got === "other"))
      throw new EngineError(
        "TRUESTATUS_ENGINE_INPUT",
        `table ${table}: ${c} (${JSON.stringify(raw[c])}) is ${type}, the exchanges table's ${c} is ${sqlType(ex.dialect, want).replace(/^Nullable\((.*)\)$/, "$1")}: convert it in a column map (docs/engines.md), e.g. ${c}: ${convertHint(ex.dialect, want, raw[c] ?? c)}`,
      );
  }
  if (where !== undefined)
    try {
      await ex.all(`SELECT 1 AS x FROM ${from} WHERE ${where} LIMIT 0`);
    } catch (e) {
      throw new EngineError("TRUESTATUS_ENGINE_INPUT", `--where: ${firstLine(e)}`);
    }
}

function convertHint(d: Dialect, t: ColumnType, col: string): string {
  if (d === "clickhouse")
    return t === "varchar"
      ? `toString(${col})`
      : `to${t === "double" ? "Float64" : t === "bigint" ? "Int64" : t === "boolean" ? "Bool" : "Int32"}OrNull(${col})`;
  return `TRY_CAST(${col} AS ${sqlType(d, t)})`;
}

/** Credentials from the URL or from CLICKHOUSE_USER / CLICKHOUSE_PASSWORD; never printed. */
function clickhouseLogin(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
): { url: string; username?: string; password?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new EngineError("TRUESTATUS_ENGINE_INPUT", `--url ${JSON.stringify(url)} is not a URL`);
  }
  const username = u.username !== "" ? decodeURIComponent(u.username) : env.CLICKHOUSE_USER;
  const password = u.password !== "" ? decodeURIComponent(u.password) : env.CLICKHOUSE_PASSWORD;
  u.username = "";
  u.password = "";
  return {
    url: u.toString(),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

export interface EngineRun {
  readonly inputs: readonly string[];
  readonly flags: EngineFlags;
  readonly options: EngineAnalyzeOptions & { readonly rules?: readonly Rule[] };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** `analyze --engine`: the summary, as analyzeInputs gives it. */
export async function analyzeByEngine(r: EngineRun): Promise<AnalyzeResult> {
  const { flags, options } = r;
  const maxFindings = options.maxFindings;
  const common = {
    ...(options.rules === undefined ? {} : { rules: options.rules }),
    ...(maxFindings === undefined ? {} : { maxFindings }),
    ...(options.templateLimit === undefined ? {} : { templateLimit: options.templateLimit }),
    ...(flags.where === undefined ? {} : { where: flags.where }),
  };
  const map: ColumnMap | undefined =
    flags.columns === undefined ? undefined : await loadColumnMap(flags.columns);
  if (flags.engine === "duckdb") {
    if (flags.table === undefined) {
      if (r.inputs.length === 0)
        throw new EngineError(
          "TRUESTATUS_ENGINE_INPUT",
          "--engine duckdb needs inputs (log files, HAR files) or --table <file.parquet|csv|ndjson>",
        );
      if (map !== undefined || flags.where !== undefined)
        throw new EngineError(
          "TRUESTATUS_ENGINE_INPUT",
          "--columns and --where apply to a --table; inputs are read by truestatus' own sources",
        );
      return analyzeWithDuckDB(r.inputs, options);
    }
    if (r.inputs.length > 0)
      throw new EngineError(
        "TRUESTATUS_ENGINE_INPUT",
        "give inputs or --table, not both (analyse them in two runs and --merge the summaries)",
      );
    if (!existsSync(flags.table))
      throw new EngineError("TRUESTATUS_ENGINE_INPUT", `--table ${flags.table}: no such file`);
    const session = await openDuckDB(
      options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit },
    );
    try {
      const from = tableFunction(flags.table);
      let columns: Partial<Record<ColumnName, string>>;
      if (map === undefined) {
        let described: Record<string, unknown>[];
        try {
          described = await session.all(`DESCRIBE SELECT * FROM ${from}`);
        } catch (e) {
          throw new EngineError(
            "TRUESTATUS_ENGINE_INPUT",
            `--table ${flags.table}: ${firstLine(e)}`,
          );
        }
        const have = new Set(described.map((x) => String(x.column_name)));
        columns = {};
        for (const c of COLUMN_NAMES) if (have.has(c)) columns[c] = ident("duckdb", c);
        if (columns.status === undefined)
          throw new EngineError(
            "TRUESTATUS_ENGINE_INPUT",
            `--table ${flags.table}: no "status" column (the exchanges table's columns are in docs/engines.md; map yours with --columns)`,
          );
        await checkRelation(session, from, flags.table, columns, ownNames(columns), flags.where);
      } else {
        columns = mapColumns(map, "duckdb");
        await checkRelation(session, from, flags.table, columns, map.columns, flags.where);
      }
      // A Parquet file's columns of the canonical names that its footer says are all NULL: not
      // read (with a column map, every mapped expression is read as written).
      const allNull = new Set<ColumnName>();
      if (map === undefined && from.startsWith("read_parquet("))
        for (const c of await parquetNullColumns(session, flags.table))
          if ((COLUMN_NAMES as readonly string[]).includes(c)) allNull.add(c as ColumnName);
      const summary = await analyzeTable(session, from, {
        ...common,
        columns,
        name: flags.table,
        allNull,
      });
      return { summary, errors: [], skipped: [] };
    } finally {
      await session.close();
    }
  }
  // ClickHouse over HTTP.
  if (r.inputs.length > 0)
    throw new EngineError(
      "TRUESTATUS_ENGINE_INPUT",
      "--engine clickhouse reads a table on the server (--table), not files: load files with --engine duckdb",
    );
  if (flags.url === undefined)
    throw new EngineError(
      "TRUESTATUS_ENGINE_INPUT",
      "--engine clickhouse needs --url http(s)://host:8123",
    );
  const table = flags.table ?? map?.table;
  if (table === undefined)
    throw new EngineError(
      "TRUESTATUS_ENGINE_INPUT",
      "--engine clickhouse needs --table (or a column map with table:)",
    );
  if (map?.dialect !== undefined && map.dialect !== "clickhouse")
    throw new EngineError(
      "TRUESTATUS_ENGINE_INPUT",
      `--columns ${flags.columns}: the map is written for ${map.dialect}, not ClickHouse`,
    );
  const login = clickhouseLogin(flags.url, r.env);
  const ex = await openClickHouse(login);
  try {
    const from = tableSql("clickhouse", table);
    const columns =
      map === undefined
        ? Object.fromEntries(COLUMN_NAMES.map((c) => [c, ident("clickhouse", c)]))
        : mapColumns(map, "clickhouse");
    const probe = map === undefined ? await presentColumns(ex, from, table) : undefined;
    const used =
      probe === undefined
        ? columns
        : Object.fromEntries(Object.entries(columns).filter(([c]) => probe.has(c)));
    await checkRelation(ex, from, table, used, map?.columns ?? ownNames(used), flags.where);
    const summary = await analyzeTable(ex, from, {
      ...common,
      columns: used,
      name: `${safeUrl(login.url)}/${table}`,
    });
    return { summary, errors: [], skipped: [] };
  } finally {
    await ex.close();
  }
}

/** Columns used under their own names, as the messages name them. */
function ownNames(
  columns: Partial<Record<ColumnName, string>>,
): Partial<Record<ColumnName, string>> {
  return Object.fromEntries(Object.keys(columns).map((c) => [c, c]));
}

/** The canonical columns a ClickHouse table has under their own names (no map given). */
async function presentColumns(ex: Executor, from: string, table: string): Promise<Set<string>> {
  let rows: Record<string, unknown>[];
  try {
    rows = await ex.all(`DESCRIBE TABLE ${from}`);
  } catch (e) {
    throw new EngineError("TRUESTATUS_ENGINE_INPUT", `table ${table}: ${firstLine(e)}`);
  }
  const have = new Set(rows.map((x) => String(x.name)));
  if (!have.has("status"))
    throw new EngineError(
      "TRUESTATUS_ENGINE_INPUT",
      `table ${table}: no "status" column (map the table's columns with --columns; docs/engines.md)`,
    );
  return have;
}

export type { Summary };
