/**
 * The exchanges table as a query: a user's table (or file) with its columns mapped onto the
 * canonical ones, the columns it lacks as typed NULLs, and the facts the summary counts (class,
 * time class, endpoint key) computed once, as the CTE `t` that every query of the plan reads.
 */
import type { Capability } from "../exchange.js";
import type { LoggedHeaders } from "../source.js";
import { columnsOf } from "./expr.js";
import { bodyClassWithoutBodies, failureClass, methodLabel, timeClass } from "./facts.js";
import { COLUMN_NAMES, COLUMNS, type ColumnName, type ColumnSpec } from "./schema.js";
import { type Dialect, toSql as exprSql, ident, str, typedNull } from "./sql.js";

export interface Relation {
  /** The table: a name, or a table function (read_parquet('x.parquet'), file('x', Parquet)). */
  readonly from: string;
  /** Canonical column → SQL expression over the table; a column left out is one the table lacks. */
  readonly columns: Readonly<Partial<Record<ColumnName, string>>>;
  /** A filter on the table's rows (the user's SQL), e.g. a day's partition. */
  readonly where?: string;
}

/** Columns the plan adds to `t`. */
export const CLASS = "_class";
export const TIME_CLASS = "_tclass";
export const KEY = "_key";

/** Segments of a path that look like ids (template.ts does more; this is what SQL can do). */
const ID = "^[0-9]+$";
const UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
const HASH = "^[0-9a-fA-F]*[0-9][0-9a-fA-F]*$";

/**
 * An endpoint template from a request target when the table has none: the path without its
 * query, whose all-digit, UUID and long hexadecimal segments become {id}, {uuid} and {hash}.
 * An approximation of template.ts (which also knows tokens, e-mails, dates and file names).
 */
export function templateSql(d: Dialect, target: string): string {
  const s = (p: string) => str(d, p);
  switch (d) {
    case "duckdb": {
      const m = (p: string) => `regexp_matches(s, ${s(p)})`;
      return `array_to_string(list_transform(string_split(split_part(${target}, '?', 1), '/'), lambda s: CASE WHEN ${m(ID)} THEN '{id}' WHEN ${m(UUID)} THEN '{uuid}' WHEN length(s) >= 12 AND ${m(HASH)} THEN '{hash}' ELSE s END), '/')`;
    }
    case "clickhouse": {
      const m = (p: string) => `match(s, ${s(p)})`;
      return `if(${target} IS NULL, NULL, arrayStringConcat(arrayMap(s -> multiIf(${m(ID)}, '{id}', ${m(UUID)}, '{uuid}', length(s) >= 12 AND ${m(HASH)}, '{hash}', s), splitByChar('/', splitByChar('?', assumeNotNull(${target}))[1])), '/'))`;
    }
    case "trino": {
      const m = (p: string) => `regexp_like(s, ${s(p)})`;
      return `array_join(transform(split(split_part(${target}, '?', 1), '/'), s -> CASE WHEN ${m(ID)} THEN '{id}' WHEN ${m(UUID)} THEN '{uuid}' WHEN length(s) >= 12 AND ${m(HASH)} THEN '{hash}' ELSE s END), '/')`;
    }
    case "bigquery": {
      const m = (p: string) => `REGEXP_CONTAINS(s, ${s(p)})`;
      return `ARRAY_TO_STRING(ARRAY(SELECT CASE WHEN ${m(ID)} THEN '{id}' WHEN ${m(UUID)} THEN '{uuid}' WHEN LENGTH(s) >= 12 AND ${m(HASH)} THEN '{hash}' ELSE s END FROM UNNEST(SPLIT(SPLIT(${target}, '?')[SAFE_OFFSET(0)], '/')) AS s WITH OFFSET AS o ORDER BY o), '/')`;
    }
  }
}

/** The endpoint key ("GET /users/{id}") of a row whose template is `template` (SQL). */
export function keySql(d: Dialect, template: string): string {
  return d === "clickhouse" || d === "bigquery"
    ? `concat(${exprSql(methodLabel, d)}, ' ', coalesce(${template}, ''))`
    : `(${exprSql(methodLabel, d)} || ' ' || coalesce(${template}, ''))`;
}

/** Columns computed from others when the table lacks them. */
const DERIVED: ReadonlySet<ColumnName> = new Set(["template", "body_class"]);

/**
 * The table's rows with only the given columns (by their canonical names, a column the table lacks
 * as a typed NULL), as a subquery `r`: what a query that reads a few columns scans, rather than `t`
 * and its derived columns, which DuckDB does not always leave uncomputed.
 */
export function rowsOf(d: Dialect, rel: Relation, cols: Iterable<ColumnName>): string {
  const want = new Set(cols);
  const q = (n: string) => ident(d, n);
  const mapped = COLUMN_NAMES.filter((c) => want.has(c))
    .map((c) => `${rel.columns[c] ?? typedNull(d, (COLUMNS[c] as ColumnSpec).type)} AS ${q(c)}`)
    .join(", ");
  const where = rel.where === undefined ? "" : ` WHERE ${rel.where}`;
  return `(SELECT ${mapped} FROM ${rel.from}${where}) AS r`;
}

/**
 * Two CTEs over the table's rows grouped by some of their columns, the count in `_n`: `<name>0`
 * groups by the columns of `cols` the table has (a column it lacks is the same NULL on every row,
 * nothing to group by), `<name>` adds those it lacks as typed NULLs and the derived ones (body
 * class, template) from the grouped columns they come from. An expression over `t`'s columns reads
 * `<name>` the same, once per group. `as` spells a grouped column differently (a size's sign).
 * Returns the CTEs without the leading comma.
 */
