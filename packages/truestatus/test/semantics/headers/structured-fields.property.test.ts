import fc from "fast-check";
import * as sh from "structured-headers";
import { describe, expect, it } from "vitest";
import type { ParseResult } from "../../../src/semantics/headers/result.js";
import {
  type BareItem,
  DisplayString,
  type Item,
  parseDictionary,
  parseItem,
  parseList,
  serializeBareItem,
  serializeDictionary,
  serializeItem,
  serializeList,
  Token,
} from "../../../src/semantics/headers/structured-fields.js";
import {
  anyString,
  charFrom,
  codeUnit,
  item,
  member,
  mutated,
  type Plain,
  plainBare,
  plainDictionary,
  plainList,
  plainMember,
  refusalViolation,
  resultViolation,
  SF_MAX_INTEGER,
  sfDictionary,
  sfKey,
  sfList,
  sfString,
  sfTokenString,
  withCrLfNul,
} from "./arbitraries.js";

const RUNS = { numRuns: 500 };

/** Valid but non-canonical text: list members joined with any OWS, padded with leading/trailing SP. */
const looseList = fc
  .tuple(
    fc.array(member, { minLength: 1, maxLength: 5 }),
    fc.array(fc.constantFrom(",", ", ", " ,", "\t,\t", " , \t "), { minLength: 5, maxLength: 5 }),
    fc.constantFrom("", " ", "   "),
    fc.constantFrom("", " ", "  "),
  )
  .map(([members, seps, lead, trail]) => ({
    members,
    text:
      lead +
      members.map((m, i) => (i === 0 ? "" : seps[i - 1]) + serializeList([m])).join("") +
      trail,
  }));

const serializedList = sfList.map((l) => serializeList(l));
const serializedDict = sfDictionary.map((d) => serializeDictionary(d));
const serializedItem = item.map((i) => serializeItem(i));

describe("round trip: parse(serialize(x)) equals x", () => {
  it("List", () => {
    fc.assert(
      fc.property(sfList, (list) => {
        const r = parseList(serializeList(list));
        expect(r.ok).toBe(true);
        if (r.ok) expect(plainList(r.value)).toEqual(plainList(list));
      }),
      RUNS,
    );
  });

  it("Dictionary", () => {
    fc.assert(
      fc.property(sfDictionary, (dict) => {
        const r = parseDictionary(serializeDictionary(dict));
        expect(r.ok).toBe(true);
        if (r.ok) expect(plainDictionary(r.value)).toEqual(plainDictionary(dict));
      }),
      RUNS,
    );
  });

  it("Item", () => {
    fc.assert(
      fc.property(item, (it) => {
        const r = parseItem(serializeItem(it));
        expect(r.ok).toBe(true);
        if (r.ok) expect(plainMember(r.value)).toEqual(plainMember(it));
      }),
      RUNS,
    );
  });

  it("serialization is canonical: serialize(parse(text)) reproduces a serialized text", () => {
    fc.assert(
      fc.property(sfList, (list) => {
        const text = serializeList(list);
        const r = parseList(text);
        expect(r.ok && serializeList(r.value)).toBe(text);
      }),
      RUNS,
    );
  });

  it("OWS around commas and SP around the value do not change a List (RFC 9651 §4.2)", () => {
    fc.assert(
      fc.property(looseList, ({ members, text }) => {
        const r = parseList(text);
        expect(r.ok, text).toBe(true);
        if (r.ok) expect(plainList(r.value)).toEqual(plainList(members));
      }),
      RUNS,
    );
  });

  it("several field lines parse as their comma-joined value (RFC 9651 §4.2)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(member, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
        (lines) => {
          const r = parseList(lines.map((l) => serializeList(l)));
          expect(r.ok).toBe(true);
          if (r.ok) expect(plainList(r.value)).toEqual(plainList(lines.flat()));
        },
      ),
      RUNS,
    );
  });
});

