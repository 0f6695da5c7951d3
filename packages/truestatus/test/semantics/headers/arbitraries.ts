/**
 * Shared fast-check arbitraries and checks for the header codec property tests (and bench/fuzz.ts).
 * Generators follow the grammars (RFC 9110 §5.6, RFC 9651 §3), never the code under test.
 */
import fc from "fast-check";
import { HeaderValueError } from "../../../src/semantics/errors.js";
import {
  PROXY_ERROR_TYPES,
  PROXY_STATUS_PARAMS,
  type ProxyStatusEntry,
} from "../../../src/semantics/headers/proxy-status.js";
import type { RateLimit, RateLimitPolicy } from "../../../src/semantics/headers/ratelimit.js";
import type { ParseErrorCode } from "../../../src/semantics/headers/result.js";
import {
  type BareItem,
  type Dictionary,
  DisplayString,
  type InnerList,
  type Item,
  isInnerList,
  type List,
  type Member,
  type Parameters,
  Token,
} from "../../../src/semantics/headers/structured-fields.js";
import type { Challenge } from "../../../src/semantics/headers/www-authenticate.js";

// ---- characters ---------------------------------------------------------------------------------

/** A unit arbitrary drawing one character from `chars`. */
export function charFrom(chars: string): fc.Arbitrary<string> {
  return fc.constantFrom(...chars);
}

/** One UTF-16 code unit in [min, max] (so lone surrogates are possible when the range covers them). */
export function codeUnit(min: number, max: number): fc.Arbitrary<string> {
  return fc.integer({ min, max }).map((c) => String.fromCharCode(c));
}

export const DIGIT = "0123456789";
export const LCALPHA = "abcdefghijklmnopqrstuvwxyz";
export const ALPHA = `${LCALPHA}ABCDEFGHIJKLMNOPQRSTUVWXYZ`;
/** RFC 9110 §5.6.2 tchar. */
export const TCHAR = `!#$%&'*+-.^_\`|~${DIGIT}${ALPHA}`;
/** Printable ASCII, SP to "~" (RFC 9651 sf-string content). */
export const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) =>
  String.fromCharCode(0x20 + i),
).join("");

/** Characters that matter to some header grammar: the likeliest to steer a parser somewhere new. */
export const INTERESTING = ` \t,;=()"\\:?@%*-._/+~!#$&'^\`|<>[]{}01289aAzZ\r\n\0\x7f\x80\xff\u0100\u20ac\ud800\udfff`;

// ---- RFC 9110 pieces ----------------------------------------------------------------------------

export const httpToken = fc.string({ unit: charFrom(TCHAR), minLength: 1, maxLength: 12 });

/** Content of a quoted-string: HTAB / SP / VCHAR / obs-text (escaping is the builder's job). */
export const quotedContent = fc.string({
  unit: fc.oneof(
    { weight: 8, arbitrary: charFrom(PRINTABLE) },
    { weight: 1, arbitrary: fc.constantFrom("\t", '"', "\\") },
    { weight: 1, arbitrary: codeUnit(0x80, 0xff) },
  ),
  maxLength: 20,
});

/** token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
export const token68 = fc
  .tuple(
    fc.string({ unit: charFrom(`${ALPHA}${DIGIT}-._~+/`), minLength: 1, maxLength: 16 }),
    fc.integer({ min: 0, max: 2 }),
  )
  .map(([body, pad]) => body + "=".repeat(pad));

/** A string with at least one CR, LF or NUL somewhere in it. */
export const withCrLfNul = fc
  .tuple(
    fc.string({ maxLength: 6 }),
    fc.constantFrom("\r", "\n", "\0", "\r\n"),
    fc.string({ maxLength: 6 }),
  )
  .map(([a, bad, b]) => a + bad + b);

// ---- RFC 9651 values ----------------------------------------------------------------------------

export const SF_MAX_INTEGER = 999_999_999_999_999;

export const sfKey = fc
  .tuple(
    charFrom(`${LCALPHA}*`),
    fc.string({ unit: charFrom(`${LCALPHA}${DIGIT}_-.*`), maxLength: 8 }),
  )
  .map(([a, b]) => a + b);

