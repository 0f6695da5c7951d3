/**
 * The declarative form of a rule a log can feed: which exchanges it is about, when it reports
 * (a condition over the exchanges table, compiled to SQL), and, for what SQL cannot judge (a
 * header value that must be parsed), a check over a few values that the SQL engines group rows
 * by and the rule judges once per distinct value. The rule's message is written once, from the row.
 *
 * `defineTableRule` makes the rule's `check` (what the streaming engine runs) out of its form, so
 * both engines follow the same definition; test/audit/table holds the SQL side to it.
 */
import { clip } from "../evidence.js";
import type { Exchange, Location } from "../exchange.js";
import { redactTarget } from "../redact.js";
import {
  defineRule,
  type Evidence,
  type Finding,
  NO_FINDINGS,
  type Rule,
  type RuleMeta,
  type Screen,
  type Severity,
} from "../rule.js";
import {
  type Compiled,
  columnsOf,
  compileCondition,
  compileJs,
  type Expr,
  readAsSign,
  type Value,
} from "./expr.js";
import { type ColumnName, type ExchangeRow, rowOf } from "./schema.js";

/** A judgement SQL cannot make: the rule's own parser over a few values of the row. */
export interface ValueCheck {
  /** The values the judge reads (SQL groups the rows by them). */
  readonly inputs: readonly Expr[];
  /** Which rows (of those the rule is about, where `when` is not true) the judge looks at. */
  readonly applies: Expr;
  /** Undefined when the values are fine; otherwise the detail for the message ("" for none). */
  judge(values: readonly Value[]): string | undefined;
}

export interface TableForm {
  /**
   * The exchanges the rule is about, over `status`, `method` and `size` only (NULL: no response,
   * or no size recorded): the rule's screen in the streaming engine, and the coverage's "about".
   */
  readonly about: Expr;
  /** The rows about which the rule reports, decided in SQL. */
  readonly when: Expr;
  readonly check?: ValueCheck;
  /** The finding's message; `detail` is the check's (undefined for a `when` finding). */
  message(row: ExchangeRow, detail: string | undefined): string;
  /** The finding's excerpt (already redacted), when it has one. */
  excerpt?(row: ExchangeRow, detail: string | undefined): string | undefined;
  /** Columns `message` and `excerpt` read besides those of the expressions. */
  readonly shows?: readonly ColumnName[];
}

/** A form with its expressions compiled to JavaScript once. */
export interface CompiledForm {
  readonly form: TableForm;
  readonly about: (row: Partial<ExchangeRow>) => boolean;
  readonly when: (row: Partial<ExchangeRow>) => boolean;
  readonly applies?: (row: Partial<ExchangeRow>) => boolean;
  readonly inputs?: readonly Compiled[];
}

export function compileForm(form: TableForm): CompiledForm {
  return {
    form,
    about: compileCondition(form.about),
    when: compileCondition(form.when),
    ...(form.check === undefined
      ? {}
      : {
          applies: compileCondition(form.check.applies),
          inputs: form.check.inputs.map(compileJs),
        }),
  };
}

/**
 * The rule's verdict on a row it is about: undefined when nothing is wrong, else the detail
 * (undefined inside for a `when` finding).
 */
export function verdict(
  c: CompiledForm,
  row: ExchangeRow,
): { detail: string | undefined } | undefined {
  if (c.when(row)) return { detail: undefined };
  if (c.applies === undefined || !c.applies(row)) return undefined;
  const detail = c.form.check!.judge(c.inputs!.map((f) => f(row)));
  return detail === undefined ? undefined : { detail };
}

/** "GET /users/42?token=[REDACTED]" from a row (what evidence.ts makes of an exchange). */
export function rowRequestLine(row: Pick<ExchangeRow, "method" | "target">): string {
  return `${row.method ?? ""} ${clip(redactTarget(row.target ?? ""), 200)}`;
}

