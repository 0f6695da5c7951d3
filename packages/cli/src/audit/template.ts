/**
 * Endpoint templates: `/users/123/orders/9f86d081884c7d65` → `/users/{id}/orders/{hash}`.
 * Inferred from raw paths (never an OpenTelemetry `http.route`): dynamic-looking segments become
 * placeholders so that the set of templates stays small whatever the traffic. Pure and linear.
 */
import { randomBytes } from "node:crypto";

/** Segments kept per template; deeper paths end in "/…" (bounded cardinality and length). */
export const MAX_TEMPLATE_SEGMENTS = 8;
/** A segment longer than this without a separator is a token whatever its characters. */
const MAX_SEGMENT_LENGTH = 48;
/** A segment longer than this is a token whatever it holds (bounded template length). */
const MAX_NAME_LENGTH = 128;

const KNOWN_METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "TRACE",
  "CONNECT",
]);

/**
 * The method as a bounded label: a standard method, or "_OTHER" (OpenTelemetry's convention).
 * The common methods come back as the literal, not the string cut from the line: a literal is
 * internalized (its hash is computed once), so the engine's per-method Map lookups stay cheap.
 */
export function methodLabel(method: string): string {
  switch (method) {
    case "GET":
      return "GET";
    case "POST":
      return "POST";
    case "HEAD":
      return "HEAD";
    case "PUT":
      return "PUT";
    case "DELETE":
      return "DELETE";
    case "PATCH":
      return "PATCH";
    case "OPTIONS":
      return "OPTIONS";
  }
  if (KNOWN_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : "_OTHER";
}

/** A small number for each label methodLabel gives (0-9). */
export function labelIndex(label: string): number {
  switch (label) {
    case "GET":
      return 0;
    case "POST":
      return 1;
    case "HEAD":
      return 2;
    case "PUT":
      return 3;
    case "DELETE":
      return 4;
    case "PATCH":
      return 5;
    case "OPTIONS":
      return 6;
    case "TRACE":
      return 7;
    case "CONNECT":
      return 8;
  }
  return 9;
}

/**
 * Segment kinds: 0 static, 1 {id}, 2 {uuid}, 3 {hash}, 4 {token}, 5 {email} (the whole segment);
 * INNER_KIND: a name holding content hashes ("app.3f2a9c1d.js" → "app.{hash}.js"); STEM + k: a
 * file whose whole stem is of kind k ("0006.gif" → "{id}.gif", "<uuid>.json" → "{uuid}.json").
 *
 * An id is a whole segment (or a whole file stem): numbers inside names stay ("401-bare",
 * "favicon-16x16.png", "029_AND_30", "tile-100.png"), so do names (percent-encoded ones too:
 * "A%20Beka%20G1%20Howe"). Only content hashes (8 or more hex digits, with a digit and a letter)
 * are taken out of names: they change with every build.
 */
const PLACEHOLDERS = ["", "{id}", "{uuid}", "{hash}", "{token}", "{email}"] as const;
const INNER_KIND = 6;
const STEM = 8;

/**
 * The characters of the path (or segment) being classified, as bytes: the classifier reads them,
 * not a string, so that a path read from a log line's bytes is classified without a string
 * (scanTemplateBytes). A Buffer, like the chunks lines are read in, so that the classifier's
 * loads see one kind of array. Characters past ASCII are all 0x80 here: the classifier reads them
 * only as "not a letter, digit or separator", and a path that holds one never takes the fast
 * route, which compares characters (scanTemplate). Grown as needed.
 */
let CODES: Buffer = Buffer.alloc(1024);

/** Characters by position: a string's codes (CODES) or the bytes of a line. */
type Codes = Uint8Array;

/** Whether the last string given to fill was ASCII. */
let filledAscii = true;

/** Puts `s` in CODES; returns its length. */
function fill(s: string): number {
  const n = s.length;
  if (n > CODES.length) CODES = Buffer.alloc(Math.max(n, CODES.length * 2));
  const codes = CODES;
  let high = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    high |= c;
    codes[i] = c < 128 ? c : 0x80;
  }
  filledAscii = high < 128;
  return n;
}

