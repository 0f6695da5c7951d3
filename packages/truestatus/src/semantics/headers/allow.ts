/**
 * Allow (RFC 9110 §10.2.1): the methods a resource supports; an empty value means none.
 */
import { checkLength, fail, ok, type ParseResult } from "./result.js";
import { assertToken, describeAt, scanToken, skipOws } from "./syntax.js";

const FIELD = "Allow";

/** Parses Allow into method tokens, in order, without duplicates. Empty list elements are skipped. */
export function parseAllow(value: string | readonly string[]): ParseResult<string[]> {
  const s = typeof value === "string" ? value : value.join(", ");
  const tooLong = checkLength(s, FIELD);
  if (tooLong) return { ok: false, error: tooLong };
  const methods: string[] = [];
  const seen = new Set<string>(); // not methods.includes(): quadratic on thousands of methods
  let i = 0;
  while (i < s.length) {
    i = skipOws(s, i);
    if (i >= s.length) break;
    if (s.charCodeAt(i) === 0x2c) {
      i++;
      continue;
    }
    const end = scanToken(s, i);
    if (end === i)
      return fail(
        "invalid_token",
        `${FIELD}: expected a method at offset ${i}, found ${describeAt(s, i)}`,
        i,
      );
    const method = s.slice(i, end);
    if (!seen.has(method)) {
      seen.add(method);
      methods.push(method);
    }
    i = skipOws(s, end);
    if (i < s.length && s.charCodeAt(i) !== 0x2c) {
      return fail(
        "unexpected_character",
        `${FIELD}: expected ',' at offset ${i}, found ${describeAt(s, i)}`,
        i,
      );
    }
  }
  return ok(methods);
}

/** Builds Allow from methods (case kept: methods are case-sensitive), without duplicates. */
export function buildAllow(methods: Iterable<string>): string {
  const seen = new Set<string>();
  for (const m of methods) seen.add(assertToken(m, `${FIELD} method`));
  return [...seen].join(", ");
}