/** A finding's location from a row: file, then line or entry when known. */
export function rowLocation(row: Pick<ExchangeRow, "file" | "line" | "entry">): Location {
  const file = row.file ?? "";
  if (row.line !== null)
    return row.entry !== null
      ? { file, line: row.line, entry: row.entry }
      : { file, line: row.line };
  return row.entry !== null ? { file, entry: row.entry } : { file };
}

/** A finding of a table rule on a row, its evidence made when first read (as finding.ts does). */
class RowFinding implements Finding {
  #row: ExchangeRow | undefined;
  #excerpt: string | undefined;
  #evidence: Evidence | undefined;
  readonly location: Location;

  constructor(
    readonly ruleId: string,
    readonly severity: Severity,
    readonly message: string,
    row: ExchangeRow,
    excerpt: string | undefined,
  ) {
    this.location = rowLocation(row);
    this.#row = row;
    this.#excerpt = excerpt;
  }

  get evidence(): Evidence {
    if (this.#evidence === undefined) {
      const row = this.#row!;
      const base: Evidence =
        row.status === null
          ? { request: rowRequestLine(row) }
          : { request: rowRequestLine(row), status: row.status };
      this.#evidence = this.#excerpt === undefined ? base : { ...base, excerpt: this.#excerpt };
      this.#row = undefined;
    }
    return this.#evidence;
  }

  toJSON(): Finding {
    return {
      ruleId: this.ruleId,
      severity: this.severity,
      message: this.message,
      location: this.location,
      evidence: this.evidence,
    };
  }
}

/** The finding a rule makes of a row it reports on (both engines build findings through here). */
export function rowFinding(
  rule: { readonly id: string; readonly meta: RuleMeta },
  c: CompiledForm,
  row: ExchangeRow,
  detail: string | undefined,
): Finding {
  return new RowFinding(
    rule.id,
    rule.meta.severity,
    c.form.message(row, detail),
    row,
    c.form.excerpt?.(row, detail),
  );
}

/** The columns `about` may read: what the engine's screen is given. */
const SCREEN_COLUMNS: ReadonlySet<ColumnName> = new Set(["status", "method", "size"]);

/** The screen of a form: its `about` over (status, method, size's sign), -1 meaning NULL. */
function screenOf(c: CompiledForm): Screen {
  const row: { status: number | null; method: string; size: number | null } = {
    status: null,
    method: "",
    size: null,
  };
  return (status, method, size) => {
    row.status = status === -1 ? null : status;
    row.method = method;
    row.size = size === -1 ? null : size;
    return c.about(row);
  };
}

export interface TableRuleDefinition {
  readonly id: string;
  readonly meta: RuleMeta;
  readonly table: TableForm;
}

/** A rule whose check is its table form (the streaming engine's and the SQL engines' alike). */
export interface TableRule extends Rule {
  readonly table: TableForm;
  readonly compiled: CompiledForm;
}

export function isTableRule(r: Rule): r is TableRule {
  return (r as Partial<TableRule>).table !== undefined;
}

export function defineTableRule(def: TableRuleDefinition): TableRule {
  for (const c of columnsOf(def.table.about))
    if (!SCREEN_COLUMNS.has(c))
      throw new TypeError(
        `rule ${def.id}: "about" may read status, method and size only, not ${c}`,
      );
  // The screen is given the size's sign (rule.ts): "about" may only compare it with 0.
  if (!readAsSign(def.table.about, "size"))
    throw new TypeError(`rule ${def.id}: "about" may compare size with 0 only`);
  const compiled = compileForm(def.table);
  const ref: { rule?: Rule } = {};
  const rule = defineRule({
    id: def.id,
    meta: def.meta,
    screen: screenOf(compiled),
    check(ex: Exchange) {
      const row = rowOf(ex);
      if (!compiled.about(row)) return NO_FINDINGS;
      const v = verdict(compiled, row);
      return v === undefined ? NO_FINDINGS : [rowFinding(ref.rule!, compiled, row, v.detail)];
    },
  });
  ref.rule = rule;
  // defineRule froze the rule: the form travels beside it on a copy.
  return Object.freeze({ ...rule, table: def.table, compiled }) as TableRule;
}
