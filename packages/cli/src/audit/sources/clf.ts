/**
 * Common Log Format and Combined (Apache `common` / `combined`, nginx's predefined `combined`):
 *
 *   %h %l %u %t "%r" %>s %b                                  (common)
 *   %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"   (combined; further fields ignored)
 *
 * One pass of indexOf over the line, no regular expression. `%b` is "-" for no body (Apache) or a
 * number (nginx): body bytes only, as sent (Apache and nginx log "-" or 0 for HEAD, 204 and 304
 * whatever the handler wrote, and a count when they did send a body). A user in `%u` means
 * credentials were sent (Basic), "-" tells nothing. `%h` may be a forwarded-for list
 * ("10.0.0.2, 10.0.0.1, 127.0.0.1"), as servers behind load balancers log it.
 */
import type { Capability, Exchange, SourceFormat } from "../exchange.js";
import type { FlatRecord, LineFormat, SourceRecord } from "../source.js";
import {
  closingQuote,
  MONTHS,
  malformed,
  parseClfTimeAt,
  parseRequestLine,
  parseRequestLineAt,
  parseUint,
  unescapeLog,
} from "./fields.js";

type Mutable = { -readonly [K in keyof Exchange]: Exchange[K] };

/** Shape of the common prefix, shared by both formats. Returns the index after %b, or a reason. */
interface Prefix {
  /** True when %u names a user. */
  user: boolean;
  /** Where %u starts (%u ends at timeStart - 2). */
  userStart: number;
  /** Offsets in the line: the time inside the brackets, the request inside its quotes. */
  timeStart: number;
  timeEnd: number;
  requestStart: number;
  requestEnd: number;
  status: number;
  size: number | undefined;
  end: number;
}

const SCRATCH: Prefix = {
  user: false,
  userStart: 0,
  timeStart: 0,
  timeEnd: 0,
  requestStart: 0,
  requestEnd: 0,
  status: 0,
  size: undefined,
  end: 0,
};

/** Parses `%h %l %u [%t] "%r" %>s %b` into SCRATCH; returns a reason when the line is not that. */
function prefix(line: string): string | undefined {
  let a = line.indexOf(" ");
  if (a <= 0) return "not a CLF line: no client address";
  // Behind load balancers %h may be a forwarded-for list ("10.0.0.2, 10.0.0.1, 127.0.0.1"): a
  // comma before the space means the client field goes on (one compare on the usual line).
  while (line.charCodeAt(a - 1) === 0x2c) {
    a = line.indexOf(" ", a + 1);
    if (a === -1) return "not a CLF line: no user field";
  }
  const b = line.indexOf(" ", a + 1);
  if (b === -1) return "not a CLF line: no user field";
  const open = line.indexOf(" [", b);
  if (open === -1) return "not a CLF line: no [time]";
  const close = line.charCodeAt(open + 28) === 0x5d ? open + 28 : line.indexOf("]", open + 2);
  if (close === -1) return "not a CLF line: unterminated [time]";
  if (line.charCodeAt(close + 1) !== 0x20 || line.charCodeAt(close + 2) !== 0x22)
    return 'not a CLF line: no "request" after the time';
  const q = closingQuote(line, close + 3);
  if (q === -1) return 'not a CLF line: unterminated "request"';
  if (line.charCodeAt(q + 1) !== 0x20) return "not a CLF line: no status after the request";
  const s0 = q + 2;
  const s1 = line.indexOf(" ", s0);
  const statusEnd = s1 === -1 ? line.length : s1;
  const status = parseUint(line, s0, statusEnd);
  if (status === undefined || statusEnd - s0 !== 3)
    return `not a CLF line: status "${line.slice(s0, Math.min(statusEnd, s0 + 12))}" is not a 3-digit code`;
  let size: number | undefined = 0;
  let end = statusEnd;
  if (s1 !== -1) {
    const z1 = line.indexOf(" ", s1 + 1);
    end = z1 === -1 ? line.length : z1;
    // "-": Apache's way of writing 0 bytes of body.
    if (!(end - s1 === 2 && line.charCodeAt(s1 + 1) === 0x2d)) {
      size = parseUint(line, s1 + 1, end);
      if (size === undefined) return "not a CLF line: the size is not a number or -";
    }
  } else return "not a CLF line: no size after the status";
  // "-" and "" say nothing; anything else is a user name, so credentials were sent.
  SCRATCH.user = open - b > 2 || (open - b === 2 && line.charCodeAt(b + 1) !== 0x2d);
  SCRATCH.userStart = b + 1;
  SCRATCH.timeStart = open + 2;
  SCRATCH.timeEnd = close;
  SCRATCH.requestStart = close + 3;
  SCRATCH.requestEnd = q;
  SCRATCH.status = status;
  SCRATCH.size = size;
  SCRATCH.end = end;
  return undefined;
}