describe("parsers never throw, and every error is well formed", () => {
  const inputs = fc.oneof(
    anyString,
    mutated(serializedList),
    mutated(serializedDict),
    mutated(serializedItem),
  );
  for (const [name, parse] of [
    ["parseList", parseList],
    ["parseDictionary", parseDictionary],
    ["parseItem", parseItem],
  ] as const) {
    it(name, () => {
      fc.assert(
        fc.property(inputs, (s) => {
          expect(resultViolation(s, parse(s))).toBeUndefined();
        }),
        { numRuns: 1000 },
      );
    });
  }

  it("a character outside HTAB / SP / VCHAR anywhere makes every parser fail (RFC 9651 §4.2)", () => {
    const bad = fc.oneof(codeUnit(0, 0x08), codeUnit(0x0a, 0x1f), codeUnit(0x7f, 0xffff));
    fc.assert(
      fc.property(
        fc.oneof(serializedList, serializedDict, serializedItem),
        fc.nat(),
        bad,
        (text, at, ch) => {
          const i = at % (text.length + 1);
          const s = text.slice(0, i) + ch + text.slice(i);
          for (const parse of [parseList, parseDictionary, parseItem]) {
            const r = parse(s);
            expect(r.ok, JSON.stringify(s)).toBe(false);
            expect(resultViolation(s, r)).toBeUndefined();
          }
        },
      ),
      RUNS,
    );
  });
});

