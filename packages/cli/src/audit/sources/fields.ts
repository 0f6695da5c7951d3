/**
 * Small, allocation-light helpers the line parsers share: request lines, targets, log timestamps,
 * escapes, numbers. All are total: bad input gives undefined, never a throw.
 */
import type { Capability } from "../exchange.js";
import type { LineFormat, LoggedHeaders, MalformedRecord, SourceRecord } from "../source.js";

export function malformed(reason: string, file: string, line: number): MalformedRecord {
  return { malformed: true, reason, file, line };
}

/**
 * format.parse, with a last safety net: parsers are total (property-tested), but should one throw,
 * the line becomes a malformed record instead of ending the whole analysis.
 */
export function safeParse(
  format: LineFormat,
  line: string,
  file: string,
  n: number,
): SourceRecord | undefined {
  try {
    return format.parse(line, file, n);
  } catch (e) {
    return malformed(
      `${format.format} parser failed: ${(e as Error)?.message ?? String(e)}`,
      file,
      n,
    );
  }
}

/** format.parseAll, with the same safety net as safeParse. */
export function safeParseAll(
  format: LineFormat,
  line: string,
  file: string,
  n: number,
): readonly SourceRecord[] {
  try {
    return format.parseAll!(line, file, n);
  } catch (e) {
    return [
      malformed(`${format.format} parser failed: ${(e as Error)?.message ?? String(e)}`, file, n),
    ];
  }
}

/** A request line split into its parts; method "-" when the line is not `METHOD SP target`. */
export interface RequestLine {
  readonly method: string;
  readonly target: string;
  readonly path: string;
  readonly host?: string;
}

/** True for an HTTP method token (RFC 9110 §9.1: tchar only), case-sensitive as sent. */
function isMethodToken(s: string, start: number, end: number): boolean {
  if (end <= start || end - start > 32) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    // Letters, digits and the tchar punctuation most methods use.
    if (
      !(
        (c >= 0x41 && c <= 0x5a) ||
        (c >= 0x61 && c <= 0x7a) ||
        (c >= 0x30 && c <= 0x39) ||
        c === 0x2d ||
        c === 0x5f ||
        c === 0x2e ||
        c === 0x21 ||
        c === 0x7e
      )
    )
      return false;
  }
  return true;
}

/**
 * Splits "GET /a?b HTTP/1.1" (or "GET /a", HTTP/0.9) into method and target. A request line that
 * is not one ("-", TLS bytes sent to a plain port, HAProxy's <BADREQ>) gives method "-", the raw
 * text as target and path "-": the exchange is still real (the server answered it), only its
 * request is unreadable.
 */
export function parseRequestLine(s: string): RequestLine {
  return parseRequestLineAt(s, 0, s.length);
}

/**
 * parseRequestLine of text[start, end), read in place: a log line's parser need not cut the
 * request out first (one string less per line).
 */
export function parseRequestLineAt(text: string, start: number, end: number): RequestLine {
  const sp = text.indexOf(" ", start);
  if (sp > start && sp < end && isMethodToken(text, start, sp)) {
    // The last space, found by a loop: lastIndexOf is a runtime call in V8 (slow per line).
    let last = end - 1;
    while (text.charCodeAt(last) !== 0x20) last--;
    let targetEnd = end;
    if (last !== sp && last + 6 <= end && text.startsWith("HTTP/", last + 1)) targetEnd = last;
    if (targetEnd > sp + 1)
      return requestTarget(methodAt(text, start, sp), text.slice(sp + 1, targetEnd));
  }
  return { method: "-", target: text.slice(start, end), path: "-" };
}

/** text[start, end) as a method: the literal for the common ones (no new string per line). */
function methodAt(text: string, start: number, end: number): string {
  const n = end - start;
  if (n === 3 && text.startsWith("GET", start)) return "GET";
  if (n === 4 && text.startsWith("POST", start)) return "POST";
  return text.slice(start, end);
}

