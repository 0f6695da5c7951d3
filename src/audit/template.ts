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

/** The method as a bounded label: a standard method, or "_OTHER" (OpenTelemetry's convention). */
export function methodLabel(method: string): string {
  if (KNOWN_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : "_OTHER";
}

/** 8-4-4-4-12 hex digits (the caller has checked the length, the dashes count and the alphabet). */
function isUuid(seg: string): boolean {
  return (
    seg.charCodeAt(8) === 45 &&
    seg.charCodeAt(13) === 45 &&
    seg.charCodeAt(18) === 45 &&
    seg.charCodeAt(23) === 45
  );
}

/** The placeholder for one path segment, or undefined when the segment is static. */
export function segmentPlaceholder(seg: string): string | undefined {
  const n = seg.length;
  if (n === 0) return undefined;
  if (n > MAX_SEGMENT_LENGTH) return "{token}";
  let digits = 0;
  let hex = 0;
  let letters = 0;
  let seps = 0;
  let other = 0;
  for (let i = 0; i < n; i++) {
    const c = seg.charCodeAt(i);
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
  if (digits === n) return "{id}";
  if (other > 0) {
    if (seg.includes("@")) return "{email}";
    if (seg.includes("%") && n >= 16) return "{token}";
    return undefined;
  }
  if (n === 36 && seps === 4 && hex === 32 && isUuid(seg)) return "{uuid}";
  // Dates, versions of ids and numeric ranges: digits and separators only (2026-11-24, 12.5).
  if (letters === 0 && digits > 0) return seps > 0 && digits >= 2 ? "{id}" : undefined;
  // Hash-like: hex only, long enough to be a digest or an object id, with at least one digit.
  if (hex === n && n >= 12 && digits > 0) return "{hash}";
  // Long opaque tokens: letters and digits mixed, long (base64url ids, slugs with a numeric id).
  if (n >= 16 && digits >= 2) return "{token}";
  // Short ids with a prefix: "u_1234", "ord-98765": three or more digits after letters.
  if (digits >= 3 && digits * 2 >= n - seps) return "{id}";
  // Ids inside a name: "app.3f2a9c1d.js", "report-20261124.pdf" → "app.{hash}.js".
  return seps > 0 && digits > 0 ? innerIds(seg) : undefined;
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

/** The template of a path (query and fragment already removed); the path itself when static. */
export function endpointTemplate(path: string): string {
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
