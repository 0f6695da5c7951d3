/** The duration and size parsers: total (never throw), exact on well-formed input. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDuration, parseSize } from "../../src/gateway/units.js";

describe("parseDuration / parseSize", () => {
  it("never throw, and give a positive integer or undefined", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.anything()), (v) => {
        for (const r of [parseDuration(v), parseSize(v)])
          expect(r === undefined || (Number.isInteger(r) && r >= 1)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it("read every unit exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), (n) => {
        expect(parseDuration(`${n}ms`)).toBe(n);
        expect(parseDuration(`${n}s`)).toBe(n * 1_000);
        expect(parseDuration(`${n}m`)).toBe(n * 60_000);
        expect(parseDuration(n)).toBe(n);
        expect(parseSize(`${n}kb`)).toBe(n * 1_024);
        expect(parseSize(`${n}MB`)).toBe(n * 1_048_576);
        expect(parseSize(n)).toBe(n);
      }),
    );
  });

  it("refuse what is not one", () => {
    for (const v of [
      "",
      "5",
      "5x",
      "-1s",
      "0ms",
      "1e3s",
      " ",
      "5 s s",
      Number.NaN,
      0,
      -3,
      "1".repeat(40),
    ])
      expect(parseDuration(v)).toBeUndefined();
    for (const v of ["", "1tb", "-1", "0", "1.5.5kb", Number.POSITIVE_INFINITY, 0.5])
      expect(parseSize(v)).toBeUndefined();
  });
});
