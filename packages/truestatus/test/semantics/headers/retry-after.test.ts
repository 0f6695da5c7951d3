import { describe, expect, it } from "vitest";
import { HeaderValueError } from "../../../src/semantics/errors.js";
import { buildRetryAfter, parseRetryAfter } from "../../../src/semantics/headers/retry-after.js";

describe("regressions found by the property tests", () => {
  it("refuses a Date whose year has no 4-digit HTTP-date instead of sending an unparseable one", () => {
    // toUTCString() gives "Sat, 01 Jan 10000 …" and "… -0001 …", which no recipient can read.
    expect(() => buildRetryAfter(new Date("+010000-01-01T00:00:00Z"))).toThrow(HeaderValueError);
    expect(() => buildRetryAfter(new Date("-000001-01-01T00:00:00Z"))).toThrow(HeaderValueError);
    expect(buildRetryAfter(new Date("9999-12-31T23:59:59Z"))).toBe("Fri, 31 Dec 9999 23:59:59 GMT");
  });

  it("a Date in the years 0000–0099 comes back as itself", () => {
    const d = new Date("0042-06-01T12:00:00Z");
    expect(parseRetryAfter(buildRetryAfter(d))).toEqual({
      ok: true,
      value: { kind: "date", date: d },
    });
  });

  it("error offsets count leading whitespace, pointing at the offending character", () => {
    const r = parseRetryAfter("  12x");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("invalid_number");
      expect(r.error.offset).toBe(4);
    }
    const neg = parseRetryAfter(" -5");
    expect(!neg.ok && neg.error.offset).toBe(1);
  });
});

describe("Retry-After whitespace", () => {
  it("tolerates SP and HTAB around the value, but not LF or NBSP", () => {
    expect(parseRetryAfter(" \t120\t ").ok).toBe(true);
    expect(parseRetryAfter("120\n").ok).toBe(false);
    expect(parseRetryAfter("\u00a0120").ok).toBe(false);
  });
});
