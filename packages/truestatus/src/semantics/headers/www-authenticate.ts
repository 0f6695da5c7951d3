/**
 * WWW-Authenticate (RFC 9110 §11.6.1) and Proxy-Authenticate: one or more challenges.
 * challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]; auth-param = token BWS "=" BWS ( token / quoted-string )
 * A comma separates both parameters and challenges, so the parser looks ahead: `token BWS "="` is a parameter,
 * any other token starts a new challenge.
 */
import { HeaderValueError } from "../errors.js";
import { checkLength, combineFieldLines, fail, ok, type ParseResult } from "./result.js";
import {
  assertFieldValue,
  assertToken,
  describeAt,
  isOws,
  parseQuotedString,
  quoteString,
  scanToken,
  skipOws,
} from "./syntax.js";

export interface Challenge {
  /** The auth-scheme as sent; compare case-insensitively. */
  readonly scheme: string;
  /** token68 credentials-style data, when the challenge carries that instead of parameters. */
  readonly token68?: string;
  /** Parameters by lowercase name (names are case-insensitive), values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

const FIELD = "WWW-Authenticate";

function isToken68Char(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x5f ||
    c === 0x7e ||
    c === 0x2b ||
    c === 0x2f
  );
}

/** Skips OWS and empty list elements (",  ,"), which RFC 9110 §5.6.1 asks recipients to accept. */
function skipSeparators(s: string, i: number): number {
  for (;;) {
    i = skipOws(s, i);
    if (s.charCodeAt(i) !== 0x2c) return i;
    i++;
  }
}

/** Is there `token BWS "="` (not "==") at i? Returns the offset of the "=" or -1. */
function paramAhead(s: string, i: number): number {
  const end = scanToken(s, i);
  if (end === i) return -1;
  const eq = skipOws(s, end);
  if (s.charCodeAt(eq) !== 0x3d) return -1;
  return eq;
}

/**
 * Parses WWW-Authenticate (or Proxy-Authenticate) into challenges. Several field lines may be
 * passed as an array. Never throws.
 */
export function parseWwwAuthenticate(
  value: string | readonly string[],
  header = FIELD,
): ParseResult<Challenge[]> {
  const s = combineFieldLines(value);
  const tooLong = checkLength(s, header);
  if (tooLong) return { ok: false, error: tooLong };
  const challenges: Challenge[] = [];
  let i = skipSeparators(s, 0);
  if (i >= s.length) return fail("empty", `${header} has no challenge`, 0);

  while (i < s.length) {
    const schemeEnd = scanToken(s, i);
    if (schemeEnd === i) {
      return fail(
        "invalid_token",
        `${header}: expected an auth-scheme at offset ${i}, found ${describeAt(s, i)}`,
        i,
      );
    }
    const scheme = s.slice(i, schemeEnd);
    const params: Record<string, string> = Object.create(null);
    let token68: string | undefined;
    // true when the parameter loop already consumed the comma before the next challenge
    let separated = false;
    i = schemeEnd;

    if (isOws(s.charCodeAt(i))) {
      i = skipOws(s, i);
      // token68 or the first auth-param
      let j = i;
      while (j < s.length && isToken68Char(s.charCodeAt(j))) j++;
      if (j > i) {
        let k = j;
        while (s.charCodeAt(k) === 0x3d) k++;
        const after = skipOws(s, k);
        const isParam = k - j === 1 && after < s.length && s.charCodeAt(after) !== 0x2c;
        const isBWSParam = k === j && paramAhead(s, i) !== -1;
        if (!isParam && !isBWSParam) {
          token68 = s.slice(i, k);
          i = after;
        }
      }
      if (token68 === undefined) {
        // #auth-param, until a token that is not followed by "=" starts the next challenge
        for (;;) {
          const eq = paramAhead(s, i);
          if (eq === -1) break;
          separated = false;
          const name = s.slice(i, scanToken(s, i)).toLowerCase();
          let v = skipOws(s, eq + 1);
          let paramValue: string;
          if (s.charCodeAt(v) === 0x22) {
            const q = parseQuotedString(s, v);
            if (typeof q === "number") {
              return q >= s.length
                ? fail(
                    "unexpected_end",
                    `${header}: parameter "${name}" has an unterminated quoted string`,
                    q,
                  )
                : fail(
                    "invalid_string",
                    `${header}: parameter "${name}" has ${describeAt(s, q)} at offset ${q} inside its quoted string`,
                    q,
                  );
            }
            paramValue = q.value;
            v = q.end;
          } else {
            const end = scanToken(s, v);
            if (end === v) {
              return fail(
                "unexpected_character",
                `${header}: parameter "${name}" needs a value at offset ${v}, found ${describeAt(s, v)}`,
                v,
              );
            }
            paramValue = s.slice(v, end);
            v = end;
          }
          if (Object.hasOwn(params, name)) {
            return fail(
              "duplicate_parameter",
              `${header}: parameter "${name}" appears twice in the ${scheme} challenge`,
              i,
            );
          }
          params[name] = paramValue;
          i = skipOws(s, v);
          if (i >= s.length) break;
          if (s.charCodeAt(i) !== 0x2c) {
            return fail(
              "unexpected_character",
              `${header}: expected ',' at offset ${i}, found ${describeAt(s, i)}`,
              i,
            );
          }
          i = skipSeparators(s, i);
          separated = true;
        }
      }
    }
    challenges.push(token68 === undefined ? { scheme, params } : { scheme, token68, params });
    if (i >= s.length) break;
    if (!separated) {
      if (s.charCodeAt(i) !== 0x2c) {
        return fail(
          "unexpected_character",
          `${header}: expected ',' at offset ${i}, found ${describeAt(s, i)}`,
          i,
        );
      }
      i = skipSeparators(s, i);
    }
  }
  return ok(challenges);
}

/**
 * Serializes challenges. Parameter values are always sent as quoted-strings: valid for every
 * auth-param, and required for `realm` (RFC 9110 §11.5).
 */
export function buildWwwAuthenticate(
  challenges: Challenge | readonly Challenge[],
  header = FIELD,
): string {
  const list = Array.isArray(challenges)
    ? (challenges as readonly Challenge[])
    : [challenges as Challenge];
  if (list.length === 0)
    throw new HeaderValueError(header, "needs at least one challenge (RFC 9110 §11.6.1)");
  const parts: string[] = [];
  for (const c of list) {
    let out = assertToken(c.scheme, `${header} scheme`);
    const names = Object.keys(c.params);
    if (c.token68 !== undefined) {
      if (names.length > 0)
        throw new HeaderValueError(
          header,
          "a challenge has either token68 or parameters, not both",
        );
      if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(c.token68))
        throw new HeaderValueError(`${header} token68`, "not a token68");
      out += ` ${c.token68}`;
    } else if (names.length > 0) {
      const seen = new Set<string>();
      out += ` ${names
        .map((name) => {
          const lower = name.toLowerCase();
          if (seen.has(lower))
            throw new HeaderValueError(`${header} ${name}`, "parameter given twice");
          seen.add(lower);
          return `${assertToken(name, `${header} parameter name`)}=${quoteString(c.params[name]!, `${header} ${name}`)}`;
        })
        .join(", ")}`;
    }
    parts.push(out);
  }
  return assertFieldValue(parts.join(", "), header);
}

