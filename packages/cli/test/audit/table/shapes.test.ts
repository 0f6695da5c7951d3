import { describe, expect, it } from "vitest";
import { and, col, eq, gt, isNull, lit, ne, not, or } from "../../../src/audit/table/expr.js";
import { shapeColumns } from "../../../src/audit/table/shapes.js";

const sizeAs = (exprs: Parameters<typeof shapeColumns>[1]) => shapeColumns("duckdb", exprs).as.size;

describe("shapeColumns", () => {
  it("keeps what the class, the files and the given expressions read", () => {
    const { columns } = shapeColumns("duckdb", [eq(col("www_authenticate"), "x")]);
    expect(columns).toEqual(
      expect.arrayContaining(["file", "format", "status", "body_flagged", "www_authenticate"]),
    );
    expect(columns).not.toContain("line");
    expect(columns).not.toContain("target");
  });

  it("keeps only the sign of a size that is compared with 0 and tested for NULL", () => {
    const sql = sizeAs([
      and(eq(col("method"), "HEAD"), or(isNull(col("size")), ne(col("size"), 0))),
      not(isNull(col("size"))),
    ]);
    expect(sql).toMatch(/^CASE WHEN "size" IS NULL THEN NULL WHEN "size" > 0 THEN 1/);
  });

  it("keeps the size itself when an expression reads more of it", () => {
    expect(sizeAs([gt(col("size"), 100)])).toBeUndefined();
    expect(sizeAs([ne(col("size"), 0), eq(col("size"), lit(17))])).toBeUndefined();
    expect(shapeColumns("duckdb", [gt(col("size"), 100)]).columns).toContain("size");
  });
});
