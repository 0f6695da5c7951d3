import { readFileSync, statSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SourceRecord } from "../../../src/audit/source.js";
import { clf } from "../../../src/audit/sources/clf.js";
import { lineBatches } from "../../../src/audit/sources/lines.js";
import {
  alignRange,
  rangeBatches,
  rangeChunks,
  splitRanges,
} from "../../../src/audit/sources/range.js";
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

  it("rangeChunks: the range's bytes, in chunks read into one reused buffer", async () => {
    const path = write(dir, "c.log", "0123456789abcdefghij\nklmnopqrstuvwxyz\n");
    const bytes = readFileSync(path);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: bytes.length }),
        fc.integer({ min: 0, max: bytes.length + 5 }),
        fc.integer({ min: 1, max: 16 }),
        async (start, end, chunk) => {
          const got: Buffer[] = [];
          const buffers = new Set<ArrayBufferLike>();
          for await (const c of rangeChunks(path, { start, end }, chunk)) {
            got.push(Buffer.from(c));
            buffers.add(c.buffer);
          }
          expect(Buffer.concat(got).toString()).toBe(bytes.subarray(start, end).toString());
          expect(buffers.size).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("lineBatches over reused chunks gives the lines of fresh chunks (nothing kept points into the buffer)", async () => {
    const text = fc.array(
      fc.oneof(fc.string({ maxLength: 30 }), fc.constant("é€ long line ".repeat(4))),
      { maxLength: 40 },
    );
    await fc.assert(
      fc.asyncProperty(text, fc.integer({ min: 1, max: 24 }), async (lines, chunk) => {
        const body = lines.join("\n").replace(/\r/g, "");
        const path = write(dir, "p.log", body);
        const size = Buffer.byteLength(body);
        const reused: (string | null)[] = [];
        for await (const b of lineBatches(rangeChunks(path, { start: 0, end: size }, chunk), 40))
          reused.push(...b.lines);
        const fresh: (string | null)[] = [];
        async function* copies() {
          for await (const c of rangeChunks(path, { start: 0, end: size }, chunk))
            yield Buffer.from(c);
        }
        for await (const b of lineBatches(copies(), 40)) fresh.push(...b.lines);
        expect(reused).toEqual(fresh);
      }),
      { numRuns: 150 },
    );
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