/** True when `"…" "…"` (referer, user agent) follows at `at`. */
function quotedPair(line: string, at: number): boolean {
  if (line.charCodeAt(at) !== 0x20 || line.charCodeAt(at + 1) !== 0x22) return false;
  const r = closingQuote(line, at + 2);
  if (r === -1 || line.charCodeAt(r + 1) !== 0x20 || line.charCodeAt(r + 2) !== 0x22) return false;
  return closingQuote(line, r + 3) !== -1;
}

function build(format: SourceFormat, line: string, file: string, lineNumber: number): Exchange {
  const { requestStart: rs, requestEnd: re } = SCRATCH;
  // Read the request in place unless it holds escapes to undo. (indexOf, not lastIndexOf: V8's
  // indexOf is a fast scan, lastIndexOf a runtime call that cost more than the rest of the line.)
  const bs = line.indexOf("\\", rs);
  const rl =
    bs === -1 || bs >= re
      ? parseRequestLineAt(line, rs, re)
      : parseRequestLine(unescapeLog(line.slice(rs, re)));
  const request: {
    method: string;
    target: string;
    path: string;
    host?: string;
    credentials?: "present";
  } = rl as { method: string; target: string; path: string };
  if (SCRATCH.user) request.credentials = "present";
  const location = { file, line: lineNumber };
  const response =
    SCRATCH.size === undefined
      ? { status: SCRATCH.status }
      : { status: SCRATCH.status, size: SCRATCH.size };
  const time = parseClfTimeAt(line, SCRATCH.timeStart, SCRATCH.timeEnd);
  // Made whole in one literal: a property added afterwards (time, on nearly every line) costs a
  // property-store allocation and a shape transition per line.
  const ex: Mutable =
    time === undefined
      ? { format, location, request, response }
      : { format, location, request, response, time };
  if (SCRATCH.status === 499) ex.clientAborted = true;
  return ex;
}

// ---- the byte scanner (LineFormat.readFlat) ---------------------------------------------------------

const SP = 0x20;
const DQ = 0x22;
const BS = 0x5c;

/** Index of the first `byte` in b[from, end), or -1 (a short field: a loop beats a native call). */
function find(b: Buffer, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (b[i] === byte) return i;
  return -1;
}

/**
 * The closing quote of a quoted field starting at `from`, or -1; -2 when the field holds a
 * backslash (an escape: parse reads those). Long fields (user agents): native searches.
 */
function quoteEnd(b: Buffer, from: number, end: number): number {
  const q = b.indexOf(DQ, from);
  if (q === -1 || q >= end) return -1;
  return nextBackslash(b, from) < q ? -2 : q;
}

/**
 * The first backslash at or after `from` (Infinity: none), remembered: lines are read in order
 * through a chunk, and most logs hold no backslash at all, so one search serves a whole chunk.
 */
let bsBuffer: Buffer | undefined;
let bsAt = Number.POSITIVE_INFINITY;
let bsFrom = 0;
function nextBackslash(b: Buffer, from: number): number {
  if (b !== bsBuffer || from < bsFrom || (bsAt !== Number.POSITIVE_INFINITY && bsAt < from)) {
    const i = b.indexOf(BS, from);
    bsBuffer = b;
    bsFrom = from;
    bsAt = i === -1 ? Number.POSITIVE_INFINITY : i;
  }
  return bsAt;
}