export const sfTokenString = fc
  .tuple(charFrom(`${ALPHA}*`), fc.string({ unit: charFrom(`${TCHAR}:/`), maxLength: 10 }))
  .map(([a, b]) => a + b);

export const sfString = fc.string({ unit: charFrom(PRINTABLE), maxLength: 24 });

export const sfInteger = fc.integer({ min: -SF_MAX_INTEGER, max: SF_MAX_INTEGER });

/** A decimal with up to 12 integer digits and 1–3 fraction digits, built from its text (never -0). */
export const sfDecimal = fc
  .tuple(
    fc.boolean(),
    fc.integer({ min: 0, max: 999_999_999_999 }),
    fc.integer({ min: 1, max: 3 }),
    fc.nat(),
  )
  .map(([neg, int, digits, frac]) => {
    const f = String(frac % 10 ** digits).padStart(digits, "0");
    const n = Number(`${neg ? "-" : ""}${int}.${f}`);
    return n === 0 ? 0 : n;
  });

export const sfBytes = fc.uint8Array({ maxLength: 24 });

/** Whole seconds a JavaScript Date can hold (±8.64e12 s); the RFC's ±1e15 range is wider. */
export const sfDate = fc
  .integer({ min: -8_640_000_000_000, max: 8_640_000_000_000 })
  .map((s) => new Date(s * 1000));

/** Any Unicode text (whole code points only: a lone surrogate is not text). */
export const sfDisplayText = fc.string({ unit: "binary", maxLength: 16 });

export const bareItem: fc.Arbitrary<BareItem> = fc.oneof(
  sfInteger,
  sfDecimal,
  sfString,
  sfTokenString.map((t) => new Token(t)),
  sfBytes,
  fc.boolean(),
  sfDate,
  sfDisplayText.map((t) => new DisplayString(t)),
);

export const parameters: fc.Arbitrary<Parameters> = fc
  .uniqueArray(fc.tuple(sfKey, bareItem), { selector: ([k]) => k, maxLength: 3 })
  .map((pairs) => new Map(pairs));

export const item: fc.Arbitrary<Item> = fc.record({ value: bareItem, params: parameters });

export const innerList: fc.Arbitrary<InnerList> = fc.record({
  items: fc.array(item, { maxLength: 4 }),
  params: parameters,
});

export const member: fc.Arbitrary<Member> = fc.oneof({ weight: 3, arbitrary: item }, innerList);

export const sfList: fc.Arbitrary<List> = fc.array(member, { maxLength: 5 });

export const sfDictionary: fc.Arbitrary<Dictionary> = fc
  .uniqueArray(fc.tuple(sfKey, member), { selector: ([k]) => k, maxLength: 5 })
  .map((pairs) => new Map(pairs));

// ---- codec values -------------------------------------------------------------------------------

/** Parameters of extra (unregistered) names: never one of `reserved`. */
export function extraParams(reserved: readonly string[]): fc.Arbitrary<Record<string, BareItem>> {
  return fc
    .uniqueArray(
      fc.tuple(
        sfKey.filter((k) => !reserved.includes(k)),
        bareItem,
      ),
      { selector: ([k]) => k, minLength: 1, maxLength: 3 },
    )
    .map((pairs) => Object.fromEntries(pairs));
}

export const PROXY_STATUS_KNOWN_PARAMS: readonly string[] = PROXY_STATUS_PARAMS;

/** An ALPN id as Proxy-Status carries it: a token, or any bytes (one char per byte, U+0000–U+00FF). */
export const alpnId = fc.oneof(
  sfTokenString,
  fc.string({ unit: codeUnit(0, 0xff), maxLength: 12 }),
);

export const proxyStatusEntry: fc.Arbitrary<ProxyStatusEntry> = fc.record(
  {
    proxy: fc.oneof(sfTokenString, sfString),
    error: fc.oneof(fc.constantFrom(...Object.keys(PROXY_ERROR_TYPES)), sfTokenString),
    nextHop: fc.oneof(sfTokenString, sfString),
    nextHopAliases: sfString,
    nextProtocol: alpnId,
    receivedStatus: fc.integer({ min: 100, max: 999 }),
    details: sfString,
    params: extraParams(PROXY_STATUS_KNOWN_PARAMS),
  },
  { requiredKeys: ["proxy"] },
);

