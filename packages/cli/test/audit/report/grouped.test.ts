import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grouped } from "../../../src/audit/report/grouped.js";

describe("grouped", () => {
  it('is toLocaleString("en-US") for any number', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double(), fc.constantFrom(0, -0, 1e21)),
        (n) => {
          expect(grouped(n)).toBe(n.toLocaleString("en-US"));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
