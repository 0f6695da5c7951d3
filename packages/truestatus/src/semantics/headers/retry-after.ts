/**
 * Retry-After (RFC 9110 §10.2.3): HTTP-date / delay-seconds.
 */
import { HeaderValueError } from "../errors.js";
import { formatHttpDate, parseHttpDate } from "./http-date.js";
import { checkLength, fail, ok, type ParseResult } from "./result.js";
import { isOws } from "./syntax.js";

export type RetryAfter =
  | { readonly kind: "delay"; readonly seconds: number }
  | { readonly kind: "date"; readonly date: Date };

/**
 * Delays beyond 2^31 seconds (68 years) are clamped to it, as RFC 9111 §1.2.2 asks of delta-seconds,
 * so a hostile value cannot overflow arithmetic downstream.
 */
export const MAX_DELAY_SECONDS = 2_147_483_648;

const FIELD = "Retry-After";

/**
 * Parses Retry-After. `now` (epoch ms) resolves RFC 850 two-digit years. Surrounding whitespace
 * is tolerated, as field parsing strips it (RFC 9110 §5.5). Never throws.
 */
export function parseRetryAfter(value: string, now: number = Date.now()): ParseResult<RetryAfter> {
  const tooLong = checkLength(value, FIELD);
  if (tooLong) return { ok: false, error: tooLong };
  // Only OWS (SP, HTAB) surrounds a field value; trim() would also accept LF or NBSP.
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  const s = value.slice(start, end);
  // Offsets in errors count from the value as given, leading whitespace included.
  const lead = start;
  if (s.length === 0) return fail("empty", `${FIELD} is empty`, 0);
  const first = s.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) {
    let seconds = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i) - 0x30;
      if (c < 0 || c > 9) {
        return fail(
          "invalid_number",
          `${FIELD}: delay-seconds holds digits only, found ${JSON.stringify(s[i])} at offset ${lead + i}`,
          lead + i,
        );
      }
      if (seconds < MAX_DELAY_SECONDS) seconds = seconds * 10 + c;
    }
    return ok({ kind: "delay", seconds: Math.min(seconds, MAX_DELAY_SECONDS) });
  }
  if (first === 0x2d)
    return fail("invalid_number", `${FIELD}: delay-seconds cannot be negative`, lead);
  const ms = parseHttpDate(s, now);
  if (ms === undefined) {
    return fail(
      "invalid_date",
      `${FIELD}: ${JSON.stringify(s.slice(0, 40))} is neither delay-seconds nor an HTTP-date`,
      lead,
    );
  }
  return ok({ kind: "date", date: new Date(ms) });
}

/** Seconds to wait from `now` (epoch ms): a date in the past means 0. */
export function retryAfterSeconds(value: RetryAfter, now: number = Date.now()): number {
  if (value.kind === "delay") return value.seconds;
  return Math.max(0, Math.ceil((value.date.getTime() - now) / 1000));
}

/**
 * Builds Retry-After from a delay in seconds (rounded up to whole seconds, so a real wait of
 * 0.2 s becomes 1, never 0) or from a Date (sent as an IMF-fixdate).
 */
export function buildRetryAfter(value: number | Date): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new HeaderValueError(FIELD, "invalid Date");
    const year = value.getUTCFullYear();
    if (year < 0 || year > 9999)
      throw new HeaderValueError(FIELD, `year ${year} has no HTTP-date (4-digit years only)`);
    return formatHttpDate(value);
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new HeaderValueError(
      FIELD,
      `delay must be a finite, non-negative number of seconds, got ${value}`,
    );
  }
  return String(Math.min(Math.ceil(value), MAX_DELAY_SECONDS));
}
