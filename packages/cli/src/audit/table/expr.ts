/**
 * The expression language of the declarative rules: a small, typed tree over the columns of the
 * exchanges table (schema.ts) with SQL's semantics, NULL included (a comparison with NULL is NULL,
 * AND/OR are three-valued, a condition that is NULL selects nothing). One tree, two executions:
 * `compileJs` turns it into a function over a row (what the streaming engine runs), sql.ts into the
 * SQL of each dialect. Property tests run both on the same rows and compare (test/audit/table).
 *
 * Only what the rules need is here, and each operation is one whose meaning every dialect shares
 * for the values the table holds (ASCII literals where characters are compared, see charAt).
 */
import type { ColumnName } from "./schema.js";

export type Value = string | number | boolean | null;

export type Expr =
  | { readonly op: "col"; readonly name: ColumnName }
  | { readonly op: "lit"; readonly value: Value }
  | {
      readonly op: "cmp";
      readonly cmp: "=" | "<>" | "<" | "<=" | ">" | ">=";
      readonly a: Expr;
      readonly b: Expr;
    }
  | { readonly op: "in"; readonly a: Expr; readonly values: readonly (string | number)[] }
  | { readonly op: "and" | "or"; readonly args: readonly Expr[] }
  | { readonly op: "not"; readonly a: Expr }
  | { readonly op: "isNull"; readonly a: Expr }
  | {
      readonly op: "case";
      readonly whens: readonly (readonly [Expr, Expr])[];
      readonly otherwise: Expr;
    }
  | { readonly op: "concat"; readonly args: readonly Expr[] }
  /** The character at a 0-based index, "" past the end; compare it with ASCII literals only. */
  | { readonly op: "charAt"; readonly a: Expr; readonly index: number }
  /** Whether the text matches a regular expression (the syntax RE2 and JavaScript share, unanchored). */
  | { readonly op: "matches"; readonly a: Expr; readonly pattern: string }
  /** The first item of a comma-separated list that is one of `values`, or NULL. */
  | { readonly op: "firstOf"; readonly list: Expr; readonly values: readonly string[] }
  /** The last status of an nginx-style attempt list ("502, 504", "502 : -"): digits or "-", or NULL. */
  | { readonly op: "lastStatus"; readonly a: Expr }
  /** ASCII upper case (the dialects agree on ASCII only). */
  | { readonly op: "upperAscii"; readonly a: Expr };

// ---- constructors -----------------------------------------------------------------------------

export const col = (name: ColumnName): Expr => ({ op: "col", name });
export const lit = (value: Value): Expr => ({ op: "lit", value });
const cmp =
  (c: "=" | "<>" | "<" | "<=" | ">" | ">=") =>
  (a: Expr, b: Expr | string | number): Expr => ({
    op: "cmp",
    cmp: c,
    a,
    b: typeof b === "object" ? b : lit(b),
  });
export const eq = cmp("=");
export const ne = cmp("<>");
export const lt = cmp("<");
export const le = cmp("<=");
export const gt = cmp(">");
export const ge = cmp(">=");
export const isIn = (a: Expr, values: readonly (string | number)[]): Expr => ({
  op: "in",
  a,
  values,
});
export const and = (...args: Expr[]): Expr => ({ op: "and", args });
export const or = (...args: Expr[]): Expr => ({ op: "or", args });
export const not = (a: Expr): Expr => ({ op: "not", a });
export const isNull = (a: Expr): Expr => ({ op: "isNull", a });
export const notNull = (a: Expr): Expr => not(isNull(a));
/** `a IS DISTINCT FROM value`: true when a is NULL. */
export const differs = (a: Expr, value: string | number): Expr => or(isNull(a), ne(a, value));
/** A condition that is never NULL: NULL counts as false. */
export const holds = (c: Expr): Expr => ({
  op: "case",
  whens: [[c, lit(true)]],
  otherwise: lit(false),
});
export const caseWhen = (whens: readonly (readonly [Expr, Expr])[], otherwise: Expr): Expr => ({
  op: "case",
  whens,
  otherwise,
});
export const concat = (...args: Expr[]): Expr => ({ op: "concat", args });
export const charAt = (a: Expr, index: number): Expr => ({ op: "charAt", a, index });
/**
 * `matches(a, "timeout|reset", true)`: any case of the ASCII letters only, spelled out as classes
 * ("[tT][iI]..."), because RE2's (?i) folds more than JavaScript's /i (the long s matches "s").
 */
