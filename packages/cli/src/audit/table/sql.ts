/**
 * Expressions (expr.ts) as the SQL of each dialect. The spelling differs (lists, regular
 * expressions, string literals); the meaning is the one compileJs gives, NULL included.
 */
import { type Expr, LAST_STATUS_PATTERN, type Value } from "./expr.js";
import type { ColumnType } from "./schema.js";

export const DIALECTS = ["duckdb", "clickhouse", "trino", "bigquery"] as const;
export type Dialect = (typeof DIALECTS)[number];

export function isDialect(s: string): s is Dialect {
  return (DIALECTS as readonly string[]).includes(s);
}

/** A quoted identifier. */
export function ident(d: Dialect, name: string): string {
  if (d === "bigquery") return `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
  if (d === "clickhouse") return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return `"${name.replace(/"/g, '""')}"`;
}

const hex2 = (c: number) => c.toString(16).padStart(2, "0");

/** A string literal. ClickHouse and BigQuery read backslash escapes; the others do not. */
export function str(d: Dialect, s: string): string {
  if (d === "duckdb" || d === "trino") {
    // A NUL ends DuckDB's literal where its parser meets it: spell it chr(0), as Trino can too.
    const parts = s.split("\u0000").map((p) => `'${p.replace(/'/g, "''")}'`);
    return parts.length === 1 ? parts[0]! : `(${parts.join(" || chr(0) || ")})`;
  }
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === "\\" || ch === "'") out += `\\${ch}`;
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex2(c)}`;
    else out += ch;
  }
  return `${out}'`;
}

export function literal(d: Dialect, v: Value): string {
  if (v === null) return "NULL";
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new TypeError(`no SQL literal for ${v}`);
    return String(v);
  }
  return str(d, v);
}

const TYPES: Readonly<Record<Dialect, Readonly<Record<ColumnType, string>>>> = {
  duckdb: {
    varchar: "VARCHAR",
    integer: "INTEGER",
    bigint: "BIGINT",
    double: "DOUBLE",
    boolean: "BOOLEAN",
  },
  clickhouse: {
    varchar: "Nullable(String)",
    integer: "Nullable(Int32)",
    bigint: "Nullable(Int64)",
    double: "Nullable(Float64)",
    boolean: "Nullable(Bool)",
  },
  trino: {
    varchar: "VARCHAR",
    integer: "INTEGER",
    bigint: "BIGINT",
    double: "DOUBLE",
    boolean: "BOOLEAN",
  },
  bigquery: {
    varchar: "STRING",
    integer: "INT64",
    bigint: "INT64",
    double: "FLOAT64",
    boolean: "BOOL",
  },
};

export function sqlType(d: Dialect, t: ColumnType): string {
  return TYPES[d][t];
}

/** A NULL of a column's type (a column the table lacks). */
export function typedNull(d: Dialect, t: ColumnType): string {
  return `CAST(NULL AS ${sqlType(d, t)})`;
}

function list(d: Dialect, values: readonly (string | number)[]): string {
  return values.map((v) => literal(d, v)).join(", ");
}

/**
 * An expression as SQL; `column` spells a column reference (by default the quoted name, for a
 * query over the normalised table).
 */
export function toSql(
  e: Expr,
  d: Dialect,
  column: (name: string) => string = (n) => ident(d, n),
): string {
  const r = (x: Expr) => toSql(x, d, column);
  switch (e.op) {
    case "col":
      return column(e.name);
    case "lit":
      return literal(d, e.value);
    case "cmp":
      return `(${r(e.a)} ${e.cmp} ${r(e.b)})`;
    case "in": {
      const a = r(e.a);
      // ClickHouse answers 0 for NULL IN (...): SQL's answer is NULL.
      return d === "clickhouse"
        ? `if(${a} IS NULL, NULL, ${a} IN (${list(d, e.values)}))`
        : `(${a} IN (${list(d, e.values)}))`;
    }
    case "and":
      return e.args.length === 0 ? "TRUE" : `(${e.args.map(r).join(" AND ")})`;
    case "or":
      return e.args.length === 0 ? "FALSE" : `(${e.args.map(r).join(" OR ")})`;
    case "not":
      return `(NOT ${r(e.a)})`;
    case "isNull":
      return `(${r(e.a)} IS NULL)`;
    case "case":
      return `CASE ${e.whens.map(([w, t]) => `WHEN ${r(w)} THEN ${r(t)}`).join(" ")} ELSE ${r(e.otherwise)} END`;
    case "concat":
      return d === "duckdb" || d === "trino"
        ? `(${e.args.map(r).join(" || ")})`
        : `concat(${e.args.map(r).join(", ")})`;
    case "charAt":
      // ClickHouse's substring counts bytes: equal for the ASCII characters rules compare.
      return d === "clickhouse"
        ? `substring(${r(e.a)}, ${e.index + 1}, 1)`
        : `substr(${r(e.a)}, ${e.index + 1}, 1)`;
    case "matches": {
      const p = str(d, e.pattern);
      switch (d) {
        case "duckdb":
          return `regexp_matches(${r(e.a)}, ${p})`;
        case "clickhouse":
          return `match(${r(e.a)}, ${p})`;
        case "trino":
          return `regexp_like(${r(e.a)}, ${p})`;
        case "bigquery":
          return `REGEXP_CONTAINS(${r(e.a)}, ${p})`;
      }
      break;
    }
    case "firstOf": {
      const a = r(e.list);
      const values = list(d, e.values);
      switch (d) {
        case "duckdb":
          return `list_filter(string_split(${a}, ','), lambda x: x IN (${values}))[1]`;
        case "clickhouse":
          // arrayFirst gives "" when none matches; no flag is "".
          return `if(${a} IS NULL, NULL, nullIf(arrayFirst(x -> has([${values}], x), splitByChar(',', assumeNotNull(${a}))), ''))`;
        case "trino":
          return `element_at(filter(split(${a}, ','), x -> x IN (${values})), 1)`;
        case "bigquery":
          return `(SELECT x FROM UNNEST(SPLIT(${a}, ',')) AS x WITH OFFSET AS o WHERE x IN (${values}) ORDER BY o LIMIT 1)`;
      }
      break;
    }
    case "lastStatus": {
      const a = r(e.a);
      const p = str(d, LAST_STATUS_PATTERN);
      switch (d) {
        case "duckdb":
          return `nullif(regexp_extract(${a}, ${p}, 1), '')`;
        case "clickhouse":
          return `nullIf(extract(${a}, ${p}), '')`;
        case "trino":
          return `regexp_extract(${a}, ${p}, 1)`;
        case "bigquery":
          return `REGEXP_EXTRACT(${a}, ${p})`;
      }
      break;
    }
    case "upperAscii":
      return `upper(${r(e.a)})`;
  }
  throw new TypeError(`no SQL for ${e.op} in ${d}`);
}