/** Index of `code` in cs[from, end), or -1. */
function indexIn(cs: Codes, code: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (cs[i] === code) return i;
  return -1;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHexLetter = (c: number): boolean => (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isInnerSep = (c: number): boolean => c === 46 || c === 95 || c === 58 || c === 45;

/** Index of the "." of a file extension of path[start, end) (1-8 alphanumerics, a letter first), or -1. */
function extensionDot(cs: Codes, start: number, end: number): number {
  for (let i = end - 1; i > start && i >= end - 9; i--) {
    const c = cs[i]!;
    if (c === 46) return i < end - 1 && isLetter(cs[i + 1]!) ? i : -1;
    if (!isDigit(c) && !isLetter(c)) return -1;
  }
  return -1;
}

/** 1 for the ASCII codes of hex digits (0-9, a-f, A-F). */
const HEX = (() => {
  const t = new Uint8Array(128);
  for (const c of "0123456789abcdefABCDEF") t[c.charCodeAt(0)] = 1;
  return t;
})();

/**
 * Whether a segment starting at path[start] is a UUID that the scan takes as {uuid}: 36
 * characters up to the segment's end ("/", the end, or a target's "?"), and not of lowercase
 * letters only (the scan reads those as a plain word, a static one).
 */
function uuidAt(path: Codes, start: number, limit: number, bytes: boolean): boolean {
  const end = start + 36;
  if (end > limit || path[start + 8] !== 45) return false;
  if (end < limit) {
    const c = path[end]!;
    if (c !== 47 && !(c === 0x3f && bytes)) return false;
  }
  if (!isUuid(path, start, end)) return false;
  // Its characters are hex digits and dashes: a digit or an upper-case letter is one at most "F".
  for (let i = start; i < end; i++) {
    const c = path[i]!;
    if (c <= 70 && c !== 45) return true;
  }
  return false;
}

/** Whether path[start, end) is a UUID (8-4-4-4-12 hex). */
function isUuid(cs: Codes, start: number, end: number): boolean {
  if (
    end - start !== 36 ||
    cs[start + 8] !== 45 ||
    cs[start + 13] !== 45 ||
    cs[start + 18] !== 45 ||
    cs[start + 23] !== 45
  )
    return false;
  let hex = 0;
  for (let i = start; i < end; i++) {
    const c = cs[i]!;
    if (c < 128) hex += HEX[c]!;
  }
  return hex === 32;
}

/**
 * Whether path[start, end) is an opaque token (base64url ids, session-like keys): letters and
 * digits interleaved, not words with a number. "dQw4w9WgXcQ", "_arN9lf-IeRIb3CIra9" are;
 * "firebug-16-beta-1-released", "googlelogo_light_color_272x92dp" are not.
 */
function isToken(cs: Codes, start: number, end: number): boolean {
  const n = end - start;
  let digits = 0;
  let letters = 0;
  let seps = 0;
  let switches = 0;
  let prev = 0; // 1 letter, 2 digit, 0 start or separator
  for (let i = start; i < end; i++) {
    const c = cs[i]!;
    let cls = 0;
    if (isDigit(c)) {
      digits++;
      cls = 2;
    } else if (isLetter(c)) {
      letters++;
      cls = 1;
    } else if (c === 45 || c === 95) seps++;
    // "%2B", "%2F", "%3D" (+ / = of base64) are part of a token; any other %XX separates words.
    else if (c === 37 && i + 2 < end) {
      const x = cs[i + 1]!;
      const y = cs[i + 2]! | 0x20;
      if ((x === 50 && (y === 98 || y === 102)) || (x === 51 && y === 100)) cls = 1;
      else seps++;
      i += 2;
      if (cls === 1) letters++;
    } else return false;
    if (cls !== 0 && prev !== 0 && cls !== prev) switches++;
    prev = cls;
  }
  if (n > MAX_SEGMENT_LENGTH && seps === 0) return true;
  return n >= 10 && digits >= 2 && letters >= 2 && switches >= 3 && switches * 8 >= n;
}

/**
 * Kind of a whole segment or file stem path[start, end) (0 when it is none of the placeholders).
 * A stem is never a prefixed id: "grok-20070915.html" is a name.
 */
function wholeKind(cs: Codes, start: number, end: number, stem = false): number {
  const n = end - start;
  if (n === 0) return 0;
  let digits = 0;
  let hexLetters = 0;
  let letters = 0;
  let seps = 0;
  let other = 0;
  for (let i = start; i < end; i++) {
    const c = cs[i]!;
    if (isDigit(c)) digits++;
    else if (isLetter(c)) {
      letters++;
      if (isHexLetter(c)) hexLetters++;
    } else if (c === 45 || c === 95 || c === 46 || c === 58) seps++;
    else other++;
  }
  COUNTS[0] = digits;
  COUNTS[1] = letters;
  COUNTS[2] = digits + hexLetters;
  if (digits === n) return 1;
  if (n === 36 && seps === 4 && isUuid(cs, start, end)) return 2;
  if (other > 0) return 0;
  // Hash-like: hex only, long enough to be a digest or an object id, with at least one digit.
  if (seps === 0 && digits + hexLetters === n && n >= 12 && digits > 0) return 3;
  // Dates, numeric ranges and versions: digits and separators only (2026-11-24, 12.5).
  if (letters === 0) return seps > 0 && digits >= 2 ? 1 : 0;
  // Ids with a short prefix: "u_1234", "ord-98765", "INV00123".
  if (!stem && digits >= 3 && isPrefixedId(cs, start, end)) return 1;
  return 0;
}

/**
 * "u_1234", "ord-98765", "INV00123": 1-4 letters, then - or _ and 3 or more digits, or 5 or more
 * digits straight after ("net4501", "kpc650", "T101" are names).
 */
function isPrefixedId(cs: Codes, start: number, end: number): boolean {
  let i = start;
  while (i < end && i - start < 5 && isLetter(cs[i]!)) i++;
  const letters = i - start;
  if (letters < 1 || letters > 4) return false;
  const c = cs[i]!;
  const sep = c === 45 || c === 95;
  if (sep) i++;
  if (end - i < (sep ? 3 : 5)) return false;
  for (; i < end; i++) if (!isDigit(cs[i]!)) return false;
  return true;
}

/** What the last wholeKind counted: digits, letters, hex characters (digits and a-f). */
const COUNTS = new Int32Array(3);

/**
 * Kind of the content hash token path[a, b) inside a name: 3 ({hash}) for 8 to 64 hex digits with
 * at least one digit and one letter, else 0 (kept as it is).
 */
function innerTokenKind(cs: Codes, a: number, b: number): number {
  const n = b - a;
  if (n < 8 || n > 64) return 0;
  let digits = 0;
  for (let i = a; i < b; i++) {
    const c = cs[i]!;
    if (isDigit(c)) digits++;
    else if (!isHexLetter(c)) return 0;
  }
  return digits > 0 && digits < n ? 3 : 0;
}

/** Whether a name path[start, end) holds a content hash token (see innerTokenKind). */
function hasInnerHash(cs: Codes, start: number, end: number): boolean {
  let t = start;
  while (t < end) {
    let u = t;
    while (u < end && !isInnerSep(cs[u]!)) u++;
    if (innerTokenKind(cs, t, u) !== 0) return true;
    t = u + 1;
  }
  return false;
}

/** The kind of path[start, end) (see PLACEHOLDERS). One pass or two over the characters, no slicing. */
function segmentKind(cs: Codes, start: number, end: number): number {
  const n = end - start;
  if (n === 0) return 0;
  if (n > MAX_NAME_LENGTH) return 4;
  // UUIDs are common ids: decided before any other look.
  if (n === 36 && cs[start + 8]! === 45 && isUuid(cs, start, end)) return 2;
  const at = indexIn(cs, 64, start, end);
  if (at !== -1) {
    const dot = indexIn(cs, 46, at, end);
    return at > start && dot !== -1 && dot < end - 1 ? 5 : 0;
  }
  const dot = extensionDot(cs, start, end);
  if (dot !== -1) {
    const k = wholeKind(cs, start, dot, true);
    if (k !== 0) return STEM + k;
    return mayHoldHash() && hasInnerHash(cs, start, dot) ? INNER_KIND : 0;
  }
  const k = wholeKind(cs, start, end);
  if (k !== 0) return k;
  if ((n > MAX_SEGMENT_LENGTH || (COUNTS[0]! >= 2 && COUNTS[1]! >= 2)) && isToken(cs, start, end))
    return 4;
  return mayHoldHash() && hasInnerHash(cs, start, end) ? INNER_KIND : 0;
}

/** Whether what wholeKind counted leaves room for a content hash (8 hex, a digit, a letter). */
function mayHoldHash(): boolean {
  return COUNTS[2]! >= 8 && COUNTS[0]! > 0 && COUNTS[2]! > COUNTS[0]!;
}

/** The placeholder for one path segment, or undefined when the segment is static. */
export function segmentPlaceholder(seg: string): string | undefined {
  const n = fill(seg);
  const kind = segmentKind(CODES, 0, n);
  if (kind === 0) return undefined;
  if (kind > STEM) return PLACEHOLDERS[kind - STEM] + seg.slice(extensionDot(CODES, 0, n));
  return kind === INNER_KIND ? innerHashes(seg) : PLACEHOLDERS[kind];
}

/** A name (in CODES too) with its content hashes replaced by {hash}. */
function innerHashes(seg: string): string {
  let out = "";
  let t = 0;
  while (t < seg.length) {
    let u = t;
    while (u < seg.length && !isInnerSep(seg.charCodeAt(u))) u++;
    out += innerTokenKind(CODES, t, u) !== 0 ? "{hash}" : seg.slice(t, u);
    if (u < seg.length) out += seg[u];
    t = u + 1;
  }
  return out;
}

/**
 * The template of a path (query removed); the path itself when static. A fragment and path
 * parameters (`;jsessionid=…`: session ids, tokens) are never part of a template.
 */
export function endpointTemplate(raw: string): string {
  const path = raw.includes("#") || raw.includes(";") ? withoutParams(raw) : raw;
  const len = path.length;
  if (len === 0 || path === "/") return "/";
  if (path.charCodeAt(0) !== 47) return path === "*" ? "*" : "{other}";
  let out: string | undefined;
  let copied = 0;
  let start = 1;
  let count = 0;
  for (;;) {
    let end = path.indexOf("/", start);
    if (end === -1) end = len;
    if (count === MAX_TEMPLATE_SEGMENTS) return `${out ?? ""}${path.slice(copied, start - 1)}/…`;
    // Most segments are static words: skip them without slicing.
    if (mayBeDynamic(path, start, end)) {
      const p = segmentPlaceholder(path.slice(start, end));
      if (p !== undefined) {
        out = `${out ?? ""}${path.slice(copied, start)}${p}`;
        copied = end;
      }
    }
    count++;
    if (end >= len) break;
    start = end + 1;
  }
  return out === undefined ? path : copied < len ? out + path.slice(copied) : out;
}

/** "/app;jsessionid=1/x#t=2" → "/app/x". */
function withoutParams(path: string): string {
  const hash = path.indexOf("#");
  const p = hash === -1 ? path : path.slice(0, hash);
  return p.includes(";") ? p.replace(/;[^/]*/g, "") : p;
}

/** False for a segment of lowercase letters (and - _) only, shorter than the opaque limit: static. */
function mayBeDynamic(path: string, start: number, end: number): boolean {
  if (end - start > MAX_SEGMENT_LENGTH) return true;
  for (let i = start; i < end; i++) {
    const c = path.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || c === 45 || c === 95)) return true;
  }
  return false;
}

