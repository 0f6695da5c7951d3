/**
 * The fast way in (LineFormat.readFlat → Analysis.flat) must count exactly what the whole way
 * (decode → parse → Analysis.source) counts: for every line readFlat accepts, parse agrees on the
 * fields, and a summary made either way is the same bytes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Analysis } from "../../../src/audit/engine.js";
import type { Exchange } from "../../../src/audit/exchange.js";
import { flatPath } from "../../../src/audit/flat.js";
import { type FlatRecord, isMalformed, type LineFormat } from "../../../src/audit/source.js";
import { decodeLine, visitLines } from "../../../src/audit/sources/byte-lines.js";
import { clf, combined } from "../../../src/audit/sources/clf.js";
import { safeParse } from "../../../src/audit/sources/fields.js";
import { lineBatches } from "../../../src/audit/sources/lines.js";
import { methodLabel } from "../../../src/audit/template.js";
import { mutated } from "./arbitraries.js";

const LINES = [
  '203.0.113.9 - - [24/Nov/2026:19:00:01 +0000] "GET /api/v1/users/42?x=1 HTTP/1.1" 200 512 "-" "curl/8"',
  '203.0.113.9 - alice [24/Nov/2026:19:00:01 +0130] "HEAD /files/a1b2c3d4e5f60718 HTTP/1.1" 200 17 "https://x/" "Mozilla/5.0"',
  '10.0.0.1 - - [01/Jan/2024:00:00:00 -0800] "DELETE /api/v1/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301 HTTP/2.0" 204 - "-" "ok"',
  '10.0.0.1 - - [29/Feb/2024:23:59:60 +0000] "POST /api/v1/orders HTTP/1.1" 499 0 "-" "-"',
  '10.0.0.1 - - [05/May/2025:10:05:03 +0000] "OPTIONS * HTTP/1.1" 200 0 "-" "-"',
  '10.0.0.1 - - [05/May/2025:10:05:03 +0000] "GET /static/app.3f2a9c1d.js HTTP/1.1" 304 0 "-" "-" extra fields',
  '10.0.0.1 - - [05/May/2025:10:05:03 +0000] "PATCH /a%20b/c HTTP/1.1" 422 88',
  '10.0.0.1 - - [05/May/2025:10:05:03.250 +0000] "GET / HTTP/1.1" 200 1',
  '10.0.0.1 - - [05/May/2025:10:05:03 +0000] "BREW /pot HTTP/1.1" 418 1 "-" "-"',
  '10.0.0.2, 10.0.0.1, 127.0.0.1 - - [05/May/2025:10:05:03 +0000] "GET /a HTTP/1.1" 200 1 "-" "-"',
  '10.0.0.1 - - [05/May/2025:10:05:03 +0000] "GET /café/x?q=é HTTP/1.1" 200 1 "-" "-"',
  '10.0.0.1 - - [05/May/2025:10:05:03 +0000] "GET /a/b?q=é HTTP/1.1" 200 1 "-" "-"',
];

const line = fc.oneof(fc.constantFrom(...LINES), mutated(LINES));

const newRec = (): FlatRecord => ({
  status: 0,
  method: "",
  size: 0,
  time: 0,
  bytes: new Uint8Array(0),
  pathStart: 0,
  targetEnd: 0,
});

/** What readFlat read, with its path as a string. */
function read(rec: FlatRecord) {
  return {
    status: rec.status,
    method: rec.method,
    size: rec.size,
    time: rec.time,
    path: flatPath(rec.bytes, rec.pathStart, rec.targetEnd),
  };
}

function fieldsOf(ex: Exchange) {
  return {
    status: ex.response?.status ?? -1,
    method: methodLabel(ex.request.method),
    size: ex.response?.size ?? -1,
    time: ex.time ?? Number.NaN,
    path: ex.request.path,
  };
}

