/**
 * Structured Field Values for HTTP (RFC 9651, which obsoletes RFC 8941): the parser and serializer
 * under Proxy-Status and RateLimit. Written here because the core has zero runtime dependencies;
 * a differential test checks it against the `structured-headers` package.
 */
import { HeaderValueError } from "../errors.js";
import {
  checkLength,
  combineFieldLines,
  fail,
  ok,
  type ParseErrorCode,
  type ParseResult,
} from "./result.js";
import { describeAt, describeChar, isTchar } from "./syntax.js";

/** An sf-token, kept apart from sf-string so that both survive a round trip. */
export class Token {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

/** An sf-displaystring (RFC 9651 §3.3.8): Unicode text, percent-encoded on the wire. */
export class DisplayString {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

/** Integer and Decimal are both `number`; a value with no fraction serializes as an Integer. */
export type BareItem = number | string | boolean | Token | Uint8Array | Date | DisplayString;
export type Parameters = Map<string, BareItem>;

export interface Item {
  readonly value: BareItem;
  readonly params: Parameters;
}

export interface InnerList {
  readonly items: readonly Item[];
  readonly params: Parameters;
}

export type Member = Item | InnerList;
export type List = Member[];
export type Dictionary = Map<string, Member>;

export function isInnerList(member: Member): member is InnerList {
  return "items" in member;
}

const MAX_INTEGER = 999_999_999_999_999;

class SyntaxFailure {
  readonly code: ParseErrorCode;
  readonly message: string;
  readonly offset: number;
  constructor(code: ParseErrorCode, message: string, offset: number) {
    this.code = code;
    this.message = message;
    this.offset = offset;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isLcAlpha(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

const BASE64_CHAR = /^[A-Za-z0-9+/]*={0,2}$/;
const textDecoder = new TextDecoder("utf-8", { fatal: true });
const textEncoder = new TextEncoder();

/** A one-pass recursive-descent parser over the field value (RFC 9651 §4.2). */
class Parser {
  readonly s: string;
  i = 0;
  constructor(s: string) {
    this.s = s;
  }

  fail(code: ParseErrorCode, what: string, at = this.i): never {
    throw new SyntaxFailure(code, `${what} at offset ${at} (found ${describeAt(this.s, at)})`, at);
  }

  skipSp(): void {
    while (this.s.charCodeAt(this.i) === 0x20) this.i++;
  }

  skipOws(): void {
    let c = this.s.charCodeAt(this.i);
    while (c === 0x20 || c === 0x09) c = this.s.charCodeAt(++this.i);
  }

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  list(): List {
    const members: List = [];
    while (!this.atEnd()) {
      members.push(this.member());
      this.skipOws();
      if (this.atEnd()) return members;
      if (this.s.charCodeAt(this.i) !== 0x2c)
        this.fail("unexpected_character", "expected ',' between list members");
      this.i++;
      this.skipOws();
      if (this.atEnd()) this.fail("unexpected_end", "a list cannot end with ','");
    }
    return members;
  }

  dictionary(): Dictionary {
    const dict: Dictionary = new Map();
    while (!this.atEnd()) {
      const key = this.key();
      let member: Member;
      if (this.s.charCodeAt(this.i) === 0x3d) {
        this.i++;
        member = this.member();
      } else {
        member = { value: true, params: this.parameters() };
      }
      dict.set(key, member);
      this.skipOws();
      if (this.atEnd()) return dict;
      if (this.s.charCodeAt(this.i) !== 0x2c)
        this.fail("unexpected_character", "expected ',' between dictionary members");
      this.i++;
      this.skipOws();
      if (this.atEnd()) this.fail("unexpected_end", "a dictionary cannot end with ','");
    }
    return dict;
  }

  member(): Member {
    return this.s.charCodeAt(this.i) === 0x28 ? this.innerList() : this.item();
  }

  innerList(): InnerList {
    this.i++; // "("
    const items: Item[] = [];
    while (!this.atEnd()) {
      this.skipSp();
      if (this.s.charCodeAt(this.i) === 0x29) {
        this.i++;
        return { items, params: this.parameters() };
      }
      items.push(this.item());
      const c = this.s.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x29)
        this.fail("unexpected_character", "expected ' ' or ')' in an inner list");
    }
    return this.fail("unexpected_end", "an inner list is missing its ')'");
  }

  item(): Item {
    const value = this.bareItem();
    return { value, params: this.parameters() };
  }

  parameters(): Parameters {
    const params: Parameters = new Map();
    while (this.s.charCodeAt(this.i) === 0x3b) {
      this.i++;
      this.skipSp();
      const key = this.key();
      let value: BareItem = true;
      if (this.s.charCodeAt(this.i) === 0x3d) {
        this.i++;
        value = this.bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  key(): string {
    const start = this.i;
    const first = this.s.charCodeAt(start);
    if (!isLcAlpha(first) && first !== 0x2a)
      this.fail("invalid_token", "a key must start with a lowercase letter or '*'");
    let i = start + 1;
    for (; i < this.s.length; i++) {
      const c = this.s.charCodeAt(i);
      if (!(isLcAlpha(c) || isDigit(c) || c === 0x5f || c === 0x2d || c === 0x2e || c === 0x2a))
        break;
    }
    this.i = i;
    return this.s.slice(start, i);
  }

  bareItem(): BareItem {
    const c = this.s.charCodeAt(this.i);
    if (c === 0x2d || isDigit(c)) return this.number();
    if (c === 0x22) return this.string();
    if (isAlpha(c) || c === 0x2a) return this.token();
    if (c === 0x3a) return this.byteSequence();
    if (c === 0x3f) return this.boolean();
    if (c === 0x40) return this.date();
    if (c === 0x25) return this.displayString();
    return this.fail(
      "unexpected_character",
      "expected an item (number, string, token, byte sequence, boolean, date)",
    );
  }

  number(): number {
    const start = this.i;
    let i = start;
    let sign = 1;
    if (this.s.charCodeAt(i) === 0x2d) {
      sign = -1;
      i++;
    }
    if (!isDigit(this.s.charCodeAt(i))) this.fail("invalid_number", "expected a digit", i);
    let intDigits = 0;
    let value = 0;
    while (isDigit(this.s.charCodeAt(i))) {
      value = value * 10 + (this.s.charCodeAt(i) - 0x30);
      intDigits++;
      i++;
    }
    if (this.s.charCodeAt(i) !== 0x2e) {
      if (intDigits > 15)
        this.fail("number_out_of_range", "an integer has at most 15 digits", start);
      this.i = i;
      return sign * value;
    }
    if (intDigits > 12)
      this.fail("number_out_of_range", "a decimal has at most 12 integer digits", start);
    i++;
    const fracStart = i;
    while (isDigit(this.s.charCodeAt(i))) i++;
    const fracDigits = i - fracStart;
    if (fracDigits === 0) this.fail("invalid_number", "a decimal cannot end with '.'", i);
    if (fracDigits > 3)
      this.fail("number_out_of_range", "a decimal has at most 3 fractional digits", fracStart + 3);
    this.i = i;
    return Number(this.s.slice(start, i));
  }

  string(): string {
    let i = this.i + 1;
    let out = "";
    let runStart = i;
    for (; i < this.s.length; i++) {
      const c = this.s.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return out + this.s.slice(runStart, i);
      }
      if (c === 0x5c) {
        const next = this.s.charCodeAt(i + 1);
        if (next !== 0x22 && next !== 0x5c)
          this.fail("invalid_string", "only '\\\"' and '\\\\' may be escaped", i + 1);
        out += this.s.slice(runStart, i);
        runStart = i + 1;
        i++;
      } else if (c < 0x20 || c > 0x7e) {
        this.fail("invalid_string", "a string holds printable ASCII only", i);
      }
    }
    return this.fail("unexpected_end", "a string is missing its closing '\"'", this.s.length);
  }

  token(): Token {
    const start = this.i;
    let i = start + 1;
    for (; i < this.s.length; i++) {
      const c = this.s.charCodeAt(i);
      if (!(isTchar(c) || c === 0x3a || c === 0x2f)) break;
    }
    this.i = i;
    return new Token(this.s.slice(start, i));
  }

  byteSequence(): Uint8Array {
    const start = this.i + 1;
    const end = this.s.indexOf(":", start);
    if (end === -1)
      this.fail("unexpected_end", "a byte sequence is missing its closing ':'", this.s.length);
    const content = this.s.slice(start, end);
    if (!BASE64_CHAR.test(content))
      this.fail("invalid_byte_sequence", "a byte sequence holds base64 only", start);
    let binary: string;
    try {
      binary = atob(content);
    } catch {
      return this.fail("invalid_byte_sequence", "a byte sequence is not valid base64", start);
    }
    const bytes = new Uint8Array(binary.length);
    for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
    this.i = end + 1;
    return bytes;
  }

  boolean(): boolean {
    const c = this.s.charCodeAt(this.i + 1);
    if (c === 0x31 || c === 0x30) {
      this.i += 2;
      return c === 0x31;
    }
    return this.fail("unexpected_character", "a boolean is ?0 or ?1", this.i + 1);
  }

  date(): Date {
    this.i++;
    const at = this.i;
    const n = this.number();
    if (!Number.isInteger(n) || this.s.slice(at, this.i).includes(".")) {
      this.fail("invalid_date", "a date is an integer number of seconds", at);
    }
    const date = new Date(n * 1000);
    if (Number.isNaN(date.getTime()))
      this.fail("number_out_of_range", "a date beyond ±8.64e12 seconds cannot be represented", at);
    return date;
  }

  displayString(): DisplayString {
    if (this.s.charCodeAt(this.i + 1) !== 0x22)
      this.fail("invalid_string", "a display string starts with '%\"'", this.i + 1);
    const bytes: number[] = [];
    for (let i = this.i + 2; i < this.s.length; i++) {
      const c = this.s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e)
        this.fail("invalid_string", "a display string holds printable ASCII only", i);
      if (c === 0x22) {
        this.i = i + 1;
        try {
          return new DisplayString(textDecoder.decode(new Uint8Array(bytes)));
        } catch {
          return this.fail("invalid_string", "a display string is not valid UTF-8", i);
        }
      }
      if (c === 0x25) {
        const hex = this.s.slice(i + 1, i + 3);
        if (!/^[0-9a-f]{2}$/.test(hex))
          this.fail("invalid_string", "'%' must be followed by two lowercase hex digits", i);
        bytes.push(Number.parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(c);
      }
    }
    return this.fail(
      "unexpected_end",
      "a display string is missing its closing '\"'",
      this.s.length,
    );
  }
}

function run<T>(
  value: string | readonly string[],
  header: string,
  top: (p: Parser) => T,
): ParseResult<T> {
  const s = combineFieldLines(value);
  const tooLong = checkLength(s, header);
  if (tooLong) return { ok: false, error: tooLong };
  const p = new Parser(s);
  try {
    p.skipSp();
    const result = top(p);
    p.skipSp();
    if (!p.atEnd()) p.fail("unexpected_character", "unexpected text after the value");
    return ok(result);
  } catch (e) {
    if (e instanceof SyntaxFailure) return fail(e.code, `${header}: ${e.message}`, e.offset);
    throw e;
  }
}

/** Parses a List (RFC 9651 §4.2.1). Several field lines may be passed as an array. */
export function parseList(
  value: string | readonly string[],
  header = "structured field",
): ParseResult<List> {
  return run(value, header, (p) => p.list());
}

/** Parses a Dictionary (RFC 9651 §4.2.2). */
export function parseDictionary(
  value: string | readonly string[],
  header = "structured field",
): ParseResult<Dictionary> {
  return run(value, header, (p) => p.dictionary());
}

/** Parses an Item (RFC 9651 §4.2.3). */
export function parseItem(value: string, header = "structured field"): ParseResult<Item> {
  return run(value, header, (p) => p.item());
}

// ---- serialization (RFC 9651 §4.1) --------------------------------------------------------------

function serializeKey(key: string, field: string): string {
  if (!/^[a-z*][a-z0-9_\-.*]*$/.test(key)) {
    throw new HeaderValueError(field, `${JSON.stringify(key)} is not a structured-field key`);
  }
  return key;
}

function serializeNumber(n: number, field: string): string {
  if (!Number.isFinite(n)) throw new HeaderValueError(field, `${n} is not a finite number`);
  if (Number.isInteger(n)) {
    if (Math.abs(n) > MAX_INTEGER)
      throw new HeaderValueError(field, `${n} is outside the integer range ±${MAX_INTEGER}`);
    return String(n);
  }
  // Round to three decimals, ties to even, as the RFC asks.
  const scaled = n * 1000;
  let rounded = Math.round(scaled);
  if (Math.abs(scaled % 1) === 0.5 && rounded % 2 !== 0) rounded -= 1;
  const value = rounded / 1000;
  if (Math.abs(Math.trunc(value)) >= 1e12)
    throw new HeaderValueError(field, `${n} has more than 12 integer digits`);
  const text = String(value);
  return text.includes(".") ? text : `${text}.0`;
}

function serializeString(s: string, field: string): string {
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) {
      out += `${s.slice(runStart, i)}\\`;
      runStart = i;
    } else if (c < 0x20 || c > 0x7e) {
      throw new HeaderValueError(
        field,
        `character ${describeChar(c)} at ${i} cannot appear in a structured-field string (printable ASCII only; use a DisplayString)`,
      );
    }
  }
  return `${out}${s.slice(runStart)}"`;
}

export function isSfToken(value: string): boolean {
  if (value.length === 0) return false;
  const first = value.charCodeAt(0);
  if (!isAlpha(first) && first !== 0x2a) return false;
  for (let i = 1; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!(isTchar(c) || c === 0x3a || c === 0x2f)) return false;
  }
  return true;
}

function serializeDisplayString(s: string, field: string): string {
  if (/\p{Cs}/u.test(s))
    throw new HeaderValueError(field, "a display string holds Unicode text, not lone surrogates");
  let out = '%"';
  for (const byte of textEncoder.encode(s)) {
    if (byte === 0x25 || byte === 0x22 || byte < 0x20 || byte > 0x7e) {
      out += `%${byte.toString(16).padStart(2, "0")}`;
    } else {
      out += String.fromCharCode(byte);
    }
  }
  return `${out}"`;
}

export function serializeBareItem(value: BareItem, field = "structured field"): string {
  switch (typeof value) {
    case "number":
      return serializeNumber(value, field);
    case "string":
      return serializeString(value, field);
    case "boolean":
      return value ? "?1" : "?0";
  }
  if (value instanceof Token) {
    if (!isSfToken(value.value))
      throw new HeaderValueError(field, `${JSON.stringify(value.value)} is not a token`);
    return value.value;
  }
  if (value instanceof Uint8Array) {
    let binary = "";
    for (const b of value) binary += String.fromCharCode(b);
    return `:${btoa(binary)}:`;
  }
  if (value instanceof Date) {
    const seconds = value.getTime() / 1000;
    if (!Number.isInteger(seconds))
      throw new HeaderValueError(field, "a date must be a whole number of seconds");
    return `@${serializeNumber(seconds, field)}`;
  }
  if (value instanceof DisplayString) return serializeDisplayString(value.value, field);
  throw new HeaderValueError(field, "unsupported item type");
}

export function serializeParameters(
  params: Parameters | undefined,
  field = "structured field",
): string {
  if (!params || params.size === 0) return "";
  let out = "";
  for (const [key, value] of params) {
    out += `;${serializeKey(key, field)}`;
    if (value !== true) out += `=${serializeBareItem(value, field)}`;
  }
  return out;
}

export function serializeItem(item: Item, field = "structured field"): string {
  return serializeBareItem(item.value, field) + serializeParameters(item.params, field);
}

function serializeMember(member: Member, field: string): string {
  if (isInnerList(member)) {
    return `(${member.items.map((i) => serializeItem(i, field)).join(" ")})${serializeParameters(member.params, field)}`;
  }
  return serializeItem(member, field);
}

export function serializeList(list: readonly Member[], field = "structured field"): string {
  return list.map((m) => serializeMember(m, field)).join(", ");
}

export function serializeDictionary(
  dict: ReadonlyMap<string, Member>,
  field = "structured field",
): string {
  const parts: string[] = [];
  for (const [key, member] of dict) {
    const k = serializeKey(key, field);
    if (!isInnerList(member) && member.value === true) {
      parts.push(k + serializeParameters(member.params, field));
    } else {
      parts.push(`${k}=${serializeMember(member, field)}`);
    }
  }
  return parts.join(", ");
}
