import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildAllow, parseAllow } from "../../../src/semantics/headers/allow.js";
import {
  anyString,
  httpToken,
  mutated,
  refusalViolation,
  resultViolation,
  withCrLfNul,
} from "./arbitraries.js";

const RUNS = { numRuns: 1000 };

const method = fc.oneof(
  fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"),
  httpToken,
);
const methods = fc.array(method, { maxLength: 8 });
const dedupe = (xs: readonly string[]) => [...new Set(xs)];

describe("Allow round trip", () => {
  it("parse(build(methods)) is the methods, first occurrence kept, case kept", () => {
    fc.assert(
      fc.property(methods, (ms) => {
        expect(parseAllow(buildAllow(ms))).toEqual({ ok: true, value: dedupe(ms) });
      }),
      RUNS,
    );
  });

  it("an empty Allow is no methods (RFC 9110 §10.2.1)", () => {
    expect(buildAllow([])).toBe("");
    expect(parseAllow("")).toEqual({ ok: true, value: [] });
  });

  it("reads OWS and empty list elements (RFC 9110 §5.6.1)", () => {
    const sep = fc.constantFrom(",", ", ", " ,", "\t,\t", ", ,", ",,,", " , , ");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(method, sep), { maxLength: 8 }),
        fc.constantFrom("", " ", ", "),
        (pairs, lead) => {
          const text = lead + pairs.map(([m, s]) => m + s).join("");
          expect(parseAllow(text)).toEqual({ ok: true, value: dedupe(pairs.map(([m]) => m)) });
        },
      ),
      RUNS,
    );
  });

  it("several field lines parse as their concatenation", () => {
    fc.assert(
      fc.property(fc.array(methods, { maxLength: 4 }), (lines) => {
        expect(parseAllow(lines.map((l) => buildAllow(l)))).toEqual({
          ok: true,
          value: dedupe(lines.flat()),
        });
      }),
      RUNS,
    );
  });
});

describe("parseAllow never throws", () => {
  it("on arbitrary and mutated input, and every error is well formed", () => {
    fc.assert(
      fc.property(fc.oneof(anyString, mutated(methods.map((ms) => buildAllow(ms)))), (s) => {
        expect(resultViolation(s, parseAllow(s))).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});

describe("buildAllow refuses what is not a method token", () => {
  it("CR, LF or NUL, among valid methods", () => {
    fc.assert(
      fc.property(methods, withCrLfNul, fc.nat(), (ms, bad, at) => {
        const list = [...ms];
        list.splice(at % (list.length + 1), 0, bad);
        expect(refusalViolation(() => buildAllow(list))).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("the empty string, whitespace, commas and other delimiters", () => {
    const notToken = fc
      .tuple(
        fc.string({ maxLength: 4 }),
        fc.constantFrom("", " ", ",", '"', "(", "\t", "é"),
        fc.string({ maxLength: 4 }),
      )
      .map((p) => p.join(""))
      .filter((s) => !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s));
    fc.assert(
      fc.property(notToken, (m) => {
        expect(refusalViolation(() => buildAllow([m]))).toBeUndefined();
      }),
      RUNS,
    );
  });
});