/** The endpoint key of an exchange: "GET /users/{id}". */
export function endpointKey(method: string, path: string): string {
  return `${methodLabel(method)} ${endpointTemplate(path)}`;
}

/**
 * The fast route's key of a template: two 30-bit hashes of its text, computed from the path
 * without building the template (scanTemplate, scannedCheck). Templates that are equal have equal
 * keys. Templates that differ share a key only if both hashes collide: with the seeds drawn at
 * random per process, about n^2 / 2^61 for n templates (4,096 at most at a time: < 1e-11), and
 * not something a crafted path can aim at (nor can it crowd one slot of a table keyed by it).
 * The general route builds the template string itself.
 */
const SEEDS = randomBytes(8);
const SEED_H = 0x811c9dc5 ^ SEEDS.readInt32LE(0);
const SEED_G = 0x9747b28c ^ SEEDS.readInt32LE(4);
const P_H = 0x01000193;
const P_G = 0x5bd1e995;

/** The second hash of the last scan's template (see SEEDS). */
let lastCheck = 0;

/** The second hash (30 bits) of the template of the path the last scan read. */
export function scannedCheck(): number {
  return lastCheck;
}

/**
 * The first hash (30 bits) of the template of `path`, computed without building it (see SEEDS);
 * NaN when the template needs the general route (not absolute, deeper than the limit, the root,
 * or not ASCII: characters past ASCII all read as one here).
 */
