import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatHttpDate, parseHttpDate } from "../../../src/semantics/headers/http-date.js";
import { anyString, mutated } from "./arbitraries.js";

const RUNS = { numRuns: 1000 };

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Epoch ms of a whole second in years 0000–9999, the range IMF-fixdate's 4DIGIT year covers. */
const MIN_MS = -62_167_219_200_000; // 0000-01-01T00:00:00Z
const MAX_MS = 253_402_300_799_000; // 9999-12-31T23:59:59Z
const wholeSecond = fc.integer({ min: MIN_MS / 1000, max: MAX_MS / 1000 }).map((s) => s * 1000);

/** The test's own writers for the three formats of RFC 9110 §5.6.7. */
function hms(d: Date): string {
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
function imfFixdate(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCFullYear(), 4)} ${hms(d)} GMT`;
}
function asctime(d: Date): string {
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${hms(d)} ${pad(d.getUTCFullYear(), 4)}`;
}
function rfc850(d: Date): string {
  return `${LONG_DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${pad(d.getUTCFullYear() % 100)} ${hms(d)} GMT`;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
function daysIn(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m]!;
}

describe("HTTP-date round trip", () => {
  it("parseHttpDate(formatHttpDate(t)) === t for every whole second in years 0000–9999", () => {
    fc.assert(
      fc.property(wholeSecond, (t) => {
        expect(parseHttpDate(formatHttpDate(t))).toBe(t);
        expect(parseHttpDate(formatHttpDate(new Date(t)))).toBe(t);
      }),
      RUNS,
    );
  });

  it("formatHttpDate writes IMF-fixdate, exactly as the RFC 9110 grammar spells it", () => {
    fc.assert(
      fc.property(wholeSecond, (t) => {
        expect(formatHttpDate(t)).toBe(imfFixdate(new Date(t)));
      }),
      RUNS,
    );
  });

  it("the years 0000–0099 are not read as 1900–1999", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 11 }), (y, m) => {
        const d = new Date(0);
        d.setUTCFullYear(y, m, 1);
        expect(parseHttpDate(imfFixdate(d))).toBe(d.getTime());
      }),
      RUNS,
    );
  });

  it("reads asctime-date", () => {
    fc.assert(
      fc.property(wholeSecond, (t) => {
        expect(parseHttpDate(asctime(new Date(t)))).toBe(t);
      }),
      RUNS,
    );
  });

  it("reads rfc850-date, taking the two-digit year within 50 years of now", () => {
    const now = Date.UTC(2026, 5, 15);
    const around = fc.integer({ min: 2026 - 49, max: 2026 + 49 }).chain((year) =>
      fc
        .integer({
          min: Date.UTC(year, 0, 1) / 1000,
          max: Date.UTC(year, 11, 31, 23, 59, 59) / 1000,
        })
        .map((s) => s * 1000),
    );
    fc.assert(
      fc.property(around, (t) => {
        expect(parseHttpDate(rfc850(new Date(t)), now)).toBe(t);
      }),
      RUNS,
    );
  });

  it("accepts a day of the month only if the month has it (no 31 Feb rolling into March)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, day) => {
          const text = `Mon, ${pad(day)} ${MONTHS[m]} ${pad(y, 4)} 12:00:00 GMT`;
          const got = parseHttpDate(text);
          if (day > daysIn(y, m)) {
            expect(got).toBeUndefined();
          } else {
            const d = new Date(0);
            d.setUTCFullYear(y, m, day);
            expect(got).toBe(d.getTime() + 12 * 3600_000);
          }
        },
      ),
      RUNS,
    );
  });
});

describe("parseHttpDate accepts the grammar and nothing else", () => {
  const D = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
  const M = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
  const T = "\\d\\d:\\d\\d:\\d\\d";
  const GRAMMAR = [
    new RegExp(`^${D}, \\d\\d ${M} \\d{4} ${T} GMT$`),
    new RegExp(`^${D} ${M} (?:\\d\\d| \\d) ${T} \\d{4}$`),
    new RegExp(
      `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d\\d-${M}-\\d\\d ${T} GMT$`,
    ),
  ];
  it("whatever it accepts is an IMF-fixdate, asctime-date or rfc850-date (RFC 9110 §5.6.7)", () => {
    const near = fc.oneof(
      mutated(wholeSecond.map(formatHttpDate)),
      mutated(wholeSecond.map((t) => asctime(new Date(t)))),
      mutated(wholeSecond.map((t) => rfc850(new Date(t)))),
    );
    fc.assert(
      fc.property(near, (s) => {
        if (parseHttpDate(s, 0) !== undefined)
          expect(
            GRAMMAR.some((g) => g.test(s)),
            JSON.stringify(s),
          ).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("parseHttpDate never throws", () => {
  it("on arbitrary and mutated input; the answer is undefined or a whole-second time", () => {
    const input = fc.oneof(
      anyString,
      mutated(wholeSecond.map(formatHttpDate)),
      mutated(wholeSecond.map((t) => asctime(new Date(t)))),
      mutated(wholeSecond.map((t) => rfc850(new Date(t)))),
    );
    fc.assert(
      fc.property(input, fc.integer({ min: -8.64e15, max: 8.64e15 }), (s, now) => {
        const t = parseHttpDate(s, now);
        if (t !== undefined) {
          expect(Number.isSafeInteger(t)).toBe(true);
          expect(t % 1000 === 0).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