export const matches = (a: Expr, pattern: string, ci = false): Expr => ({
  op: "matches",
  a,
  pattern: ci
    ? pattern.replace(/[a-zA-Z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`)
    : pattern,
});
export const firstOf = (list: Expr, values: readonly string[]): Expr => ({
  op: "firstOf",
  list,
  values,
});
export const hasAny = (list: Expr, values: readonly string[]): Expr =>
  notNull(firstOf(list, values));
export const lastStatus = (a: Expr): Expr => ({ op: "lastStatus", a });
export const upperAscii = (a: Expr): Expr => ({ op: "upperAscii", a });

// ---- the columns an expression reads ----------------------------------------------------------

export function columnsOf(e: Expr, into = new Set<ColumnName>()): Set<ColumnName> {
  switch (e.op) {
    case "col":
      into.add(e.name);
      break;
    case "lit":
      break;
    case "cmp":
      columnsOf(e.a, into);
      columnsOf(e.b, into);
      break;
    case "and":
    case "or":
    case "concat":
      for (const a of e.args) columnsOf(a, into);
      break;
    case "case":
      for (const [w, t] of e.whens) {
        columnsOf(w, into);
        columnsOf(t, into);
      }
      columnsOf(e.otherwise, into);
      break;
    case "firstOf":
      columnsOf(e.list, into);
      break;
    default:
      columnsOf(e.a, into);
  }
  return into;
}

// ---- JavaScript ---------------------------------------------------------------------------------

/** A row: column name → value (NULL as null; a column absent from the row reads as NULL). */
export type RowLike = Readonly<Partial<Record<ColumnName, Value>>>;
export type Compiled = (row: RowLike) => Value;

/** SQL's three-valued truth of a value: true, false or null (unknown). */
function truth(v: Value): boolean | null {
  if (v === null) return null;
  return v === true || (typeof v === "number" && v !== 0);
}

/** `a <cmp> b` with SQL's NULL rule; strings compare by code point, numbers as numbers. */
function compare(c: string, x: Value, y: Value): boolean | null {
  if (x === null || y === null) return null;
  let d: number;
  if (typeof x === "string" && typeof y === "string") d = compareCodePoints(x, y);
  else d = Number(x) - Number(y);
  switch (c) {
    case "=":
      return d === 0;
    case "<>":
      return d !== 0;
    case "<":
      return d < 0;
    case "<=":
      return d <= 0;
    case ">":
      return d > 0;
    default:
      return d >= 0;
  }
}

/** Code point order (what UTF-8 byte order gives in every dialect), not UTF-16 unit order. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** The last item of an attempt list: digits or "-", then spaces or tabs to the end (RE2 and JS alike). */
export const LAST_STATUS_PATTERN = "([0-9]+|-)[ \t]*$";
const LAST_STATUS = new RegExp(LAST_STATUS_PATTERN);

/** Whether `name` is read only by comparisons with 0 and IS NULL in `e`. */
export function readAsSign(e: Expr, name: ColumnName): boolean {
  const isCol = (x: Expr) => x.op === "col" && x.name === name;
  const isZero = (x: Expr) => x.op === "lit" && x.value === 0;
  switch (e.op) {
    case "col":
      return e.name !== name;
    case "lit":
      return true;
    case "cmp":
      if ((isCol(e.a) && isZero(e.b)) || (isCol(e.b) && isZero(e.a))) return true;
      return readAsSign(e.a, name) && readAsSign(e.b, name);
    case "isNull":
      return isCol(e.a) || readAsSign(e.a, name);
    case "in":
    case "not":
    case "charAt":
    case "matches":
    case "lastStatus":
    case "upperAscii":
      return readAsSign(e.a, name);
    case "and":
    case "or":
    case "concat":
      return e.args.every((a) => readAsSign(a, name));
    case "case":
      return (
        e.whens.every(([w, t]) => readAsSign(w, name) && readAsSign(t, name)) &&
        readAsSign(e.otherwise, name)
      );
    case "firstOf":
      return readAsSign(e.list, name);
  }
}

/** Compiles an expression to a function of a row (built once per rule, run per exchange). */
export function compileJs(e: Expr): Compiled {
  switch (e.op) {
    case "col": {
      const name = e.name;
      return (row) => row[name] ?? null;
    }
    case "lit": {
      const v = e.value;
      return () => v;
    }
    case "cmp": {
      const a = compileJs(e.a);
      const b = compileJs(e.b);
      const c = e.cmp;
      return (row) => compare(c, a(row), b(row));
    }
    case "in": {
      const a = compileJs(e.a);
      const values = e.values;
      return (row) => {
        const v = a(row);
        if (v === null) return null;
        for (const x of values) if (compare("=", v, x) === true) return true;
        return false;
      };
    }
    case "and": {
      const args = e.args.map(compileJs);
      return (row) => {
        let unknown = false;
        for (const f of args) {
          const t = truth(f(row));
          if (t === false) return false;
          if (t === null) unknown = true;
        }
        return unknown ? null : true;
      };
    }
    case "or": {
      const args = e.args.map(compileJs);
      return (row) => {
        let unknown = false;
        for (const f of args) {
          const t = truth(f(row));
          if (t === true) return true;
          if (t === null) unknown = true;
        }
        return unknown ? null : false;
      };
    }
    case "not": {
      const a = compileJs(e.a);
      return (row) => {
        const t = truth(a(row));
        return t === null ? null : !t;
      };
    }
    case "isNull": {
      const a = compileJs(e.a);
      return (row) => a(row) === null;
    }
    case "case": {
      const whens = e.whens.map(([w, t]) => [compileJs(w), compileJs(t)] as const);
      const otherwise = compileJs(e.otherwise);
      return (row) => {
        for (const [w, t] of whens) if (truth(w(row)) === true) return t(row);
        return otherwise(row);
      };
    }
    case "concat": {
      const args = e.args.map(compileJs);
      return (row) => {
        let s = "";
        for (const f of args) {
          const v = f(row);
          if (v === null) return null;
          s += String(v);
        }
        return s;
      };
    }
    case "charAt": {
      const a = compileJs(e.a);
      const i = e.index;
      return (row) => {
        const v = a(row);
        if (v === null) return null;
        return String(v).charAt(i);
      };
    }
    case "matches": {
      const a = compileJs(e.a);
      const re = new RegExp(e.pattern);
      return (row) => {
        const v = a(row);
        return v === null ? null : re.test(String(v));
      };
    }
    case "firstOf": {
      const list = compileJs(e.list);
      const values = new Set(e.values);
      return (row) => {
        const v = list(row);
        if (v === null) return null;
        for (const item of String(v).split(",")) if (values.has(item)) return item;
        return null;
      };
    }
    case "lastStatus": {
      const a = compileJs(e.a);
      return (row) => {
        const v = a(row);
        if (v === null) return null;
        return LAST_STATUS.exec(String(v))?.[1] ?? null;
      };
    }
    case "upperAscii": {
      const a = compileJs(e.a);
      return (row) => {
        const v = a(row);
        return v === null ? null : String(v).replace(/[a-z]+/g, (s) => s.toUpperCase());
      };
    }
  }
}

/** A compiled condition: true only when the expression is true (NULL and false are false). */
export function compileCondition(e: Expr): (row: RowLike) => boolean {
  const f = compileJs(e);
  return (row) => truth(f(row)) === true;
}
