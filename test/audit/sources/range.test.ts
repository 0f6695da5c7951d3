import { statSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SourceRecord } from "../../../src/audit/source.js";
import { clf } from "../../../src/audit/sources/clf.js";
import { alignRange, rangeBatches, splitRanges } from "../../../src/audit/sources/range.js";
import { exchanges, tempDir, write } from "./helpers.js";

const dir = tempDir();
const line = (i: number) =>
  `10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET /n/${i}${"x".repeat(i % 17)} HTTP/1.1" 200 ${i}`;

describe("byte ranges for workers", () => {
  it("ranges that tile a file give every line once, in order, whatever the cut points", async () => {
    const path = write(
      dir,
      "r.log",
      `${Array.from({ length: 3000 }, (_, i) => line(i + 1)).join("\n")}\n`,
    );
    const size = statSync(path).size;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: size - 1 }), { maxLength: 6 }),
        async (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), size];
          const seen: number[] = [];
          for (let k = 0; k + 1 < points.length; k++) {
            const r = await alignRange(path, { start: points[k]!, end: points[k + 1]! }, size);
            const records: SourceRecord[] = [];
            for await (const b of rangeBatches(path, clf, r)) records.push(...b);
            for (const e of exchanges(records)) seen.push(e.response!.size!);
          }
          expect(seen).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
        },
      ),
      { numRuns: 25 },
    );
  });

  it("a parser that throws costs a malformed record, not the analysis", async () => {
    const path = write(dir, "t.log", "a\nb\n");
    const throwing = {
      ...clf,
      parse: () => {
        throw new Error("boom");
      },
    };
    const records: SourceRecord[] = [];
    for await (const b of rangeBatches(path, throwing, { start: 0, end: 4 }, 10))
      records.push(...b);
    expect(records).toEqual([
      { malformed: true, reason: "clf parser failed: boom", file: path, line: 10 },
      { malformed: true, reason: "clf parser failed: boom", file: path, line: 11 },
    ]);
  });

  it("splitRanges covers the file", () => {
    expect(splitRanges(1_000_000, 4)).toEqual([
      { start: 0, end: 250000 },
      { start: 250000, end: 500000 },
      { start: 500000, end: 750000 },
      { start: 750000, end: 1000000 },
    ]);
    expect(splitRanges(100, 4)).toEqual([{ start: 0, end: 100 }]);
  });
});