export function scanTemplate(path: string): number {
  const n = fill(path);
  if (!filledAscii) return Number.NaN;
  return scanCodes(CODES, 0, n, false);
}

/** What scanTemplateBytes returns for a path with a byte that is not ASCII. */
export const NOT_ASCII = -1;

/** The end of the path the last scanTemplateBytes read (the target's "?", or its end). */
let scannedEnd = 0;

/**
 * scanTemplate of the path of the request target bytes[start, end) (a target readFlat read),
 * without a string: the path is the part before a "?". NOT_ASCII when that part holds a byte
 * that is not ASCII (the caller then decodes the line whole); it ends at scannedPathEnd().
 */
export function scanTemplateBytes(bytes: Uint8Array, start: number, end: number): number {
  return scanCodes(bytes, start, end, true);
}

/** Where the path the last scanTemplateBytes read ends. */
export function scannedPathEnd(): number {
  return scannedEnd;
}

/**
 * The end of the path of a target's bytes from `from` on (its "?", or `limit`), for a scan that
 * stops early; -1 when a byte before it is not ASCII.
 */
function bytesPathEnd(path: Codes, from: number, limit: number): number {
  for (let i = from; i < limit; i++) {
    const c = path[i]!;
    if (c === 0x3f) return i;
    if (c >= 0x80) return -1;
  }
  return limit;
}