export const RATELIMIT_POLICY_KEYS = ["q", "qu", "w", "pk"];
export const RATELIMIT_KEYS = ["r", "t", "pk"];
const nonNegSfInt = fc.integer({ min: 0, max: SF_MAX_INTEGER });

export const rateLimitPolicy: fc.Arbitrary<RateLimitPolicy> = fc.record(
  {
    name: sfString,
    quota: nonNegSfInt,
    unit: fc.oneof(fc.constantFrom("requests", "content-bytes", "concurrent-requests"), sfString),
    window: fc.integer({ min: 1, max: SF_MAX_INTEGER }),
    partitionKey: sfBytes,
    params: extraParams(RATELIMIT_POLICY_KEYS),
  },
  { requiredKeys: ["name", "quota"] },
);

export const rateLimit: fc.Arbitrary<RateLimit> = fc.record(
  {
    name: sfString,
    remaining: nonNegSfInt,
    reset: nonNegSfInt,
    partitionKey: sfBytes,
    params: extraParams(RATELIMIT_KEYS),
  },
  { requiredKeys: ["name", "remaining"] },
);

/** A challenge with auth-params (names lowercase, as the parser returns them) or with token68. */
export const challenge: fc.Arbitrary<Challenge> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      scheme: httpToken,
      params: fc
        .uniqueArray(
          fc.tuple(
            httpToken.map((t) => t.toLowerCase()),
            quotedContent,
          ),
          {
            selector: ([k]) => k,
            maxLength: 4,
          },
        )
        .map((pairs) => Object.fromEntries(pairs)),
    }),
  },
  fc.record({ scheme: httpToken, token68, params: fc.constant({}) }),
);

/** Whole seconds (epoch ms) in the years 0000–9999, the range of IMF-fixdate's 4-digit year. */
export const HTTP_DATE_MIN_MS = -62_167_219_200_000; // 0000-01-01T00:00:00Z
export const HTTP_DATE_MAX_MS = 253_402_300_799_000; // 9999-12-31T23:59:59Z
export const httpDateMs = fc
  .integer({ min: HTTP_DATE_MIN_MS / 1000, max: HTTP_DATE_MAX_MS / 1000 })
  .map((sec) => sec * 1000);

// ---- a plain, type-tagged form, for comparing values across representations ----------------------

export type Plain = unknown;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Tags each bare item with its type, so a Token never compares equal to a string or DisplayString. */
export function plainBare(v: BareItem): Plain {
  if (typeof v === "number") return ["num", Object.is(v, -0) ? 0 : v];
  if (typeof v === "string") return ["str", v];
  if (typeof v === "boolean") return ["bool", v];
  if (v instanceof Token) return ["tok", v.value];
  if (v instanceof Uint8Array) return ["bin", hex(v)];
  if (v instanceof Date) return ["date", v.getTime() / 1000];
  if (v instanceof DisplayString) return ["dstr", v.value];
  throw new Error("not a bare item");
}

export function plainParams(p: Parameters): Plain {
  return [...p].map(([k, v]) => [k, plainBare(v)]);
}

export function plainMember(m: Member): Plain {
  return isInnerList(m)
    ? ["inner", m.items.map(plainMember), plainParams(m.params)]
    : ["item", plainBare(m.value), plainParams(m.params)];
}

export function plainList(l: readonly Member[]): Plain {
  return l.map(plainMember);
}

export function plainDictionary(d: ReadonlyMap<string, Member>): Plain {
  return [...d].map(([k, m]) => [k, plainMember(m)]);
}

export function plainRecord(r: Readonly<Record<string, BareItem>> | undefined): Plain {
  return r === undefined ? undefined : Object.entries(r).map(([k, v]) => [k, plainBare(v)]);
}

// ---- arbitrary and mutated input ----------------------------------------------------------------

