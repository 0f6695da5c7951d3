/**
 * The shapes of a table: its rows grouped by the columns the rules, the failure class and the file
 * counts read. A log of millions of exchanges has a few hundred shapes (status, method, the logged
 * headers' values, ...), so the rules' expressions run once per shape instead of once per row.
 * Location, time and target are not read by any of them and are left out.
 *
 * A body size is read only as "none, zero, or some" by the rules (`size <> 0`, `size IS NULL`); when
 * that holds of every expression, the shape keeps the size's sign, not the size, or every distinct
 * size would make its own shape.
 */
import { columnsOf, type Expr, readAsSign } from "./expr.js";
import { failureClass } from "./facts.js";
import type { ColumnName } from "./schema.js";
import { type Dialect, ident } from "./sql.js";

/**
 * The columns of a shape: the file and format, the body verdict, what the failure class reads, and
 * what `exprs` read (the rules' conditions and checked values); `as`: the size as its sign when
 * that is all the expressions read of it.
 */
export function shapeColumns(
  d: Dialect,
  exprs: readonly Expr[],
): { columns: ColumnName[]; as: Partial<Record<ColumnName, string>> } {
  const all = [failureClass, ...exprs];
  const names = new Set<ColumnName>(["file", "format", "status", "body_flagged"]);
  for (const e of all) columnsOf(e, names);
  const q = ident(d, "size");
  const sign = names.has("size") && all.every((e) => readAsSign(e, "size"));
  return {
    columns: [...names],
    as: sign
      ? {
          size: `CASE WHEN ${q} IS NULL THEN NULL WHEN ${q} > 0 THEN 1 WHEN ${q} < 0 THEN -1 ELSE 0 END`,
        }
      : {},
  };
}