/**
 * A method and a request target in origin form ("/a?b") or absolute form
 * ("http://host:80/a?b", logged by ALB and by proxies for HTTP/2): target and path are always
 * origin form, the authority goes to `host`.
 */
export function requestTarget(method: string, rawTarget: string): RequestLine {
  let target = rawTarget;
  let host: string | undefined;
  if (target.charCodeAt(0) !== 0x2f /* / */) {
    const scheme = target.indexOf("://");
    if (scheme > 0 && scheme < 8) {
      const slash = target.indexOf("/", scheme + 3);
      const q = target.indexOf("?", scheme + 3);
      const end = slash === -1 ? (q === -1 ? target.length : q) : q !== -1 && q < slash ? q : slash;
      host = target.slice(scheme + 3, end);
      target =
        end === target.length
          ? "/"
          : target[end] === "?"
            ? `/${target.slice(end)}`
            : target.slice(end);
    }
  }
  const q = target.indexOf("?");
  const path = q === -1 ? target : target.slice(0, q);
  return host === undefined ? { method, target, path } : { method, target, path, host };
}

/**
 * A logged request "METHOD TARGET [PROTOCOL]" where missing parts are "-" (Envoy, ALB: "- - -",
 * "- http://host:80- -"), with the host taken from `host` when the target has none.
 */
export function loggedRequest(text: string, host: string | undefined): RequestLine {
  const sp1 = text.indexOf(" ");
  const sp2 = text.lastIndexOf(" ");
  const method = sp1 > 0 ? text.slice(0, sp1) : "-";
  const rawTarget = sp1 > 0 ? text.slice(sp1 + 1, sp2 > sp1 ? sp2 : text.length) : "-";
  const r: { method: string; target: string; path: string; host?: string } =
    method === "-" || rawTarget === "-"
      ? { method: "-", target: rawTarget, path: "-" }
      : (requestTarget(method, rawTarget) as { method: string; target: string; path: string });
  if (host !== undefined && r.host === undefined) r.host = host;
  return r;
}

/** "-" and "" are "none" in logs. */
export const dash = (s: string | undefined): string | undefined =>
  s === undefined || s === "-" || s === "" ? undefined : s;

/** A detect() that accepts a line when parse() reads it as an exchange. */
export function detectsBy(
  parse: (line: string, file: string, n: number) => SourceRecord | undefined,
): (line: string) => boolean {
  return (line) => {
    const r = parse(line, "", 0);
    return r !== undefined && !("malformed" in r);
  };
}

/** Request headers whose presence says credentials were sent (lowercase). */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "api-key",
  "x-auth-token",
  "x-access-token",
]);

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name);
}

/**
 * For a format that logs only some headers: adds what they let the rules read to `caps` and
 * returns the names logged (lower case), or undefined when it logs none.
 */
export function loggedHeaderFacts(
  request: ReadonlySet<string>,
  response: ReadonlySet<string>,
  caps: Set<Capability>,
): LoggedHeaders | undefined {
  if (request.size > 0) caps.add("request.headers");
  for (const h of request)
    if (isCredentialHeader(h)) {
      caps.add("request.credentials");
      break;
    }
  if (response.size > 0) caps.add("response.headers");
  if (request.size === 0 && response.size === 0) return undefined;
  return {
    ...(request.size > 0 ? { request } : {}),
    ...(response.size > 0 ? { response } : {}),
  };
}

/** The path part of a target. */
export function pathOf(target: string): string {
  const q = target.indexOf("?");
  return q === -1 ? target : target.slice(0, q);
}

/** CLF's month abbreviations → Date.UTC's month index. */
export const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