export function groupedCtes(
  d: Dialect,
  rel: Relation,
  name: string,
  cols: Iterable<ColumnName>,
  as: Readonly<Partial<Record<ColumnName, string>>> = {},
): string {
  const q = (n: string) => ident(d, n);
  const want = new Set(cols);
  const group = new Set<ColumnName>();
  const derived: string[] = [];
  const absent: string[] = [];
  for (const c of COLUMN_NAMES) {
    if (!want.has(c)) continue;
    if (rel.columns[c] !== undefined) group.add(c);
    else if (c === "template") {
      group.add("target");
      derived.push(`${templateSql(d, q("target"))} AS ${q(c)}`);
    } else if (c === "body_class") {
      for (const x of columnsOf(bodyClassWithoutBodies)) group.add(x);
      derived.push(`${exprSql(bodyClassWithoutBodies, d)} AS ${q(c)}`);
    } else absent.push(`${typedNull(d, (COLUMNS[c] as ColumnSpec).type)} AS ${q(c)}`);
  }
  // A grouped column the table lacks reads NULL (a derived one's source, say).
  const keys = [...group].map(
    (c) =>
      `${as[c] ?? (rel.columns[c] === undefined ? typedNull(d, (COLUMNS[c] as ColumnSpec).type) : q(c))} AS ${q(c)}`,
  );
  const inner = `SELECT ${keys.join(", ")}, count(*) AS ${q("_n")} FROM ${rowsOf(d, rel, group)} GROUP BY ${keys.map((_, i) => i + 1).join(", ")}`;
  const outer = [`${q(`${name}0`)}.*`, ...derived, ...absent].join(", ");
  return `${q(`${name}0`)} AS (${inner}),\n${q(name)} AS (SELECT ${outer} FROM ${q(`${name}0`)})`;
}

/**
 * A column map without the columns known to hold only NULLs (a loader that never set them, a
 * Parquet file whose statistics say so): they read as typed NULLs, which an engine neither reads
 * nor groups by. Capabilities stay those of the whole map (a header column that is logged but was
 * never sent still says the header is logged). Derived columns are kept: without them the engine
 * would derive their values.
 */
export function withoutNullColumns(
  columns: Readonly<Partial<Record<ColumnName, string>>>,
  allNull: ReadonlySet<ColumnName>,
): Partial<Record<ColumnName, string>> {
  const out: Partial<Record<ColumnName, string>> = {};
  for (const c of COLUMN_NAMES) {
    const v = columns[c];
    if (v !== undefined && (DERIVED.has(c) || !allNull.has(c))) out[c] = v;
  }
  return out;
}

/** The columns of `t` that can hold a value: the mapped ones and the derived ones. */
export function presentColumns(rel: Relation): ColumnName[] {
  return COLUMN_NAMES.filter((c) => rel.columns[c] !== undefined || DERIVED.has(c));
}

/** The CTEs that define `t` (without the leading WITH). */
export function baseCtes(d: Dialect, rel: Relation): string {
  const q = (n: string) => ident(d, n);
  const raw = COLUMN_NAMES.filter((c) => !(DERIVED.has(c) && rel.columns[c] === undefined));
  const t0 = raw
    .map((c) => `${rel.columns[c] ?? typedNull(d, (COLUMNS[c] as ColumnSpec).type)} AS ${q(c)}`)
    .join(",\n    ");
  const derived: string[] = [];
  if (rel.columns.template === undefined)
    derived.push(`${templateSql(d, q("target"))} AS ${q("template")}`);
  if (rel.columns.body_class === undefined)
    derived.push(`${exprSql(bodyClassWithoutBodies, d)} AS ${q("body_class")}`);
  const where = rel.where === undefined ? "" : `\n  WHERE ${rel.where}`;
  const key = keySql(d, q("template"));
  return [
    `t0 AS (\n  SELECT\n    ${t0}\n  FROM ${rel.from}${where}\n)`,
    `t1 AS (\n  SELECT t0.*${derived.map((x) => `,\n    ${x}`).join("")}\n  FROM t0\n)`,
    `t AS (\n  SELECT t1.*,\n    ${exprSql(failureClass, d)} AS ${q(CLASS)},\n    ${exprSql(timeClass, d)} AS ${q(TIME_CLASS)},\n    ${key} AS ${q(KEY)}\n  FROM t1\n)`,
  ].join(",\n");
}

/**
 * What a table can tell, from the columns it has: a column map without `size` has no body sizes,
 * one with only `www_authenticate` of the headers logs that header alone.
 */
export function capabilitiesOf(columns: Readonly<Partial<Record<ColumnName, string>>>): {
  capabilities: Set<Capability>;
  logged: LoggedHeaders;
} {
  const capabilities = new Set<Capability>();
  const response = new Set<string>();
  const request = new Set<string>();
  for (const c of COLUMN_NAMES) {
    if (columns[c] === undefined) continue;
    const spec: ColumnSpec = COLUMNS[c];
    if (spec.capability !== undefined) capabilities.add(spec.capability);
    if (spec.header !== undefined) response.add(spec.header);
    if (spec.requestHeader !== undefined) request.add(spec.requestHeader);
  }
  return { capabilities, logged: { response, request } };
}
