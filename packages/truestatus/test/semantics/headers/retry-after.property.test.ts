import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseHttpDate } from "../../../src/semantics/headers/http-date.js";
import {
  buildRetryAfter,
  MAX_DELAY_SECONDS,
  parseRetryAfter,
  retryAfterSeconds,
} from "../../../src/semantics/headers/retry-after.js";
import {
  anyString,
  isFieldSafe,
  mutated,
  refusalViolation,
  resultViolation,
} from "./arbitraries.js";

const RUNS = { numRuns: 1000 };

const MIN_MS = -62_167_219_200_000; // 0000-01-01T00:00:00Z
const MAX_MS = 253_402_300_799_000; // 9999-12-31T23:59:59Z
const wholeSecondDate = fc
  .integer({ min: MIN_MS / 1000, max: MAX_MS / 1000 })
  .map((s) => new Date(s * 1000));

const delay = fc.integer({ min: 0, max: MAX_DELAY_SECONDS });

describe("Retry-After round trip", () => {
  it("delay-seconds: parse(build(n)) is a delay of n", () => {
    fc.assert(
      fc.property(delay, (n) => {
        expect(parseRetryAfter(buildRetryAfter(n))).toEqual({
          ok: true,
          value: { kind: "delay", seconds: n },
        });
      }),
      RUNS,
    );
  });

  it("a fractional delay is rounded up, never down to a shorter wait", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (x) => {
        const r = parseRetryAfter(buildRetryAfter(x));
        expect(r.ok).toBe(true);
        if (r.ok && r.value.kind === "delay") {
          expect(r.value.seconds).toBe(Math.ceil(x));
          expect(r.value.seconds).toBeGreaterThanOrEqual(x);
        } else {
          expect.unreachable("a delay");
        }
      }),
      RUNS,
    );
  });

  it("HTTP-date: parse(build(date)) is that date, for whole seconds in years 0000–9999", () => {
    fc.assert(
      fc.property(wholeSecondDate, (d) => {
        const r = parseRetryAfter(buildRetryAfter(d));
        expect(r).toEqual({ ok: true, value: { kind: "date", date: d } });
      }),
      RUNS,
    );
  });

  it("retryAfterSeconds agrees with the value it was built from", () => {
    fc.assert(
      fc.property(delay, wholeSecondDate, wholeSecondDate, (n, d, now) => {
        const a = parseRetryAfter(buildRetryAfter(n));
        expect(a.ok && retryAfterSeconds(a.value, now.getTime())).toBe(n);
        const b = parseRetryAfter(buildRetryAfter(d));
        const expected = Math.max(0, (d.getTime() - now.getTime()) / 1000);
        expect(b.ok && retryAfterSeconds(b.value, now.getTime())).toBe(expected);
      }),
      RUNS,
    );
  });
});

describe("buildRetryAfter refuses what it cannot send", () => {
  it("any Date: refused, or an HTTP-date that reads back as the same second", () => {
    const anyDate = fc.oneof(
      fc.date({ noInvalidDate: false }),
      fc.integer({ min: -8.64e15, max: 8.64e15 }).map((t) => new Date(t)),
    );
    fc.assert(
      fc.property(anyDate, (d) => {
        let text: string;
        try {
          text = buildRetryAfter(d);
        } catch {
          expect(refusalViolation(() => buildRetryAfter(d))).toBeUndefined();
          return;
        }
        expect(isFieldSafe(text)).toBe(true);
        expect(parseHttpDate(text)).toBe(Math.floor(d.getTime() / 1000) * 1000);
      }),
      RUNS,
    );
  });

  it("any number: refused, or digits that read back as the delay rounded up (at most 2^31)", () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        let text: string;
        try {
          text = buildRetryAfter(x);
        } catch {
          expect(refusalViolation(() => buildRetryAfter(x))).toBeUndefined();
          expect(Number.isFinite(x) && x >= 0).toBe(false);
          return;
        }
        expect(text).toMatch(/^\d+$/);
        expect(parseRetryAfter(text)).toEqual({
          ok: true,
          // + 0: -0 goes out as "0" and comes back as 0
          value: { kind: "delay", seconds: Math.min(Math.ceil(x), MAX_DELAY_SECONDS) + 0 },
        });
      }),
      RUNS,
    );
  });
});

describe("parseRetryAfter never throws", () => {
  it("on arbitrary and mutated input, and every error is well formed", () => {
    const input = fc.oneof(
      anyString,
      mutated(delay.map((n) => buildRetryAfter(n))),
      mutated(wholeSecondDate.map((d) => buildRetryAfter(d))),
    );
    fc.assert(
      fc.property(input, (s) => {
        expect(resultViolation(s, parseRetryAfter(s))).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it("an invalid_number error points at the offending character of the value as given", () => {
    const padded = fc
      .tuple(
        fc.constantFrom("", " ", "\t", "  "),
        fc.stringMatching(/^[0-9]{1,4}[^0-9][0-9a-z ]{0,3}$/),
        fc.constantFrom("", " "),
      )
      .map((p) => p.join(""));
    fc.assert(
      fc.property(padded, (s) => {
        const r = parseRetryAfter(s);
        if (!r.ok && r.error.code === "invalid_number") {
          expect(s[r.error.offset], JSON.stringify(s)).toMatch(/[^0-9]/);
          expect(s.slice(0, r.error.offset).trim()).toMatch(/^[0-9]*$/);
        }
      }),
      RUNS,
    );
  });
});
