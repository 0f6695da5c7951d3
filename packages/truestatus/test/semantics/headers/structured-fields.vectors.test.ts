/**
 * The RFC 9651 test suite (github.com/httpwg/structured-field-tests, copied into
 * test/fixtures/sf-tests/, see its README) run against our parser and serializer.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HeaderValueError } from "../../../src/semantics/errors.js";
import {
  type BareItem,
  type Dictionary,
  DisplayString,
  type Item,
  type List,
  type Member,
  type Parameters,
  parseDictionary,
  parseItem,
  parseList,
  serializeDictionary,
  serializeItem,
  serializeList,
  Token,
} from "../../../src/semantics/headers/structured-fields.js";
import { plainBare, plainDictionary, plainList, plainMember } from "./arbitraries.js";

const DIR = new URL("../../fixtures/sf-tests/", import.meta.url);

type HeaderType = "item" | "list" | "dictionary";

interface Vector {
  readonly name: string;
  readonly raw?: readonly string[];
  readonly header_type: HeaderType;
  readonly expected?: unknown;
  readonly must_fail?: boolean;
  readonly can_fail?: boolean;
  readonly canonical?: readonly string[];
}

function load(file: string): Vector[] {
  return JSON.parse(readFileSync(new URL(file, DIR), "utf8")) as Vector[];
}

// ---- the suite's JSON form → our types ---------------------------------------------------------

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 §6 base32, as the suite encodes binary content. */
function base32Decode(text: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of text.replace(/=+$/, "")) {
    const v = BASE32.indexOf(ch);
    if (v === -1) throw new Error(`not base32: ${text}`);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

function toBare(v: unknown): BareItem {
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  const typed = v as { __type: string; value: string | number };
  switch (typed.__type) {
    case "token":
      return new Token(typed.value as string);
    case "binary":
      return base32Decode(typed.value as string);
    case "date":
      return new Date((typed.value as number) * 1000);
    case "displaystring":
      return new DisplayString(typed.value as string);
  }
  throw new Error(`unknown __type ${typed.__type}`);
}

function toParams(v: unknown): Parameters {
  return new Map((v as [string, unknown][]).map(([k, x]) => [k, toBare(x)]));
}

function toItem(v: unknown): Item {
  const [bare, params] = v as [unknown, unknown];
  return { value: toBare(bare), params: toParams(params) };
}

function toMember(v: unknown): Member {
  const [first, params] = v as [unknown, unknown];
  if (Array.isArray(first)) return { items: first.map(toItem), params: toParams(params) };
  return toItem(v);
}

function toList(v: unknown): List {
  return (v as unknown[]).map(toMember);
}

function toDictionary(v: unknown): Dictionary {
  return new Map((v as [string, unknown][]).map(([k, m]) => [k, toMember(m)]));
}

// ---- running a vector ---------------------------------------------------------------------------

function parseAs(type: HeaderType, raw: readonly string[]) {
  switch (type) {
    case "item":
      return parseItem(raw.join(", "));
    case "list":
      return parseList(raw);
    case "dictionary":
      return parseDictionary(raw);
  }
}

function plainOf(type: HeaderType, value: unknown) {
  switch (type) {
    case "item":
      return plainMember(value as Item);
    case "list":
      return plainList(value as List);
    case "dictionary":
      return plainDictionary(value as Dictionary);
  }
}

function expectedPlain(type: HeaderType, expected: unknown) {
  switch (type) {
    case "item":
      return plainMember(toItem(expected));
    case "list":
      return plainList(toList(expected));
    case "dictionary":
      return plainDictionary(toDictionary(expected));
  }
}

function serializeAs(type: HeaderType, expected: unknown): string {
  switch (type) {
    case "item":
      return serializeItem(toItem(expected));
    case "list":
      return serializeList(toList(expected));
    case "dictionary":
      return serializeDictionary(toDictionary(expected));
  }
}

/**
 * Known representation difference: Integer and Decimal are both `number` here, so a Decimal with
 * no fraction ("1.0") comes back as the Integer "1". Rewrites such decimals, outside strings, so
 * the canonical text can be compared with ours.
 */
function integralDecimalsAsIntegers(text: string): string {
  return text
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(/(^|[^\w.])(-?\d+)\.0+(?![\d.])/g, "$1$2"),
    )
    .join("");
}

function expectSerialization(type: HeaderType, expected: unknown, canonical: string): void {
  const ours = serializeAs(type, expected);
  if (ours !== canonical) expect(ours).toBe(integralDecimalsAsIntegers(canonical));
}

const parseFiles = readdirSync(DIR).filter((f) => f.endsWith(".json"));
const serialisationFiles = readdirSync(new URL("serialisation-tests/", DIR))
  .filter((f) => f.endsWith(".json"))
  .map((f) => `serialisation-tests/${f}`);

it("the fixture directory holds the suite", () => {
  expect(parseFiles.length).toBeGreaterThanOrEqual(20);
  expect(serialisationFiles.length).toBeGreaterThanOrEqual(4);
});

for (const file of parseFiles) {
  describe(file, () => {
    it.each(load(file).map((v) => [v.name, v] as const))("%s", (_, v) => {
      const result = parseAs(v.header_type, v.raw ?? []);
      if (v.must_fail) {
        expect(result.ok, `must fail: ${JSON.stringify(v.raw)}`).toBe(false);
        return;
      }
      if (v.can_fail && !result.ok) return;
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (!result.ok) return;
      expect(plainOf(v.header_type, result.value)).toEqual(
        expectedPlain(v.header_type, v.expected),
      );
      expectSerialization(v.header_type, v.expected, (v.canonical ?? v.raw ?? []).join(", "));
    });
  });
}

for (const file of serialisationFiles) {
  describe(file, () => {
    it.each(load(file).map((v) => [v.name, v] as const))("%s", (_, v) => {
      if (v.must_fail) {
        expect(() => serializeAs(v.header_type, v.expected)).toThrow(HeaderValueError);
        return;
      }
      expectSerialization(v.header_type, v.expected, (v.canonical ?? []).join(", "));
    });
  });
}

it("base32 helper decodes the RFC 4648 §10 vectors", () => {
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  expect(text(base32Decode("MZXW6YTBOI======"))).toBe("foobar");
  expect(text(base32Decode("MZXW6==="))).toBe("foo");
  expect(plainBare(base32Decode(""))).toEqual(["bin", ""]);
});
