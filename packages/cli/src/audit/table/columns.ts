/**
 * Column maps: how a user's table holds the exchanges table's columns (docs/engines.md). A map is
 * YAML: `columns:` maps a canonical column to a column of the table (a bare name) or to an SQL
 * expression over it, in the dialect the table is queried in. Shipped presets cover AWS's
 * documented ALB table in Athena and ClickHouse's nginx example table.
 */
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { EngineError } from "./errors.js";
import { type ColumnMap, PRESETS } from "./presets.js";
import { COLUMN_NAMES, type ColumnName } from "./schema.js";
import { type Dialect, ident, isDialect } from "./sql.js";

export type { ColumnMap, Preset } from "./presets.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The SQL of a map's entry: a bare column name quoted for the dialect, an expression as written. */
export function columnSql(d: Dialect, value: string): string {
  return IDENTIFIER.test(value) ? ident(d, value) : value;
}

/** A map's columns as SQL for a dialect. */
export function mapColumns(map: ColumnMap, d: Dialect): Partial<Record<ColumnName, string>> {
  const out: Partial<Record<ColumnName, string>> = {};
  for (const [k, v] of Object.entries(map.columns) as [ColumnName, string][])
    out[k] = columnSql(d, v);
  return out;
}

const KNOWN: ReadonlySet<string> = new Set(COLUMN_NAMES);

/** Reads a column map: a preset's name, or a YAML file. */
export async function loadColumnMap(arg: string): Promise<ColumnMap> {
  const preset = PRESETS[arg];
  if (preset !== undefined) return preset;
  let text: string;
  try {
    text = await readFile(arg, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EngineError(
      "TRUESTATUS_ENGINE_INPUT",
      code === "ENOENT"
        ? `--columns ${arg}: no such file, and not a preset (${Object.keys(PRESETS).join(", ")})`
        : `--columns ${arg}: cannot read (${code ?? String(e)})`,
    );
  }
  return parseColumnMap(text, arg);
}

/** Parses a column map's YAML; `file` names it in messages. */
export function parseColumnMap(text: string, file: string): ColumnMap {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new EngineError(
      "TRUESTATUS_ENGINE_INPUT",
      `${file}${line === undefined ? "" : `:${line}`}: not YAML (${(e as Error).message.split("\n")[0]})`,
    );
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new EngineError(
      "TRUESTATUS_ENGINE_INPUT",
      `${file}: a column map is a YAML mapping with "columns:" (docs/engines.md)`,
    );
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== "columns" && k !== "table" && k !== "dialect")
      throw new EngineError(
        "TRUESTATUS_ENGINE_INPUT",
        `${file}: unknown key "${k}" (a column map has columns, table and dialect)`,
      );
  const cols = o.columns;
  if (typeof cols !== "object" || cols === null || Array.isArray(cols))
    throw new EngineError("TRUESTATUS_ENGINE_INPUT", `${file}: "columns" must be a mapping`);
  const columns: Partial<Record<ColumnName, string>> = {};
  for (const [k, v] of Object.entries(cols as Record<string, unknown>)) {
    if (!KNOWN.has(k))
      throw new EngineError(
        "TRUESTATUS_ENGINE_INPUT",
        `${file}: columns.${k}: not a column of the exchanges table (${COLUMN_NAMES.join(", ")})`,
      );
    if (typeof v !== "string" || v.trim() === "")
      throw new EngineError(
        "TRUESTATUS_ENGINE_INPUT",
        `${file}: columns.${k}: expected a column name or an SQL expression`,
      );
    columns[k as ColumnName] = v.trim();
  }
  if (columns.status === undefined)
    throw new EngineError(
      "TRUESTATUS_ENGINE_INPUT",
      `${file}: columns.status is required (the status the client got)`,
    );
  let dialect: Dialect | undefined;
  if (o.dialect !== undefined) {
    if (typeof o.dialect !== "string" || !isDialect(o.dialect))
      throw new EngineError(
        "TRUESTATUS_ENGINE_INPUT",
        `${file}: dialect: expected duckdb, clickhouse, trino or bigquery`,
      );
    dialect = o.dialect;
  }
  if (o.table !== undefined && typeof o.table !== "string")
    throw new EngineError("TRUESTATUS_ENGINE_INPUT", `${file}: table: expected a table name`);
  return {
    columns,
    ...(dialect === undefined ? {} : { dialect }),
    ...(typeof o.table === "string" ? { table: o.table } : {}),
  };
}