/** Strings of every kind: printable ASCII, any code point, raw bytes, UTF-16 units, header metacharacters. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "binary-ascii" }),
  fc.string({ unit: codeUnit(0, 0xffff) }),
  fc.string({ unit: charFrom(INTERESTING), maxLength: 40 }),
);

type Edit =
  | { op: "insert"; at: number; text: string }
  | { op: "delete"; at: number; len: number }
  | { op: "replace"; at: number; text: string }
  | { op: "repeat"; at: number; len: number; times: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    op: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.string({ unit: charFrom(INTERESTING), minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    op: fc.constant("delete" as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ op: fc.constant("replace" as const), at: fc.nat(), text: charFrom(INTERESTING) }),
  fc.record({
    op: fc.constant("repeat" as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 6 }),
    times: fc.integer({ min: 2, max: 20 }),
  }),
);

export function applyEdit(s: string, e: Edit): string {
  const at = s.length === 0 ? 0 : e.at % (s.length + 1);
  switch (e.op) {
    case "insert":
      return s.slice(0, at) + e.text + s.slice(at);
    case "delete":
      return s.slice(0, at) + s.slice(at + e.len);
    case "replace":
      return s.slice(0, at) + e.text + s.slice(at + 1);
    case "repeat":
      return s.slice(0, at) + s.slice(at, at + e.len).repeat(e.times) + s.slice(at + e.len);
  }
}

/** Valid values with one to four edits applied: near misses that reach deep into a parser. */
export function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(valid, fc.array(edit, { minLength: 1, maxLength: 4 }))
    .map(([s, edits]) => edits.reduce(applyEdit, s));
}

// ---- checks -------------------------------------------------------------------------------------

export const PARSE_ERROR_CODES = [
  "empty",
  "too_long",
  "unexpected_character",
  "unexpected_end",
  "invalid_token",
  "invalid_string",
  "invalid_number",
  "number_out_of_range",
  "invalid_byte_sequence",
  "invalid_date",
  "duplicate_parameter",
  "missing_parameter",
  "wrong_type",
  "invalid_json",
  "not_an_object",
] as const satisfies readonly ParseErrorCode[];

// Fails to compile when ParseErrorCode gains a code this list lacks.
type MissingCode = Exclude<ParseErrorCode, (typeof PARSE_ERROR_CODES)[number]>;
const exhaustive: [MissingCode] extends [never] ? true : false = true;
void exhaustive;

const KNOWN_CODES: ReadonlySet<string> = new Set(PARSE_ERROR_CODES);

interface AnyResult {
  readonly ok: boolean;
  readonly error?: { readonly code: string; readonly message: string; readonly offset: number };
}

/**
 * The parser contract for one input, as a description of what breaks it (undefined when kept):
 * ok, or an error with a known code, a message, and an offset inside the value (the too_long guard
 * reports the limit, which lies below the length).
 */
export function resultViolation(input: string, result: AnyResult): string | undefined {
  if (result.ok === true) return undefined;
  if (result.ok !== false) return `ok is ${String(result.ok)}`;
  const e = result.error;
  if (e === undefined) return "an error result without an error";
  if (!KNOWN_CODES.has(e.code)) return `unknown error code ${JSON.stringify(e.code)}`;
  if (typeof e.message !== "string" || e.message.length === 0) return "an error without a message";
  if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset > input.length)
    return `offset ${e.offset} outside 0..${input.length}`;
  return undefined;
}

/**
 * Runs a builder and describes how it failed to refuse (undefined when it threw a HeaderValueError
 * with the documented code).
 */
export function refusalViolation(build: () => unknown): string | undefined {
  try {
    const out = build();
    return `the builder accepted it and produced ${JSON.stringify(out)}`;
  } catch (e) {
    if (!(e instanceof HeaderValueError)) return `threw ${String(e)}, not a HeaderValueError`;
    if (e.code !== "TRUESTATUS_INVALID_HEADER_VALUE") return `threw with code ${e.code}`;
    return undefined;
  }
}

/** Whether every character could stand in a field value: VCHAR, SP, HTAB, obs-text. */
export function isFieldSafe(s: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(s);
}