function digits(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

let lastClfText = "";
let lastClfValue: number | undefined;

/**
 * "10/Oct/2000:13:55:36 -0700" (CLF, nginx $time_local; HAProxy adds ".655" milliseconds after
 * the seconds and may have no zone) → epoch milliseconds. Logs repeat the same second many times,
 * so the last answer is cached.
 */
export function parseClfTime(s: string): number | undefined {
  return parseClfTimeAt(s, 0, s.length);
}

/** parseClfTime of text[start, end): the cached answer is found without cutting the text out. */
export function parseClfTimeAt(text: string, start: number, end: number): number | undefined {
  if (end - start === lastClfText.length && text.startsWith(lastClfText, start))
    return lastClfValue;
  const s = start === 0 && end === text.length ? text : text.slice(start, end);
  const value = clfTime(s);
  lastClfText = s;
  lastClfValue = value;
  return value;
}

function clfTime(s: string): number | undefined {
  if (s.length < 20 || s[2] !== "/" || s[6] !== "/" || s[11] !== ":") return undefined;
  const day = digits(s, 0, 2);
  const month = MONTHS[s.slice(3, 6)];
  const year = digits(s, 7, 4);
  const h = digits(s, 12, 2);
  const m = digits(s, 15, 2);
  const sec = digits(s, 18, 2);
  if (month === undefined || Number.isNaN(day + year + h + m + sec)) return undefined;
  let i = 20;
  let ms = 0;
  if (s[i] === ".") {
    let j = i + 1;
    let frac = 0;
    let scale = 1;
    while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) {
      if (scale < 1000) {
        frac = frac * 10 + (s.charCodeAt(j) - 48);
        scale *= 10;
      }
      j++;
    }
    ms = (frac * 1000) / scale;
    i = j;
  }
  let offset = 0;
  if (i < s.length) {
    if (s[i] !== " " || s.length !== i + 6) return undefined;
    const sign = s[i + 1] === "-" ? -1 : s[i + 1] === "+" ? 1 : 0;
    const oh = digits(s, i + 2, 2);
    const om = digits(s, i + 4, 2);
    if (sign === 0 || Number.isNaN(oh + om)) return undefined;
    offset = sign * (oh * 60 + om);
  }
  if (day < 1 || day > 31 || h > 23 || m > 59 || sec > 60) return undefined;
  return Date.UTC(year, month, day, h, m, sec) + ms - offset * 60_000;
}

/**
 * An ISO 8601 / RFC 3339 timestamp ("2016-04-15T20:17:00.310Z", "2024-01-02T03:04:05+01:00")
 * → epoch milliseconds. Strict about the shape so that Date.parse's leniency does not leak in.
 */
export function parseIsoTime(s: string): number | undefined {
  if (
    s.length < 20 ||
    s.length > 40 ||
    s[4] !== "-" ||
    s[7] !== "-" ||
    (s[10] !== "T" && s[10] !== " ") ||
    s[13] !== ":" ||
    s[16] !== ":"
  )
    return undefined;
  const t = Date.parse(s[10] === " " ? `${s.slice(0, 10)}T${s.slice(11)}` : s);
  return Number.isNaN(t) ? undefined : t;
}

/** A non-negative decimal integer, or undefined ("-", empty, anything else). */
export function parseUint(s: string, start = 0, end = s.length): number | undefined {
  if (end <= start || end - start > 15) return undefined;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n;
}

