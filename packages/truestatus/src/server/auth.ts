/**
 * Authentication and scope checks, framework-neutral: the adapters' requireAuth / requireScope
 * wrap these. Missing credentials → 401 (challenge without error); invalid or expired → 401 with
 * `error="invalid_token"`; a known identity without a scope → 403 `insufficient_scope`. Never a 403
 * for missing credentials, never a 401 for a known identity without permission.
 */
import {
  type Forbidden,
  forbidden,
  HttpFailure,
  internal,
  type Unauthenticated,
  unauthenticated,
} from "../semantics/failure.js";

// ---- the identity of a request ----------------------------------------------------------------

/**
 * Where requireAuth keeps the identity: a global symbol on the framework's request object, not a
 * named property: no `declare global` augmentation of `req.auth` to clash with another auth
 * library's (express-oauth2-jwt-bearer declares `auth` too), and every copy of truestatus finds it.
 */
const IDENTITY: unique symbol = Symbol.for("truestatus.identity") as never;

export function setIdentity(holder: object, identity: unknown): void {
  (holder as Record<symbol, unknown>)[IDENTITY] = identity;
}

/** The identity requireAuth verified for this request, or undefined. */
export function identityOf(holder: object): unknown {
  return (holder as Record<symbol, unknown>)[IDENTITY];
}

/**
 * The typed identity of a request, for the handler of a route that requireAuth guards. Called on
 * a request it did not authenticate, it is a bug of the app (a route without the middleware):
 * a 500, logged with what to fix.
 */
export function requireIdentity<I>(holder: object, where: string): I {
  // verify never yields undefined as an identity (it means "refused"), so undefined is "not run".
  const identity = (holder as Record<symbol, unknown>)[IDENTITY];
  if (identity === undefined) {
    throw new HttpFailure(internal(), {
      cause: new Error(
        `truestatus: ${where} on a request requireAuth() did not authenticate: add it to this route`,
      ),
    });
  }
  return identity as I;
}

const REFUSAL: unique symbol = Symbol.for("truestatus.Refusal") as never;

/** What a verifier returns for credentials it refuses. */
export interface Refusal {
  readonly [REFUSAL]: true;
  readonly reason: "invalid" | "expired";
  /** RFC 6750 error_description: printable ASCII without '"' or '\'. */
  readonly description?: string;
}

/** Refusals for verifiers: `return refuse.expired()`. */
export const refuse = {
  invalid(description?: string): Refusal {
    return description === undefined
      ? { [REFUSAL]: true, reason: "invalid" }
      : { [REFUSAL]: true, reason: "invalid", description };
  },
  expired(description?: string): Refusal {
    return description === undefined
      ? { [REFUSAL]: true, reason: "expired" }
      : { [REFUSAL]: true, reason: "expired", description };
  },
} as const;

function isRefusal(value: unknown): value is Refusal {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[REFUSAL] === true
  );
}

/** The identity, a Refusal, or null / undefined / false for "not valid". */
export type Verified<I> = I | Refusal | null | undefined | false;

/** Checks the credentials of a request (the token after the scheme) and returns who it is. */
export type Verify<I> = (credentials: string) => Verified<I> | Promise<Verified<I>>;

export interface AuthOptions {
  /** The auth-scheme read from Authorization and challenged with. Default: the policy's (Bearer). */
  readonly scheme?: string;
  /** The realm of the challenge. Default: the policy's. */
  readonly realm?: string;
}

/**
 * Errors of JWT libraries that mean "these credentials are refused", not "the server broke":
 * jsonwebtoken's by `name`, jose's by `code`. Anything else a verifier throws stays a 500.
 */
function refusalOfThrown(e: unknown): "invalid" | "expired" | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const { name, code } = e as { name?: unknown; code?: unknown };
  if (name === "TokenExpiredError" || code === "ERR_JWT_EXPIRED") return "expired";
  if (name === "JsonWebTokenError" || name === "NotBeforeError") return "invalid";
  if (typeof code === "string" && /^ERR_(JWT|JWS|JWE|JWK|JWKS)_/.test(code)) return "invalid";
  return undefined;
}

export type Authenticate<I> = (authorization: string | undefined) => Promise<I | HttpFailure>;

/**
 * Makes the check of an Authorization header value: resolves to the identity, or to the
 * HttpFailure to answer with (returned, not thrown, so a framework can pass it on cheaply).
 */
export function createAuthenticator<I>(
  verify: Verify<I>,
  options: AuthOptions = {},
): Authenticate<I> {
  const scheme = options.scheme ?? "Bearer";
  const prefix = `${scheme.toLowerCase()} `;
  const base = {
    ...(options.scheme === undefined ? {} : { scheme: options.scheme }),
    ...(options.realm === undefined ? {} : { realm: options.realm }),
  };
  // Built once: the failures are plain data, and unauthenticated() validates its options here.
  const missing: Unauthenticated = unauthenticated({ ...base, reason: "missing" });
  const invalid: Unauthenticated = unauthenticated({ ...base, reason: "invalid" });
  const expired: Unauthenticated = unauthenticated({ ...base, reason: "expired" });
  const refused = (r: "invalid" | "expired", description?: string): HttpFailure =>
    new HttpFailure(
      description === undefined
        ? r === "expired"
          ? expired
          : invalid
        : unauthenticated({ ...base, reason: r, description }),
    );

  return async function authenticate(authorization) {
    if (
      authorization === undefined ||
      authorization.length <= prefix.length ||
      authorization.slice(0, prefix.length).toLowerCase() !== prefix
    ) {
      // No credentials of this scheme: "missing" (RFC 6750 §3.1: no error code).
      return new HttpFailure(missing);
    }
    const credentials = authorization.slice(prefix.length).trim();
    if (credentials === "" || credentials.includes(" ")) return refused("invalid");
    let result: Verified<I>;
    try {
      result = await verify(credentials);
    } catch (e) {
      const r = refusalOfThrown(e);
      if (r === undefined) throw e;
      return refused(r);
    }
    if (result === null || result === undefined || result === false) return refused("invalid");
    if (isRefusal(result)) return refused(result.reason, result.description);
    return result;
  };
}

/** The scopes of an identity: its `scopes` (array) or `scope` (space-separated, OAuth style). */
export function scopesOf(identity: unknown): readonly string[] {
  if (typeof identity !== "object" || identity === null) return [];
  const { scopes, scope } = identity as { scopes?: unknown; scope?: unknown };
  if (Array.isArray(scopes)) return scopes.filter((s): s is string => typeof s === "string");
  if (typeof scope === "string") return scope.split(" ").filter(Boolean);
  return [];
}

/**
 * Makes a scope check: undefined when the identity has every scope; the failure otherwise. No
 * identity (requireAuth did not run or let the request through) is a 401, not a 403.
 */
export function createScopeCheck(
  needed: readonly string[],
  options: AuthOptions = {},
): (identity: unknown) => HttpFailure | undefined {
  const lacking: Forbidden = forbidden({
    scope: needed,
    ...(options.realm === undefined ? {} : { realm: options.realm }),
  });
  const missing = unauthenticated({
    ...(options.scheme === undefined ? {} : { scheme: options.scheme }),
    ...(options.realm === undefined ? {} : { realm: options.realm }),
  });
  return (identity) => {
    if (identity === undefined || identity === null) return new HttpFailure(missing);
    const has = scopesOf(identity);
    for (const s of needed) if (!has.includes(s)) return new HttpFailure(lacking);
    return undefined;
  };
}
