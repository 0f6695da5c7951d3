import { describe, expect, it } from "vitest";
import { formatHttpDate, parseHttpDate } from "../../../src/semantics/headers/http-date.js";

describe("regressions found by the property tests", () => {
  it("reads the years 0000–0099 as written, not as 1900–1999 (Date.UTC's legacy rule)", () => {
    // Expected values from Python's proleptic Gregorian datetime, not from JavaScript's Date.
    expect(parseHttpDate("Sat, 01 Jan 0050 00:00:00 GMT")).toBe(-60_589_296_000_000);
    expect(parseHttpDate("Sat, 01 Jan 0000 00:00:00 GMT")).toBe(-62_167_219_200_000);
    expect(parseHttpDate("Sat Jan  1 00:00:00 0000")).toBe(-62_167_219_200_000);
    expect(parseHttpDate("Fri, 31 Dec 0099 23:59:59 GMT")).toBe(-59_011_459_201_000);
  });

  it("refuses a year that is not four digits instead of reading it as year -1", () => {
    expect(parseHttpDate("Thu, 01 Jan  970 00:00:00 GMT")).toBeUndefined();
    expect(parseHttpDate("Thu, 01 Jan 19x0 00:00:00 GMT")).toBeUndefined();
    expect(parseHttpDate("Thu Jan  1 00:00:00  970")).toBeUndefined();
  });

  it("still rejects a day the month does not have, in the early years too", () => {
    expect(parseHttpDate("Sat, 29 Feb 0001 00:00:00 GMT")).toBeUndefined();
    expect(parseHttpDate("Tue, 29 Feb 0000 00:00:00 GMT")).toBe(-62_162_121_600_000);
    expect(formatHttpDate(-62_162_121_600_000)).toBe("Tue, 29 Feb 0000 00:00:00 GMT");
  });
});