/** A decimal number ("0.004", "12", "-1"), or undefined. */
export function parseDecimal(s: string): number | undefined {
  if (s.length === 0 || s.length > 24 || s === "-") return undefined;
  const c = s.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** Seconds as logged ("0.123") → milliseconds, rounded to microseconds; "-" and negatives → undefined. */
export function secondsToMs(s: string): number | undefined {
  const n = parseDecimal(s);
  return n === undefined || n < 0 ? undefined : Math.round(n * 1_000_000) / 1000;
}

/** Decodes bytes given as latin1 code units (0..255) as UTF-8 when any is non-ASCII. */
function bytesToText(bytes: string): string {
  for (let i = 0; i < bytes.length; i++)
    if (bytes.charCodeAt(i) > 0x7f) return Buffer.from(bytes, "latin1").toString("utf8");
  return bytes;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * Undoes nginx's default escaping (`\xXX` for `"`, `\`, and bytes < 32 or > 126; the bytes form
 * UTF-8) and Apache's (`\"`, `\\`, `\xhh`, `\n`, `\t`). Fast path: no backslash, no work.
 */
export function unescapeLog(s: string): string {
  if (s.indexOf("\\") === -1) return s;
  let out = "";
  let i = 0;
  let from = 0;
  while (true) {
    const b = s.indexOf("\\", i);
    if (b === -1 || b + 1 >= s.length) break;
    const n = s.charCodeAt(b + 1);
    let rep: string | undefined;
    let len = 2;
    if (n === 0x78 /* x */ && b + 3 < s.length + 0) {
      const hi = hexValue(s.charCodeAt(b + 2));
      const lo = hexValue(s.charCodeAt(b + 3));
      if (hi >= 0 && lo >= 0) {
        rep = String.fromCharCode(hi * 16 + lo);
        len = 4;
      }
    } else if (n === 0x22 || n === 0x5c) rep = s[b + 1];
    else if (n === 0x6e) rep = "\n";
    else if (n === 0x74) rep = "\t";
    else if (n === 0x72) rep = "\r";
    if (rep === undefined) {
      i = b + 1;
      continue;
    }
    out += s.slice(from, b) + rep;
    i = from = b + len;
  }
  out += s.slice(from);
  return bytesToText(out);
}

/**
 * The end of a double-quoted field that starts at `start` (just after the opening quote): the
 * index of the first `"` not escaped by a backslash, or -1. Linear: each backslash is looked at once.
 */
export function closingQuote(s: string, start: number): number {
  let i = start;
  while (true) {
    const q = s.indexOf('"', i);
    if (q === -1) return -1;
    let b = q - 1;
    while (b >= i && s.charCodeAt(b) === 0x5c) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    i = q + 1;
  }
}

/**
 * A cursor over space-separated fields, some double-quoted (Envoy, ALB, HAProxy). `next()` returns
 * the next field (quotes removed, escapes kept) or undefined at the end of the line; a quoted
 * field ends at the first `"` followed by a space or the end of the line.
 */
export class FieldCursor {
  line = "";
  pos = 0;
  /** True when the last field read was quoted. */
  quoted = false;

  reset(line: string, pos = 0): this {
    this.line = line;
    this.pos = pos;
    return this;
  }

  atEnd(): boolean {
    return this.pos >= this.line.length;
  }

  next(): string | undefined {
    const line = this.line;
    let p = this.pos;
    while (p < line.length && line.charCodeAt(p) === 0x20) p++;
    if (p >= line.length) {
      this.pos = p;
      return undefined;
    }
    if (line.charCodeAt(p) === 0x22) {
      let q = p + 1;
      while (true) {
        q = line.indexOf('"', q);
        if (q === -1) {
          this.pos = line.length;
          this.quoted = true;
          return undefined;
        }
        if (q + 1 === line.length || line.charCodeAt(q + 1) === 0x20) break;
        q++;
      }
      this.pos = q + 1;
      this.quoted = true;
      return line.slice(p + 1, q);
    }
    const sp = line.indexOf(" ", p);
    const end = sp === -1 ? line.length : sp;
    this.pos = end;
    this.quoted = false;
    return line.slice(p, end);
  }
}

/** An integer that may be signed or prefixed with "+" (HAProxy timers: "-1", "+30"). */
export function parseInt10(s: string | undefined): number | undefined {
  if (s === undefined || s.length === 0 || s.length > 15) return undefined;
  const c = s.charCodeAt(0);
  if (c === 0x2d) {
    const v = parseUint(s, 1);
    return v === undefined ? undefined : -v;
  }
  return parseUint(s, c === 0x2b ? 1 : 0);
}
