/**
 * Endpoint templates: `/users/123/orders/9f86d081884c7d65` → `/users/{id}/orders/{hash}`.
 * Inferred from raw paths (never an OpenTelemetry `http.route`): dynamic-looking segments become
 * placeholders so that the set of templates stays small whatever the traffic. Pure and linear.
 */

/** Segments kept per template; deeper paths end in "/…" (bounded cardinality and length). */
export const MAX_TEMPLATE_SEGMENTS = 8;
/** A segment longer than this is opaque whatever its characters. */
const MAX_SEGMENT_LENGTH = 48;

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

/** Placeholders by segment kind (index 0: static, 6: ids inside a name, resolved by innerIds). */
const PLACEHOLDERS = ["", "{id}", "{uuid}", "{hash}", "{token}", "{email}"] as const;
const INNER_KIND = 6;

/**
 * The kind of path[start, end): 0 static, 1 {id}, 2 {uuid}, 3 {hash}, 4 {token}, 5 {email},
 * 6 a name that may hold ids ("app.3f2a9c1d.js"). One pass over the characters, no slicing.
 */
function segmentKind(path: string, start: number, end: number): number {
  const n = end - start;
  if (n === 0) return 0;
  if (n > MAX_SEGMENT_LENGTH) return 4;
  let digits = 0;
  let hex = 0;
  let letters = 0;
  let seps = 0;
  let other = 0;
  for (let i = start; i < end; i++) {
    const c = path.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      hex++;
    } else if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) {
      hex++;
      letters++;
    } else if ((c >= 103 && c <= 122) || (c >= 71 && c <= 90)) letters++;
    else if (c === 45 || c === 95 || c === 46 || c === 58) seps++;
    else other++;
  }
  if (digits === n) return 1;
  if (other > 0) {
    const at = path.indexOf("@", start);
    if (at !== -1 && at < end) return 5;
    const pct = path.indexOf("%", start);
    return pct !== -1 && pct < end && n >= 16 ? 4 : 0;
  }
  if (
    n === 36 &&
    seps === 4 &&
    hex === 32 &&
    path.charCodeAt(start + 8) === 45 &&
    path.charCodeAt(start + 13) === 45 &&
    path.charCodeAt(start + 18) === 45 &&
    path.charCodeAt(start + 23) === 45
  )
    return 2;
  // Dates, versions of ids and numeric ranges: digits and separators only (2026-11-24, 12.5).
  if (letters === 0 && digits > 0) return seps > 0 && digits >= 2 ? 1 : 0;
  // Hash-like: hex only, long enough to be a digest or an object id, with at least one digit.
  if (hex === n && n >= 12 && digits > 0) return 3;
  // Long opaque tokens: letters and digits mixed, long (base64url ids, slugs with a numeric id).
  if (n >= 16 && digits >= 2) return 4;
  // Short ids with a prefix: "u_1234", "ord-98765": three or more digits after letters.
  if (digits >= 3 && digits * 2 >= n - seps) return 1;
  // Ids inside a name: "app.3f2a9c1d.js", "report-20261124.pdf" → "app.{hash}.js".
  return seps > 0 && digits > 0 ? INNER_KIND : 0;
}

/** The placeholder for one path segment, or undefined when the segment is static. */
export function segmentPlaceholder(seg: string): string | undefined {
  const kind = segmentKind(seg, 0, seg.length);
  if (kind === 0) return undefined;
  return kind === INNER_KIND ? innerIds(seg) : PLACEHOLDERS[kind];
}

const INNER = /[0-9a-fA-F]{8,}|\d{3,}/g;