describe.each([
  ["combined", combined],
  ["clf", clf],
] as const)("%s: readFlat reads what parse reads", (_name, format: LineFormat) => {
  it("reads lines of the plain shape, and leaves the others to parse", () => {
    const accepted = LINES.map((text) => {
      const b = Buffer.from(text);
      return format.readFlat!(b, 0, b.length, newRec());
    });
    // Fractional seconds, "OPTIONS *", an unknown method: parse reads them.
    // A forwarded-for list in %h is parse's to read too.
    // A path that is not ASCII is read too: the engine leaves it to parse (flatPath), not so a
    // query that is not ASCII.
    expect(accepted).toEqual([
      true,
      true,
      true,
      true,
      false,
      true,
      true,
      false,
      false,
      false,
      true,
      true,
    ]);
    const paths = LINES.slice(-2).map((text) => {
      const b = Buffer.from(text);
      const rec = newRec();
      format.readFlat!(b, 0, b.length, rec);
      return flatPath(rec.bytes, rec.pathStart, rec.targetEnd);
    });
    expect(paths).toEqual([undefined, "/a/b"]);
  });

  it("the engine parses a line whose path is not ASCII whole (its summary is the whole way's)", () => {
    const b = Buffer.from(LINES[10]!);
    const analysis = new Analysis();
    const flat = analysis.flat("f", format.format, format.capabilities);
    const rec = newRec();
    expect(format.readFlat!(b, 0, b.length, rec)).toBe(true);
    expect(flat(rec)).toBe(false);
    expect(analysis.summary().exchanges).toBe(0);
  });

  it("every line readFlat accepts parses to an exchange with the same fields, and no more that counts", () => {
    fc.assert(
      fc.property(line, (text) => {
        const bytes = Buffer.from(text, "utf8");
        const rec = newRec();
        if (!format.readFlat!(bytes, 0, bytes.length, rec)) return;
        // A path that is not ASCII: the engine parses the line whole.
        if (flatPath(rec.bytes, rec.pathStart, rec.targetEnd) === undefined) return;
        const ex = safeParse(format, decodeLine(bytes, 0, bytes.length), "f", 1);
        expect(ex !== undefined && !isMalformed(ex)).toBe(true);
        const e = ex as Exchange;
        expect(read(rec)).toEqual(fieldsOf(e));
        expect(e.upstream).toBeUndefined();
        expect(e.response?.headers).toBeUndefined();
        expect(e.response?.body).toBeUndefined();
        expect(rec.method).toBe(e.request.method);
      }),
      { numRuns: 3000 },
    );
  });

  it("a summary made the fast way is the summary made the whole way (any lines, any chunking)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 40 }),
        fc.integer({ min: 1, max: 300 }),
        async (lines, chunkSize) => {
          const text = `${lines.join("\n")}\n`;
          const bytes = Buffer.from(text, "utf8");
          const chunks: Buffer[] = [];
          for (let i = 0; i < bytes.length; i += chunkSize)
            chunks.push(bytes.subarray(i, i + chunkSize));
          // The whole way: lineBatches → parse → source.
          const whole = new Analysis({ maxFindings: 5 });
          const addW = whole.source("f", format.format, format.capabilities);
          for await (const batch of lineBatches(chunks, 4096)) {
            batch.lines.forEach((l, i) => {
              if (l === null || l.length === 0) return;
              const r = safeParse(format, l, "f", batch.firstLine + i);
              if (r !== undefined) addW(r);
            });
          }
          // The fast way: visitLines → readFlat → flat, else parse.
          const fast = new Analysis({ maxFindings: 5 });
          const addF = fast.source("f", format.format, format.capabilities);
          const flat = fast.flat("f", format.format, format.capabilities);
          const rec = newRec();
          await visitLines(
            chunks,
            (b, start, end, n) => {
              if (start < 0 || end === start) return;
              if (format.readFlat!(b, start, end, rec) && flat(rec)) return;
              const r = safeParse(format, decodeLine(b, start, end), "f", n);
              if (r !== undefined) addF(r);
            },
            4096,
          );
          expect(JSON.stringify(fast.summary())).toBe(JSON.stringify(whole.summary()));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("visitLines", () => {
  it("visits the lines lineBatches gives, numbered the same, whatever the chunking", async () => {
    const piece = fc.oneof(
      fc.constantFrom("a", "bc", "\n", "\r\n", "\r", "é", "\ufeff", "x".repeat(40)),
      fc.string({ maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 40 }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        async (pieces, chunkSize, bom) => {
          const bytes = Buffer.from(`${bom ? "\ufeff" : ""}${pieces.join("")}`, "utf8");
          const chunks: Buffer[] = [];
          for (let i = 0; i < bytes.length; i += chunkSize)
            chunks.push(bytes.subarray(i, i + chunkSize));
          const expected: [number, string | null][] = [];
          for await (const batch of lineBatches(chunks, 32))
            batch.lines.forEach((l, i) => {
              expected.push([batch.firstLine + i, l]);
            });
          const got: [number, string | null][] = [];
          const count = await visitLines(
            chunks,
            (b, start, end, n) => {
              got.push([n, start < 0 ? null : decodeLine(b, start, end)]);
            },
            32,
          );
          expect(got).toEqual(expected);
          expect(count).toBe(expected.length);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