/**
 * The general route (NaN) of a scan that stops before the path's end: for bytes, the path's end
 * is found (and a byte that is not ASCII makes it NOT_ASCII).
 */
function generalRoute(path: Codes, from: number, limit: number, bytes: boolean): number {
  if (!bytes) return Number.NaN;
  const end = bytesPathEnd(path, from, limit);
  if (end === -1) return NOT_ASCII;
  scannedEnd = end;
  return Number.NaN;
}

/**
 * scanTemplate of the path in path[from, limit): a string's codes, or (`bytes`) a request target's
 * bytes, whose path ends at a "?" and must be ASCII.
 */
function scanCodes(path: Codes, from: number, limit: number, bytes: boolean): number {
  if (limit - from < 2 || path[from] !== 47 || (bytes && path[from + 1] === 0x3f))
    return generalRoute(path, from, limit, bytes);
  // Two lanes, each a 32-bit FNV-1a with its own seed and multiplier: every step of the template's
  // text (a character, or a placeholder's code) goes into both.
  let h = SEED_H;
  let g = SEED_G;
  let start = from + 1;
  let count = 0;
  for (;;) {
    if (count === MAX_TEMPLATE_SEGMENTS) return generalRoute(path, start, limit, bytes);
    // One pass per segment: find its end, hash it as static text, and see whether it is a plain
    // word (lowercase letters, - and _), which is static without looking further.
    const beforeH = Math.imul(h ^ 47, P_H);
    const beforeG = Math.imul(g ^ 47, P_G);
    let textH = beforeH;
    let textG = beforeG;
    let bits = 0;
    let end = start;
    let last = false;
    let kind: number;
    if (uuidAt(path, start, limit, bytes)) {
      // A UUID, the commonest id after numbers, is told by its shape without hashing its
      // characters (they are not part of the template), and given the kind the loop and
      // segmentKind would give it.
      end = start + 36;
      last = end >= limit || path[end] !== 47;
      kind = 2;
    } else {
      for (; end < limit; end++) {
        const c = path[end]!;
        if (c === 47) break;
        // A path parameter or a fragment: the general route (endpointTemplate drops them).
        if (c === 59 || c === 35) return generalRoute(path, end, limit, bytes);
        if (c >= 128) {
          if (bytes) return NOT_ASCII;
          bits |= NOT_PLAIN | NOT_DIGIT | NOT_ALNUM;
        } else {
          // The query of a target's bytes: the path ends here.
          if (c === 0x3f && bytes) {
            last = true;
            break;
          }
          bits |= SCAN_CLASS[c]!;
        }
        textH = Math.imul(textH ^ c, P_H);
        textG = Math.imul(textG ^ c, P_G);
      }
      if (end >= limit) last = true;
      // Plain words and numbers, most segments, are decided here; the rest by segmentKind. A
      // short segment of letters and digits ("v1", "h2", "api2") is a name: every placeholder but
      // {id} needs more characters or a separator.
      kind =
        end - start > MAX_SEGMENT_LENGTH
          ? segmentKind(path, start, end)
          : (bits & NOT_PLAIN) === 0
            ? 0
            : (bits & NOT_DIGIT) === 0
              ? 1
              : end - start <= 5 && (bits & NOT_ALNUM) === 0
                ? 0
                : segmentKind(path, start, end);
    }
    if (kind === 0) {
      h = textH;
      g = textG;
    } else if (kind > STEM) {
      // The stem's placeholder, then the extension as text.
      h = Math.imul(beforeH ^ (0x10000 + kind), P_H);
      g = Math.imul(beforeG ^ (0x10000 + kind), P_G);
      for (let i = extensionDot(path, start, end); i < end; i++) {
        h = Math.imul(h ^ path[i]!, P_H);
        g = Math.imul(g ^ path[i]!, P_G);
      }
    } else if (kind === INNER_KIND) {
      h = beforeH;
      g = beforeG;
      // Token by token, as innerHashes rewrites them: hashes become a code, the rest hashes as text.
      let t = start;
      while (t < end) {
        let u = t;
        while (u < end && !isInnerSep(path[u]!)) u++;
        const tk = innerTokenKind(path, t, u);
        if (tk !== 0) {
          h = Math.imul(h ^ (0x10000 + tk), P_H);
          g = Math.imul(g ^ (0x10000 + tk), P_G);
        } else
          for (let i = t; i < u; i++) {
            h = Math.imul(h ^ path[i]!, P_H);
            g = Math.imul(g ^ path[i]!, P_G);
          }
        if (u < end) {
          h = Math.imul(h ^ path[u]!, P_H);
          g = Math.imul(g ^ path[u]!, P_G);
        }
        t = u + 1;
      }
    } else {
      h = Math.imul(beforeH ^ (0x10000 + kind), P_H);
      g = Math.imul(beforeG ^ (0x10000 + kind), P_G);
    }
    count++;
    if (last) {
      scannedEnd = end;
      break;
    }
    start = end + 1;
  }
  // 30 bits each: small integers in V8 (no heap number allocated per lookup).
  lastCheck = g & 0x3fffffff;
  return h & 0x3fffffff;
}

/**
 * Bits of SCAN_CLASS: the character is not a plain-word one ([a-z_-]), is not a digit, is not a
 * letter or a digit.
 */
const NOT_PLAIN = 1;
const NOT_DIGIT = 2;
const NOT_ALNUM = 4;
/** By ASCII code: which of NOT_PLAIN, NOT_DIGIT and NOT_ALNUM hold. */
const SCAN_CLASS = (() => {
  const t = new Uint8Array(128).fill(NOT_PLAIN | NOT_DIGIT | NOT_ALNUM);
  for (let c = 97; c <= 122; c++) t[c] = NOT_DIGIT;
  for (let c = 65; c <= 90; c++) t[c] = NOT_PLAIN | NOT_DIGIT;
  t[45] = NOT_DIGIT | NOT_ALNUM;
  t[95] = NOT_DIGIT | NOT_ALNUM;
  for (let c = 48; c <= 57; c++) t[c] = NOT_PLAIN;
  return t;
})();