/** A segment with its embedded ids replaced, or undefined when it has none. */
function innerIds(seg: string): string | undefined {
  let changed = false;
  const out = seg.replace(/[^._:-]+/g, (tok) => {
    if (tok.length > 64) return tok;
    const m = tok.match(INNER);
    if (m === null || m[0] !== tok) return tok;
    changed = true;
    return /^\d+$/.test(tok) ? "{id}" : /\d/.test(tok) ? "{hash}" : tok;
  });
  return changed ? out : undefined;
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
 * The scan of the last path given to scanTemplate: [segments, (start, end, kind) × segments].
 * Lets a caller compare a path with a known template without building the template string.
 */
export const SCAN = new Int32Array(1 + 3 * MAX_TEMPLATE_SEGMENTS);

/**
 * A 30-bit hash of the template of `path`, computed without building it, and SCAN filled; NaN
 * when the template needs the general route (not absolute, deeper than the limit, or the root).
 */
export function scanTemplate(path: string): number {
  const len = path.length;
  if (len < 2 || path.charCodeAt(0) !== 47) return Number.NaN;
  let h = 0x811c9dc5;
  let start = 1;
  let count = 0;
  for (;;) {
    if (count === MAX_TEMPLATE_SEGMENTS) return Number.NaN;
    // One pass per segment: find its end, hash it as static text, and see whether it is a plain
    // word (lowercase letters, - and _), which is static without looking further.
    const before = Math.imul(h ^ 47, 0x01000193);
    let text = before;
    let bits = 0;
    let end = start;
    for (; end < len; end++) {
      const c = path.charCodeAt(end);
      if (c === 47) break;
      // A path parameter or a fragment: the general route (endpointTemplate drops them).
      if (c === 59 || c === 35) return Number.NaN;
      bits |= c < 128 ? SCAN_CLASS[c]! : NOT_PLAIN | NOT_DIGIT;
      text = Math.imul(text ^ c, 0x01000193);
    }
    // Plain words and numbers, most segments, are decided here; the rest by segmentKind.
    const kind =
      end - start > MAX_SEGMENT_LENGTH
        ? segmentKind(path, start, end)
        : (bits & NOT_PLAIN) === 0
          ? 0
          : (bits & NOT_DIGIT) === 0
            ? 1
            : segmentKind(path, start, end);
    if (kind === 0) h = text;
    else if (kind === INNER_KIND) {
      h = before;
      // Token by token, as innerIds rewrites them: ids become a code, the rest hashes as text.
      let t = start;
      while (t < end) {
        let u = t;
        while (u < end && !isInnerSep(path.charCodeAt(u))) u++;
        const tk = innerTokenKind(path, t, u);
        if (tk !== 0) h = Math.imul(h ^ (0x10000 + tk), 0x01000193);
        else for (let i = t; i < u; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
        if (u < end) h = Math.imul(h ^ path.charCodeAt(u), 0x01000193);
        t = u + 1;
      }
    } else h = Math.imul(before ^ (0x10000 + kind), 0x01000193);
    const k = 1 + 3 * count;
    SCAN[k] = start;
    SCAN[k + 1] = end;
    SCAN[k + 2] = kind;
    count++;
    if (end >= len) break;
    start = end + 1;
  }
  SCAN[0] = count;
  // 30 bits: a small integer in V8 (no heap number allocated per lookup).
  return h & 0x3fffffff;
}

/** Bits of SCAN_CLASS: the character is not a plain-word one ([a-z_-]), is not a digit. */
const NOT_PLAIN = 1;
const NOT_DIGIT = 2;
/** By ASCII code: which of NOT_PLAIN and NOT_DIGIT hold. */
const SCAN_CLASS = (() => {
  const t = new Uint8Array(128).fill(NOT_PLAIN | NOT_DIGIT);
  for (let c = 97; c <= 122; c++) t[c] = NOT_DIGIT;
  t[45] = NOT_DIGIT;
  t[95] = NOT_DIGIT;
  for (let c = 48; c <= 57; c++) t[c] = NOT_PLAIN;
  return t;
})();

const isInnerSep = (c: number): boolean => c === 46 || c === 95 || c === 58 || c === 45;

/**
 * What innerIds makes of the token path[a, b): 1 ({id}: 3 or more digits), 3 ({hash}: 8 or more
 * hex digits with a digit), 0 (kept as it is). The same decisions as its regular expressions.
 */
function innerTokenKind(path: string, a: number, b: number): number {
  const n = b - a;
  if (n < 3 || n > 64) return 0;
  let digits = 0;
  for (let i = a; i < b; i++) {
    const c = path.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (!((c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return 0;
  }
  if (digits === n) return 1;
  return n >= 8 && digits > 0 ? 3 : 0;
}

/** Whether the path last given to scanTemplate has this template (no allocation). */
export function scannedMatches(path: string, template: string): boolean {
  const count = SCAN[0]!;
  let pos = 0;
  for (let s = 0; s < count; s++) {
    const k = 1 + 3 * s;
    if (template.charCodeAt(pos) !== 47) return false;
    pos++;
    const kind = SCAN[k + 2]!;
    if (kind === 0) {
      const start = SCAN[k]!;
      const end = SCAN[k + 1]!;
      if (pos + end - start > template.length) return false;
      for (let i = start; i < end; i++)
        if (template.charCodeAt(pos++) !== path.charCodeAt(i)) return false;
    } else if (kind === INNER_KIND) {
      const end = SCAN[k + 1]!;
      let t = SCAN[k]!;
      while (t < end) {
        let u = t;
        while (u < end && !isInnerSep(path.charCodeAt(u))) u++;
        const tk = innerTokenKind(path, t, u);
        if (tk !== 0) {
          const ph = PLACEHOLDERS[tk]!;
          if (!template.startsWith(ph, pos)) return false;
          pos += ph.length;
        } else {
          for (let i = t; i < u; i++)
            if (template.charCodeAt(pos++) !== path.charCodeAt(i)) return false;
        }
        if (u < end && template.charCodeAt(pos++) !== path.charCodeAt(u)) return false;
        t = u + 1;
      }
    } else {
      const ph = PLACEHOLDERS[kind]!;
      if (!template.startsWith(ph, pos)) return false;
      pos += ph.length;
    }
  }
  return pos === template.length;
}