/** A latin1 string of b[start, end): Buffer's own slicer, without toString's argument checks. */
const latin1: (b: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as { latin1Slice?: unknown }).latin1Slice === "function"
    ? (b, start, end) =>
        (b as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(start, end)
    : (b, start, end) => b.toString("latin1", start, end);

/** The method of b[start, end) as methodLabel's literal, or undefined for any other. */
function methodOf(b: Buffer, start: number, end: number): string | undefined {
  const c = b[start];
  switch (end - start) {
    case 3:
      if (c === 0x47 && b[start + 1] === 0x45 && b[start + 2] === 0x54) return "GET";
      if (c === 0x50 && b[start + 1] === 0x55 && b[start + 2] === 0x54) return "PUT";
      return undefined;
    case 4:
      if (c === 0x50 && b[start + 1] === 0x4f && b[start + 2] === 0x53 && b[start + 3] === 0x54)
        return "POST";
      if (c === 0x48 && b[start + 1] === 0x45 && b[start + 2] === 0x41 && b[start + 3] === 0x44)
        return "HEAD";
      return undefined;
    case 5:
      return latin1(b, start, end) === "PATCH" ? "PATCH" : undefined;
    case 6:
      return latin1(b, start, end) === "DELETE" ? "DELETE" : undefined;
    case 7:
      return latin1(b, start, end) === "OPTIONS" ? "OPTIONS" : undefined;
    default:
      return undefined;
  }
}

/** Two decimal digits at b[i], or NaN. */
function two(b: Buffer, i: number): number {
  const x = b[i]! - 48;
  const y = b[i + 1]! - 48;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : Number.NaN;
}

/**
 * The last time field read and its value: lines of one second share it. The field's 26 bytes are
 * kept as six 32-bit words and a 16-bit one, read through a DataView of the buffer (seven loads
 * and compares where a byte loop took 26: ~40 ns a line → ~12).
 */
let view: DataView | undefined;
let viewOf: Uint8Array | undefined;
let w0 = -1;
let w1 = 0;
let w2 = 0;
let w3 = 0;
let w4 = 0;
let w5 = 0;
let w6 = 0;
let lastTimeValue = Number.NaN;

/**
 * "dd/Mon/yyyy:HH:MM:SS +zzzz" at b[start, start + 26) → epoch ms, as clfTime reads it; NaN when
 * it is not that shape (parse then decides). b holds the 26 bytes (the caller has seen the "]"
 * after them).
 */
function timeAt(b: Buffer, start: number): number {
  if (b !== viewOf) {
    viewOf = b;
    view = new DataView(b.buffer, b.byteOffset, b.length);
  }
  const dv = view!;
  // ":SS " first: the seconds are what changes from one second's lines to the next. (No time
  // field reads as -1, the word kept before any was read.)
  const a0 = dv.getInt32(start + 16);
  if (
    a0 === w0 &&
    dv.getInt32(start) === w1 &&
    dv.getInt32(start + 4) === w2 &&
    dv.getInt32(start + 8) === w3 &&
    dv.getInt32(start + 12) === w4 &&
    dv.getInt32(start + 20) === w5 &&
    dv.getUint16(start + 24) === w6
  )
    return lastTimeValue;
  if (b[start + 2] !== 0x2f || b[start + 6] !== 0x2f || b[start + 11] !== 0x3a) return Number.NaN;
  if (b[start + 20] !== SP) return Number.NaN;
  const day = two(b, start);
  const month = MONTHS[latin1(b, start + 3, start + 6)];
  const year = two(b, start + 7) * 100 + two(b, start + 9);
  const h = two(b, start + 12);
  const m = two(b, start + 15);
  const sec = two(b, start + 18);
  const signByte = b[start + 21];
  const sign = signByte === 0x2d ? -1 : signByte === 0x2b ? 1 : 0;
  const offset = sign * (two(b, start + 22) * 60 + two(b, start + 24));
  if (
    month === undefined ||
    sign === 0 ||
    Number.isNaN(day + year + h + m + sec + offset) ||
    b[start + 14] !== 0x3a ||
    b[start + 17] !== 0x3a
  )
    return Number.NaN;
  if (day < 1 || day > 31 || h > 23 || m > 59 || sec > 60) return Number.NaN;
  const value = Date.UTC(year, month, day, h, m, sec) - offset * 60_000;
  w0 = a0;
  w1 = dv.getInt32(start);
  w2 = dv.getInt32(start + 4);
  w3 = dv.getInt32(start + 8);
  w4 = dv.getInt32(start + 12);
  w5 = dv.getInt32(start + 20);
  w6 = dv.getUint16(start + 24);
  lastTimeValue = value;
  return value;
}

/**
 * The scan of `%h %l %u [%t] "%r" %>s %b` (then `"referer" "agent"` for combined) from bytes:
 * the same steps as prefix() and build(), for lines of the plain shape only (a known method, an
 * origin-form target, "HTTP/" after it, no escapes, a 26-byte time). Anything else returns false,
 * and parse decides. The target's path is left to the engine's template scan, which cuts it at
 * "?" and leaves a path with a byte that is not ASCII to parse (one pass over it, not two).
 */
function scanLine(
  b: Buffer,
  start: number,
  end: number,
  out: FlatRecord,
  combined: boolean,
): boolean {
  const a = find(b, SP, start, end);
  // A forwarded-for list in %h ("10.0.0.2, 10.0.0.1 - - [...]"): parse reads those.
  if (a <= start || b[a - 1] === 0x2c) return false;
  const u = find(b, SP, a + 1, end);
  if (u === -1) return false;
  let open = u;
  while (open < end - 1 && !(b[open] === SP && b[open + 1] === 0x5b)) open++;
  if (open >= end - 1) return false;
  const close = open + 28;
  if (b[close] !== 0x5d || b[close + 1] !== SP || b[close + 2] !== DQ) return false;
  const rs = close + 3;
  const q = quoteEnd(b, rs, end);
  if (q < 0 || b[q + 1] !== SP) return false;
  // "%>s": three digits, then " %b".
  const s0 = q + 2;
  const x = b[s0]! - 48;
  const y = b[s0 + 1]! - 48;
  const z = b[s0 + 2]! - 48;
  if (!(x >= 0 && x <= 9 && y >= 0 && y <= 9 && z >= 0 && z <= 9) || b[s0 + 3] !== SP) return false;
  if (s0 + 3 >= end) return false;
  let size = 0;
  let zEnd = s0 + 4;
  if (b[zEnd] === 0x2d && (zEnd + 1 === end || b[zEnd + 1] === SP)) zEnd++;
  else {
    const from = zEnd;
    while (zEnd < end && b[zEnd] !== SP) {
      const d = b[zEnd]! - 48;
      if (d < 0 || d > 9) return false;
      size = size * 10 + d;
      zEnd++;
    }
    if (zEnd === from || zEnd - from > 15) return false;
  }
  if (combined && zEnd < end) {
    // ` "referer" "agent"` must follow (further fields are ignored). The referer is most often
    // "-", and the agent most often ends the line: both seen without a search.
    if (b[zEnd + 1] !== DQ) return false;
    const r = b[zEnd + 2] === 0x2d && b[zEnd + 3] === DQ ? zEnd + 3 : quoteEnd(b, zEnd + 2, end);
    if (r < 0 || b[r + 1] !== SP || b[r + 2] !== DQ) return false;
    if (b[end - 1] === DQ && end - 1 >= r + 3) {
      if (nextBackslash(b, r + 3) < end - 1 && quoteEnd(b, r + 3, end) < 0) return false;
    } else if (quoteEnd(b, r + 3, end) < 0) return false;
  }
  // The request: METHOD SP /target SP HTTP/x
  const sp = find(b, SP, rs, q);
  if (sp === -1) return false;
  const method = methodOf(b, rs, sp);
  if (method === undefined || b[sp + 1] !== 0x2f) return false;
  let last = q - 1;
  while (b[last] !== SP) last--;
  if (last === sp || last + 6 > q) return false;
  if (b[last + 1] !== 0x48 || b[last + 2] !== 0x54 || b[last + 3] !== 0x54 || b[last + 4] !== 0x50)
    return false;
  if (b[last + 5] !== 0x2f) return false;
  const time = timeAt(b, open + 2);
  if (Number.isNaN(time)) return false;
  out.status = x * 100 + y * 10 + z;
  out.method = method;
  out.size = size;
  out.time = time;
  out.bytes = b;
  out.pathStart = sp + 1;
  out.targetEnd = last;
  return true;
}

const CAPS: ReadonlySet<Capability> = new Set<Capability>(["time", "response.size"]);

function parseWith(format: "clf" | "combined") {
  return (line: string, file: string, lineNumber: number): SourceRecord | undefined => {
    if (line.length === 0) return undefined;
    const reason = prefix(line);
    if (reason !== undefined) return malformed(reason, file, lineNumber);
    if (format === "combined" && SCRATCH.end < line.length && !quotedPair(line, SCRATCH.end))
      return malformed(
        'not a Combined line: no "referer" "user-agent" after the size',
        file,
        lineNumber,
      );
    return build(format, line, file, lineNumber);
  };
}

/**
 * Detection asks more than parsing: %u is one word (a line of another log that holds a CLF line,
 * such as a container runtime's `<time> stdout F <line>`, would otherwise pass with a "user" of
 * several words).
 */
const oneWordUser = (line: string): boolean =>
  line.indexOf(" ", SCRATCH.userStart) === SCRATCH.timeStart - 2;

export const clf: LineFormat = {
  format: "clf",
  capabilities: CAPS,
  detect: (line) => prefix(line) === undefined && oneWordUser(line) && SCRATCH.end === line.length,
  parse: parseWith("clf"),
  readFlat: (b, start, end, out) => scanLine(b, start, end, out, false),
};

export const combined: LineFormat = {
  format: "combined",
  capabilities: CAPS,
  detect: (line) =>
    prefix(line) === undefined &&
    oneWordUser(line) &&
    SCRATCH.end < line.length &&
    quotedPair(line, SCRATCH.end),
  parse: parseWith("combined"),
  readFlat: (b, start, end, out) => scanLine(b, start, end, out, true),
};
