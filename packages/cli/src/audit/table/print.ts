/**
 * `truestatus sql`: the rules as queries a person runs in their own engine. One query per rule
 * lists its findings (what SQL decides); a rule that must parse a header value also gets the query
 * of the values to check (`truestatus analyze --engine` checks them itself). Each query stands
 * alone: the exchanges table is defined in its WITH clause from the column map.
 */
import { missingCapabilities } from "../engine.js";
import type { Rule } from "../rule.js";
import { and, col, columnsOf, type Expr, holds, isIn, isNull, not, notNull, or } from "./expr.js";
import { isTableRule, type TableRule } from "./form.js";
import { baseCtes, CLASS, capabilitiesOf, type Relation } from "./relation.js";
import { COLUMN_NAMES, type ColumnName } from "./schema.js";
import { type Dialect, ident, toSql } from "./sql.js";

export interface PrintedQuery {
  /** The rule id, or "summary". */
  readonly rule: string;
  /** What the query returns, one line (printed as a comment above it). */
  readonly title: string;
  readonly sql: string;
}

/** What a record must have for the rule to judge it (engine.ts's RECORDED_BITS). */
function recorded(rule: Rule): Expr[] {
  const parts: Expr[] = [];
  if (rule.meta.needs.includes("response.size"))
    parts.push(or(isNull(col("status")), notNull(col("size"))));
  if (rule.meta.needs.includes("request.credentials"))
    parts.push(isIn(col("credentials"), ["present", "absent"]));
  return parts;
}

/** The columns a rule's findings show: location, request, status, and what the rule reads. */
function shown(rule: TableRule): ColumnName[] {
  const cols = new Set<ColumnName>(["file", "line", "time_ms", "method", "target", "status"]);
  const read = new Set<string>();
  const exprs = [rule.table.about, rule.table.when, ...(rule.table.check?.inputs ?? [])];
  for (const e of exprs) for (const c of columnsOf(e)) read.add(c);
  for (const c of rule.table.shows ?? []) read.add(c);
  for (const c of COLUMN_NAMES) if (read.has(c)) cols.add(c);
  return [...cols];
}

export interface PrintOptions {
  readonly dialect: Dialect;
  readonly relation: Relation;
  readonly rules: readonly Rule[];
  /** Rows listed per rule. */
  readonly limit?: number;
}

export function printQueries(o: PrintOptions): {
  queries: PrintedQuery[];
  /** Table rules the column map cannot feed, with what they lack. */
  skipped: { rule: string; missing: string[] }[];
} {
  const d = o.dialect;
  const q = (n: string) => ident(d, n);
  const x = (e: Expr) => toSql(e, d);
  const withT = `WITH ${baseCtes(d, o.relation)}\n`;
  const { capabilities, logged } = capabilitiesOf(o.relation.columns);
  const limit = o.limit ?? 100;
  const queries: PrintedQuery[] = [];
  const skipped: { rule: string; missing: string[] }[] = [];
  const counted: string[] = [];
  for (const rule of o.rules.filter(isTableRule)) {
    const missing = missingCapabilities(rule, capabilities, logged);
    if (missing.length > 0) {
      skipped.push({ rule: rule.id, missing });
      continue;
    }
    const base = and(rule.table.about, ...recorded(rule));
    const when = and(base, rule.table.when);
    const cols = shown(rule).map(q);
    const order = `${q("file")}, ${q("line")}, ${q("time_ms")}`;
    queries.push({
      rule: rule.id,
      title: `${rule.id} (${rule.meta.severity}): ${rule.meta.title}`,
      sql: `${withT}SELECT ${cols.join(", ")}, ${q(CLASS)} AS ${q("class")}\nFROM t\nWHERE ${x(holds(when))}\nORDER BY ${order}\nLIMIT ${limit}`,
    });
    counted.push(`  sum(CASE WHEN ${x(holds(when))} THEN 1 ELSE 0 END) AS ${q(rule.id)}`);
    const check = rule.table.check;
    if (check !== undefined) {
      const applies = and(base, not(holds(rule.table.when)), check.applies);
      const inputs = check.inputs.map((input, i) => `${x(input)} AS ${q(`value${i + 1}`)}`);
      queries.push({
        rule: rule.id,
        title: `${rule.id}: the values to check (truestatus analyze --engine parses them; the ones that do not pass are findings too)`,
        sql: `${withT}SELECT ${inputs.join(", ")}, count(*) AS ${q("exchanges")}\nFROM t\nWHERE ${x(holds(applies))}\nGROUP BY ${inputs.map((_, i) => i + 1).join(", ")}\nORDER BY ${inputs.length + 1} DESC\nLIMIT ${limit}`,
      });
    }
  }
  if (counted.length > 0)
    queries.unshift({
      rule: "summary",
      title:
        "exchanges, and the findings each rule decides in SQL (values still to check are not counted)",
      sql: `${withT}SELECT count(*) AS ${q("exchanges")},\n${counted.join(",\n")}\nFROM t`,
    });
  return { queries, skipped };
}
