/**
 * RFC 9110 §5.6 building blocks shared by the codecs: tokens, quoted strings, whitespace,
 * and the check every builder runs before a value may reach the wire.
 */
import { HeaderValueError } from "../errors.js";

const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 65; c <= 90; c++) {
  TCHAR[c] = 1;
  TCHAR[c + 32] = 1;
}

/** tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
export function isTchar(code: number): boolean {
  return code < 128 && TCHAR[code] === 1;
}

/** token = 1*tchar */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    if (!isTchar(value.charCodeAt(i))) return false;
  }
  return true;
}

/** OWS = *( SP / HTAB ) */
export function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

export function skipOws(s: string, i: number): number {
  while (i < s.length && isOws(s.charCodeAt(i))) i++;
  return i;
}

/** Scans a token starting at i; returns the end offset (== i when there is none). */
export function scanToken(s: string, i: number): number {
  while (i < s.length && isTchar(s.charCodeAt(i))) i++;
  return i;
}

/** qdtext or the escaped octet of a quoted-pair: HTAB / SP / VCHAR / obs-text, but not DQUOTE or "\" unescaped. */
function isQuotedPairChar(code: number): boolean {
  return code === 0x09 || (code >= 0x20 && code !== 0x7f && code <= 0xff);
}

export interface QuotedString {
  readonly value: string;
  /** Offset just past the closing DQUOTE. */
  readonly end: number;
}

/**
 * Parses a quoted-string whose opening DQUOTE is at `start`.
 * Returns the unescaped value, or a number: the offset of the offending character (or s.length when unterminated).
 */
export function parseQuotedString(s: string, start: number): QuotedString | number {
  let out = "";
  let runStart = start + 1;
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      return { value: out + s.slice(runStart, i), end: i + 1 };
    }
    if (c === 0x5c) {
      const next = s.charCodeAt(i + 1);
      if (i + 1 >= s.length || !isQuotedPairChar(next)) return i + 1;
      out += s.slice(runStart, i);
      runStart = i + 1;
      i++;
      continue;
    }
    if (!isQuotedPairChar(c)) return i;
  }
  return s.length;
}

/** Serializes any string as a quoted-string, escaping DQUOTE and "\"; refuses what no quoted-string can carry. */
export function quoteString(value: string, field: string): string {
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) {
      out += `${value.slice(runStart, i)}\\`;
      runStart = i;
    } else if (!isQuotedPairChar(c)) {
      throw new HeaderValueError(
        field,
        `character ${describeChar(c)} at ${i} cannot appear in a quoted-string`,
      );
    }
  }
  return `${out}${value.slice(runStart)}"`;
}

/**
 * The last check of every builder: a field value may hold only VCHAR, SP, HTAB and obs-text,
 * never CR, LF, NUL or another control, and no leading or trailing whitespace (RFC 9110 §5.5).
 */
export function assertFieldValue(value: string, field: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) {
      throw new HeaderValueError(
        field,
        `character ${describeChar(c)} at ${i} is not allowed in a field value`,
      );
    }
  }
  if (
    value.length > 0 &&
    (isOws(value.charCodeAt(0)) || isOws(value.charCodeAt(value.length - 1)))
  ) {
    throw new HeaderValueError(field, "a field value cannot start or end with whitespace");
  }
  return value;
}

export function assertToken(value: string, field: string): string {
  if (!isToken(value)) {
    throw new HeaderValueError(field, `${JSON.stringify(value)} is not a token (RFC 9110 §5.6.2)`);
  }
  return value;
}

/** A character as a reader would want it in a message: "'x'" for printable ASCII, "U+000A" otherwise. */
export function describeChar(code: number): string {
  if (code >= 0x21 && code <= 0x7e) return `'${String.fromCharCode(code)}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Describes what stands at offset i, for error messages: a character or "end of input". */
export function describeAt(s: string, i: number): string {
  return i >= s.length ? "end of input" : describeChar(s.charCodeAt(i));
}