describe("serializers refuse what cannot be sent", () => {
  it("CR, LF or NUL in a string, token, key or parameter key", () => {
    fc.assert(
      fc.property(withCrLfNul, sfKey, (bad, key) => {
        const cases: (() => unknown)[] = [
          () => serializeBareItem(bad),
          () => serializeBareItem(new Token(bad)),
          () => serializeItem({ value: bad, params: new Map() }),
          () => serializeItem({ value: 1, params: new Map([[key, bad]]) }),
          () => serializeItem({ value: 1, params: new Map([[bad, 1]]) }),
          () => serializeList([{ items: [{ value: bad, params: new Map() }], params: new Map() }]),
          () => serializeDictionary(new Map([[bad, { value: 1, params: new Map() }]])),
          () => serializeDictionary(new Map([[key, { value: bad, params: new Map() }]])),
        ];
        for (const c of cases) expect(refusalViolation(c)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("a DisplayString carries any text: percent-encoded on the wire, or refused, never raw", () => {
    const text = fc.oneof(
      withCrLfNul,
      fc.string({ unit: "binary" }),
      fc.string({ unit: codeUnit(0, 0xffff) }),
    );
    fc.assert(
      fc.property(text, (s) => {
        let out: string;
        try {
          out = serializeBareItem(new DisplayString(s));
        } catch {
          expect(refusalViolation(() => serializeBareItem(new DisplayString(s)))).toBeUndefined();
          return;
        }
        expect(out).toMatch(/^%"[\x20-\x7e]*"$/);
        const r = parseItem(out);
        expect(r.ok && plainBare(r.value.value)).toEqual(["dstr", s]);
      }),
      RUNS,
    );
  });

  it("an Integer outside ±999,999,999,999,999 is refused", () => {
    const big = fc.oneof(
      fc.integer({ min: SF_MAX_INTEGER + 1, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -SF_MAX_INTEGER - 1 }),
    );
    fc.assert(
      fc.property(big, (n) => {
        expect(refusalViolation(() => serializeBareItem(n))).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("any finite number is refused or sent rounded to the nearest thousandth (RFC 9651 §4.1.5)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        let out: string;
        try {
          out = serializeBareItem(n);
        } catch {
          expect(refusalViolation(() => serializeBareItem(n))).toBeUndefined();
          expect(Math.abs(n)).toBeGreaterThan(999_999_999_999.999);
          return;
        }
        expect(out).toMatch(/^-?\d{1,15}$|^-?\d{1,12}\.\d{1,3}$/);
        const r = parseItem(out);
        expect(r.ok).toBe(true);
        if (r.ok) {
          const back = r.value.value as number;
          expect(Math.abs(back - n)).toBeLessThanOrEqual(0.0005 + Math.abs(n) * 1e-15);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("a Date that is not a whole number of seconds is refused", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }).filter((ms) => ms % 1000 !== 0),
        (ms) => {
          expect(refusalViolation(() => serializeBareItem(new Date(ms)))).toBeUndefined();
        },
      ),
      RUNS,
    );
  });
});

// ---- differential: our parser against the structured-headers package ------------------------------

type ShBare = sh.BareItem;

function shBare(v: ShBare): Plain {
  if (typeof v === "number") return ["num", Object.is(v, -0) ? 0 : v];
  if (typeof v === "string") return ["str", v];
  if (typeof v === "boolean") return ["bool", v];
  // Representation differences, normalised: structured-headers gives Token and DisplayString
  // classes of its own, an ArrayBuffer for a byte sequence, and a Date for a date.
  if (v instanceof sh.Token) return ["tok", v.toString()];
  if (v instanceof sh.DisplayString) return ["dstr", v.toString()];
  if (v instanceof Date) return ["date", v.getTime() / 1000];
  if (v instanceof ArrayBuffer) return plainBare(new Uint8Array(v));
  throw new Error(`unexpected structured-headers value ${String(v)}`);
}

function shParams(p: sh.Parameters): Plain {
  return [...p].map(([k, v]) => [k, shBare(v)]);
}

function shMember(m: sh.Item | sh.InnerList): Plain {
  if (sh.isInnerList(m)) return ["inner", m[0].map(shMember), shParams(m[1])];
  return ["item", shBare(m[0]), shParams(m[1])];
}

type Outcome = { ok: true; value: Plain } | { ok: false; message: string };

function theirs(run: () => Plain): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** Whether a plain value holds a Date (with these seconds, when given; NaN for an Invalid Date). */
function containsDate(p: Plain, seconds?: number): boolean {
  if (!Array.isArray(p)) return false;
  if (p[0] === "date") return seconds === undefined || Object.is(p[1], seconds);
  return p.some((x) => containsDate(x, seconds));
}

/**
 * Compares one input. Two divergences are known, and for each RFC 9651 decides for us:
 * - structured-headers reads a Date to the end of the input and fails on anything after it
 *   ("@1;a", "@1, 2"); §4.2.9 parses the Date as an Integer, which stops at the first non-digit.
 * - structured-headers lets characters above U+00FF into a Display String; §4.2 fails any input
 *   that is not ASCII, which our parser does (checked separately above).
 * And one where both fall short of the RFC's full range: a Date beyond what a JavaScript Date holds
 * (±8.64e12 s, inside the RFC's ±1e15). structured-headers returns an Invalid Date; we fail, which
 * the RFC test suite allows ("can_fail").
 */
function compare(input: string, ours: Outcome, shOutcome: Outcome): void {
  if (/[^\t\x20-\x7e]/.test(input)) {
    expect(ours.ok, "non-ASCII input must fail (RFC 9651 §4.2)").toBe(false);
    return;
  }
  if (
    !shOutcome.ok &&
    ours.ok &&
    shOutcome.message.includes("Expected a digit (0-9), whitespace or EOL")
  ) {
    expect(containsDate(ours.value), "only the known Date divergence may differ here").toBe(true);
    return;
  }
  if (
    !ours.ok &&
    ours.message.includes("a date beyond") &&
    shOutcome.ok &&
    containsDate(shOutcome.value, Number.NaN)
  ) {
    return;
  }
  expect(
    ours.ok,
    `accept/reject differs on ${JSON.stringify(input)}: ours ${JSON.stringify(ours)}, theirs ${JSON.stringify(shOutcome)}`,
  ).toBe(shOutcome.ok);
  if (ours.ok && shOutcome.ok) expect(ours.value).toEqual(shOutcome.value);
}

function outcome<T>(r: ParseResult<T>, plain: (v: T) => Plain): Outcome {
  return r.ok ? { ok: true, value: plain(r.value) } : { ok: false, message: r.error.message };
}

function toShBare(v: BareItem): ShBare {
  if (v instanceof Token) return new sh.Token(v.value);
  if (v instanceof DisplayString) return new sh.DisplayString(v.value);
  return v;
}

function hasLowControlInDisplayString(it: Item): boolean {
  return [it.value, ...it.params.values()].some(
    (v) => v instanceof DisplayString && [...v.value].some((c) => c.charCodeAt(0) < 0x10),
  );
}

describe("differential against structured-headers", () => {
  const shLooseList = looseList.map(({ text }) => text);
  const sfAlphabet = fc.string({
    unit: charFrom(' \t,;=()"\\:?@%*-._/+01aAzZ!#'),
    maxLength: 30,
  });
  const inputs = fc.oneof(
    serializedList,
    serializedDict,
    serializedItem,
    shLooseList,
    mutated(serializedList),
    mutated(serializedDict),
    mutated(serializedItem),
    sfAlphabet,
    anyString,
  );

  it("List", () => {
    fc.assert(
      fc.property(inputs, (s) => {
        compare(
          s,
          outcome(parseList(s), plainList),
          theirs(() => sh.parseList(s).map(shMember)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("Dictionary", () => {
    fc.assert(
      fc.property(inputs, (s) => {
        compare(
          s,
          outcome(parseDictionary(s), plainDictionary),
          theirs(() => [...sh.parseDictionary(s)].map(([k, m]) => [k, shMember(m)])),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("Item", () => {
    fc.assert(
      fc.property(inputs, (s) => {
        compare(
          s,
          outcome(parseItem(s), plainMember),
          theirs(() => shMember(sh.parseItem(s))),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("the known Display String divergence is real: U+0100 read as byte 0x00, where §4.2 fails", () => {
    expect(theirs(() => shMember(sh.parseItem('%"\u0100"')))).toEqual({
      ok: true,
      value: ["item", ["dstr", "\u0000"], []],
    });
    expect(parseItem('%"\u0100"').ok).toBe(false);
  });

  it("the known Date divergence is real: RFC 9651 allows parameters and members after a Date", () => {
    for (const s of ["@1;a", "@1, 2", "(@1 @2)"]) {
      expect(theirs(() => sh.parseList(s).map(shMember)).ok).toBe(false);
      expect(parseList(s).ok).toBe(true);
    }
  });

  it("each parses what the other serializes", () => {
    fc.assert(
      fc.property(item, (it) => {
        const ourText = serializeItem(it);
        compare(
          ourText,
          { ok: true, value: plainMember(it) },
          theirs(() => shMember(sh.parseItem(ourText))),
        );
        // structured-headers writes "%a" for byte 0x0a in a Display String; RFC 9651 §4.1.11 asks
        // for two hex digits, so its text for those is not valid and is left out.
        fc.pre(!hasLowControlInDisplayString(it));
        const params = new Map([...it.params].map(([k, v]) => [k, toShBare(v)]));
        const shText = sh.serializeItem(toShBare(it.value), params);
        expect(outcome(parseItem(shText), plainMember)).toEqual({
          ok: true,
          value: plainMember(it),
        });
      }),
      RUNS,
    );
  });

  it("the known Display String serializer divergence is real", () => {
    expect(sh.serializeItem(new sh.DisplayString("\n"), new Map())).toBe('%"%a"');
    expect(serializeItem({ value: new DisplayString("\n"), params: new Map() })).toBe('%"%0a"');
  });
});

describe("generators are what they claim", () => {
  it("keys, tokens and strings match their RFC 9651 ABNF", () => {
    fc.assert(
      fc.property(sfKey, sfTokenString, sfString, (k, t, s) => {
        expect(k).toMatch(/^[a-z*][a-z0-9_\-.*]*$/);
        expect(t).toMatch(/^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/);
        expect(s).toMatch(/^[\x20-\x7e]*$/);
      }),
      RUNS,
    );
  });
});