// ---- Bearer (RFC 6750 §3) -------------------------------------------------------------------------

export type BearerError = "invalid_request" | "invalid_token" | "insufficient_scope";

export interface BearerChallengeOptions {
  readonly realm?: string;
  /** Space-separated scope tokens, or a list of them. */
  readonly scope?: string | readonly string[];
  /** Omit when the request carried no credentials (RFC 6750 §3.1: SHOULD NOT include an error code). */
  readonly error?: BearerError;
  readonly errorDescription?: string;
  readonly errorUri?: string;
}

// RFC 6750 §3: scope, error_description and error_uri values exclude DQUOTE and "\".
const BEARER_SAFE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function bearerValue(value: string, name: string): string {
  if (!BEARER_SAFE.test(value)) {
    throw new HeaderValueError(
      `${FIELD} ${name}`,
      "Bearer parameter values hold printable ASCII without '\"' or '\\' (RFC 6750 §3)",
    );
  }
  return value;
}

/** A Bearer challenge (RFC 6750 §3), with values checked against the RFC's character rules. */
export function bearerChallenge(options: BearerChallengeOptions = {}): Challenge {
  // Order of RFC 6750's examples: realm, error, error_description, error_uri, then scope.
  const params: Record<string, string> = {};
  if (options.realm !== undefined) params.realm = options.realm;
  if (options.error !== undefined) params.error = options.error;
  if (options.errorDescription !== undefined)
    params.error_description = bearerValue(options.errorDescription, "error_description");
  if (options.errorUri !== undefined) params.error_uri = bearerValue(options.errorUri, "error_uri");
  if (options.scope !== undefined) {
    const scope = typeof options.scope === "string" ? options.scope : options.scope.join(" ");
    params.scope = bearerValue(scope, "scope");
  }
  return { scheme: "Bearer", params };
}

/** Finds the first challenge of a scheme (case-insensitive). */
export function findChallenge(
  challenges: readonly Challenge[],
  scheme: string,
): Challenge | undefined {
  const lower = scheme.toLowerCase();
  return challenges.find((c) => c.scheme.toLowerCase() === lower);
}
