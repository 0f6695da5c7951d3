import { describe, expect, it } from "vitest";
import { HeaderValueError } from "../../../src/semantics/errors.js";
import {
  DisplayString,
  parseItem,
  parseList,
  serializeItem,
} from "../../../src/semantics/headers/structured-fields.js";

describe("regressions found by the property tests and the RFC 9651 suite", () => {
  it("a Date too large for a JavaScript Date fails instead of parsing to Invalid Date", () => {
    // RFC 9651 allows ±999,999,999,999,999 seconds; a JS Date holds ±8.64e12 s. The suite marks
    // these "can_fail"; returning an Invalid Date (which then cannot be serialized) is neither.
    for (const text of ["@999999999999999", "@-999999999999999", "@8640000000001"]) {
      const r = parseItem(text);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe("number_out_of_range");
        expect(r.error.offset).toBe(1);
      }
    }
    expect(parseList("a;d=@999999999999999").ok).toBe(false);
  });

  it("the largest dates a JavaScript Date holds still parse", () => {
    const max = parseItem("@8640000000000");
    expect(max.ok && (max.value.value as Date).getTime()).toBe(8_640_000_000_000_000);
    const min = parseItem("@-8640000000000");
    expect(min.ok && (min.value.value as Date).getTime()).toBe(-8_640_000_000_000_000);
  });

  it("a DisplayString with a lone surrogate is refused instead of sent as U+FFFD", () => {
    for (const text of ["\ud800", "a\udfffb", "\udc00\ud800"]) {
      expect(() => serializeItem({ value: new DisplayString(text), params: new Map() })).toThrow(
        HeaderValueError,
      );
    }
    // A well-formed pair is one code point (U+1F600) and is sent as its four UTF-8 bytes.
    expect(serializeItem({ value: new DisplayString("\ud83d\ude00"), params: new Map() })).toBe(
      '%"%f0%9f%98%80"',
    );
  });
});
