import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lineBatches } from "../../../src/audit/sources/lines.js";

async function collect(chunks: Buffer[], max: number): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  let expected = 1;
  for await (const b of lineBatches(
    (async function* () {
      yield* chunks;
    })(),
    max,
  )) {
    expect(b.firstLine).toBe(expected);
    out.push(...b.lines);
    expected += b.lines.length;
  }
  return out;
}

function cut(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  let k = 0;
  while (pos < bytes.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]!);
    out.push(bytes.subarray(pos, pos + n));
    pos += n;
  }
  return out;
}

describe("lineBatches", () => {
  it("gives the lines of the text (CR LF and a last line without LF too), whatever the chunks", async () => {
    const text = fc.string({
      unit: fc.constantFrom("a", "é", "€", "😀", "\n", "\r\n", " ", "\r"),
      maxLength: 200,
    });
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }),
        async (t, sizes) => {
          const expected = t.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
          if (t.endsWith("\n") || t.length === 0) expected.pop();
          expect(await collect(cut(Buffer.from(t), sizes), 1 << 20)).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("reports lines over the limit as null and goes on, wherever the chunks cut", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 23 }), { minLength: 1, maxLength: 4 }),
        async (lengths, sizes) => {
          const lines = lengths.map((n, i) => String.fromCharCode(97 + (i % 26)).repeat(n));
          const got = await collect(cut(Buffer.from(`${lines.join("\n")}\n`), sizes), 20);
          expect(got).toEqual(lines.map((l) => (l.length > 20 ? null : l)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("drops a UTF-8 byte order mark at the start", async () => {
    expect(await collect([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("a\nb")], 100)).toEqual([
      "a",
      "b",
    ]);
  });
});
