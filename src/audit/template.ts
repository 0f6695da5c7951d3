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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  if (n === 36 && seps === 4 && UUID.test(seg)) return "{uuid}";
  // Dates, versions of ids and numeric ranges: digits and separators only (2026-11-24, 12.5).
  if (letters === 0 && digits > 0) return seps > 0 && digits >= 2 ? "{id}" : undefined;
  // Hash-like: hex only, long enough to be a digest or an object id, with at least one digit.
  if (hex === n && n >= 12 && digits > 0) return "{hash}";
  // Long opaque tokens: letters and digits mixed, long (base64url ids, slugs with a numeric id).
  if (n >= 16 && digits >= 2) return "{token}";
  // Short ids with a prefix: "u_1234", "ord-98765": three or more digits after letters.
  if (digits >= 3 && digits * 2 >= n - seps) return "{id}";
  return undefined;
}

/** The template of a path (query and fragment already removed). */
export function endpointTemplate(path: string): string {
  if (path.length === 0 || path === "/") return "/";
  if (path.charCodeAt(0) !== 47) return path === "*" ? "*" : "{other}";
  let out = "";
  let start = 1;
  let count = 0;
  for (;;) {
    let end = path.indexOf("/", start);
    if (end === -1) end = path.length;
    if (count === MAX_TEMPLATE_SEGMENTS) return `${out}/…`;
    const seg = path.slice(start, end);
    out += `/${segmentPlaceholder(seg) ?? seg}`;
    count++;
    if (end >= path.length) return out;
    start = end + 1;
  }
}

/** The endpoint key of an exchange: "GET /users/{id}". */
export function endpointKey(method: string, path: string): string {
  return `${methodLabel(method)} ${endpointTemplate(path)}`;
}
