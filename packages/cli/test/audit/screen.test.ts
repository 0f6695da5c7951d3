import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Screen } from "../../src/audit/rule.js";
import { RULES } from "../../src/audit/rules/index.js";
import { anyScreen, rememberedScreen, sizeSign } from "../../src/audit/screen.js";
import { and, col, eq, gt, ne } from "../../src/audit/table/expr.js";
import { defineTableRule } from "../../src/audit/table/form.js";

const METHODS = ["GET", "HEAD", "POST", "OPTIONS", "DELETE", "BREW", "get", ""];
// The statuses the rules are about come up often, so that one table meets each of them with
// several methods and sizes.
const status = fc.oneof(
  fc.constantFrom(-1, 100, 200, 201, 204, 205, 304, 401, 403, 405, 429, 500, 503),
  fc.integer({ min: -1, max: 999 }),
  fc.integer({ min: -5, max: 100_000 }),
);
const method = fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 8 }));
const size = fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: -3, max: 1 << 30 }));

const screens = RULES.flatMap((r) => (r.screen === undefined ? [] : [r.screen]));

describe("sizeSign", () => {
  it("keeps only whether there was a body", () => {
    expect([-1, -7, 0, 1, 1625704].map(sizeSign)).toEqual([-1, -1, 0, 1, 1]);
  });
});

describe("rememberedScreen", () => {
  it("answers as every rule's screen does, for any status, method and size", () => {
    const remembered = RULES.filter((r) => r.screen !== undefined).map((r) => ({
      id: r.id,
      direct: r.screen!,
      table: rememberedScreen(r.screen!),
    }));
    fc.assert(
      fc.property(fc.array(fc.tuple(status, method, size), { maxLength: 200 }), (xs) => {
        for (const [s, m, z] of xs)
          for (const r of remembered)
            expect([r.id, r.table(s, m, z)]).toEqual([r.id, r.direct(s, m, sizeSign(z))]);
      }),
    );
  });

  it("answers the union of the screens as anyScreen does", () => {
    const direct = anyScreen(screens);
    const table = rememberedScreen(direct);
    fc.assert(
      fc.property(status, method, size, (s, m, z) => {
        expect(table(s, m, z)).toBe(direct(s, m, sizeSign(z)));
      }),
    );
  });

  it("computes each (method, status, sign) once, and calls through past its bounds", () => {
    const calls: [number, string, number][] = [];
    const screen: Screen = (s, m, z) => {
      calls.push([s, m, z]);
      return s === 204 && z !== 0;
    };
    const t = rememberedScreen(screen);
    expect([t(204, "GET", 17), t(204, "GET", 3), t(204, "GET", 0), t(204, "GET", -1)]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect(calls).toEqual([
      [204, "GET", 1],
      [204, "GET", 0],
      [204, "GET", -1],
    ]);
    // A status without a slot is computed each time (and still given the sign).
    t(1204, "GET", 5);
    t(1204, "GET", 5);
    expect(calls.slice(3)).toEqual([
      [1204, "GET", 1],
      [1204, "GET", 1],
    ]);
    // Past 32 methods, a new method is computed each time: memory stays bounded.
    for (let i = 0; i < 40; i++) t(200, `M${i}`, 0);
    const before = calls.length;
    t(200, "M39", 0);
    t(200, "M0", 0);
    expect(calls.length - before).toBe(1);
  });
});

describe("defineTableRule", () => {
  const meta = RULES[0]!.meta;
  const table = (about: ReturnType<typeof eq>) => ({
    about,
    when: eq(col("status"), 0),
    message: () => "m",
  });

  it("refuses an `about` that reads more of the size than its sign", () => {
    expect(() =>
      defineTableRule({ id: "big-body", meta, table: table(gt(col("size"), 1000)) }),
    ).toThrow('"about" may compare size with 0 only');
    expect(() =>
      defineTableRule({
        id: "some-body",
        meta,
        table: table(and(eq(col("status"), 204), ne(col("size"), 0))),
      }),
    ).not.toThrow();
  });
});
