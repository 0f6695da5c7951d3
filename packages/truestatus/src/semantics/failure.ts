/**
 * The failure taxonomy: what went wrong, in terms a client, a gateway and a dashboard all need.
 * Constructors return the failure's data (its own members are the failure and nothing else:
 * cheap, serializable, spreadable), and that data is also an HttpFailure to throw:
 * `throw notFound()` is answered like `throw new HttpFailure(notFound())`.
 * Which status and headers a failure gets is decided in decide.ts, under a Policy.
 */
import { FailureDefinitionError, HeaderValueError, TruestatusError } from "./errors.js";
import type { ProxyErrorType, ProxyStatusParam } from "./headers/proxy-status.js";
import { isSfToken } from "./headers/structured-fields.js";
import { isToken, quoteString } from "./headers/syntax.js";
import {
  bearerChallenge,
  buildWwwAuthenticate,
  type Challenge,
} from "./headers/www-authenticate.js";
import { RESERVED_MEMBERS } from "./problem.js";
import type { RetryHint } from "./status.js";

/** Who caused the failure: the client, this server, or something this server depends on. */
export type Fault = "client" | "server" | "upstream";

/**
 * Failure classes for metrics and reports. `overload` is separate from `dependency` so that a
 * dashboard can tell "we shed load" from "something we call is down".
 */
export type FailureClass =
  | "auth"
  | "validation"
  | "not_found"
  | "throttling"
  | "overload"
  | "dependency"
  | "server_bug"
  | "client_abort"
  | "soft_error";

export const FAILURE_CLASSES: readonly FailureClass[] = [
  "auth",
  "validation",
  "not_found",
  "throttling",
  "overload",
  "dependency",
  "server_bug",
  "client_abort",
  "soft_error",
];

/** What every failure may carry into its problem body. */
export interface FailureCommon {
  /** Explanation of this occurrence, for the client. Replaces the default detail. */
  readonly detail?: string;
  /** URI reference of this occurrence (e.g. a correlation id). */
  readonly instance?: string;
  /** Overrides the problem type URI of the kind. */
  readonly type?: string;
  /** Overrides the problem title of the kind (keep it the same for every occurrence of a type). */
  readonly title?: string;
  /** Extension members of the problem body. Cannot redefine type, title, status, detail or instance. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** Proxy-Status facts of an upstream failure (RFC 9209); the proxy name comes from the Policy. */
export interface UpstreamFacts {
  /** The registered proxy error type (RFC 9209 §2.3). */
  readonly error?: ProxyErrorType;
  /** Status received from the upstream, if it answered. */
  readonly receivedStatus?: number;
  /** The upstream's name or address. Sent only when the policy exposes internals. */
  readonly nextHop?: string;
  /** DNS aliases of the next hop (RFC 9532). Sent only when the policy exposes internals. */
  readonly nextHopAliases?: string;
  readonly nextProtocol?: string;
  /** Free text about the failure. Sent only when the policy exposes internals. */
  readonly details?: string;
  /** Extra parameters of the error type (rcode, info-code, alert-id, ...). */
  readonly params?: Readonly<Record<string, ProxyStatusParam>>;
}

export interface FieldError {
  /** JSON Pointer (RFC 6901) to the offending member of the body, e.g. "/items/0/qty". */
  readonly pointer?: string;
  /** Name of a query parameter or header, when the error is not in the body. */
  readonly parameter?: string;
  readonly detail: string;
  /** A stable machine-readable code, e.g. "required", "type". */
  readonly code?: string;
}

export interface Unauthenticated extends FailureCommon {
  readonly kind: "unauthenticated";
  /** missing: no credentials were sent; invalid / expired: credentials were sent and refused. */
  readonly reason: "missing" | "invalid" | "expired";
  /** The auth-scheme to challenge with; the Policy's when absent. */
  readonly scheme?: string;
  readonly realm?: string;
  /** RFC 6750 error_description for invalid or expired tokens. */
  readonly description?: string;
  /** Challenges to send verbatim instead of the one built from scheme and realm. */
  readonly challenges?: readonly Challenge[];
}

export interface Forbidden extends FailureCommon {
  readonly kind: "forbidden";
  /** insufficient_scope: a Bearer token lacks a scope (RFC 6750 §3.1); denied: any other refusal. */
  readonly reason: "denied" | "insufficient_scope";
  /** The scopes the request needs (sent with insufficient_scope). */
  readonly scope?: readonly string[];
  /** Answer 404 to hide the resource; overrides the Policy for this failure. */
  readonly hide?: boolean;
  readonly realm?: string;
}

export interface Malformed extends FailureCommon {
  readonly kind: "malformed";
}

export interface Invalid extends FailureCommon {
  readonly kind: "invalid";
  readonly errors?: readonly FieldError[];
}

export interface Unprocessable extends FailureCommon {
  readonly kind: "unprocessable";
  /** duplicate follows the Policy's duplicateStatus. */
  readonly reason: "business_rule" | "duplicate" | "invalid_state";
  readonly errors?: readonly FieldError[];
}

export interface Conflict extends FailureCommon {
  readonly kind: "conflict";
}

export interface NotFound extends FailureCommon {
  readonly kind: "not_found";
}

export interface MethodNotAllowed extends FailureCommon {
  readonly kind: "method_not_allowed";
  /** The methods the resource supports (may be empty: it supports none). */
  readonly allow: readonly string[];
}

export interface UnsupportedMediaType extends FailureCommon {
  readonly kind: "unsupported_media_type";
  /** Media types accepted; sent as Accept-Post or Accept-Patch for those methods. */
  readonly accept?: readonly string[];
  /** Content codings accepted, when the problem is a coding (RFC 9110 §15.5.16). */
  readonly acceptEncoding?: readonly string[];
}

export interface NotAcceptable extends FailureCommon {
  readonly kind: "not_acceptable";
  /** Media types this resource can produce. */
  readonly available?: readonly string[];
}

export interface PayloadTooLarge extends FailureCommon {
  readonly kind: "payload_too_large";
  /** The limit in bytes. */
  readonly limit?: number;
  /** Seconds, when the condition is temporary (RFC 9110 §15.5.14). */
  readonly retryAfter?: number;
}

export interface RateQuota {
  /** Policy name in RateLimit / RateLimit-Policy; "default" when absent. */
  readonly name?: string;
  readonly quota: number;
  /** Window in seconds. */
  readonly window: number;
  readonly unit?: "requests" | "content-bytes" | "concurrent-requests";
}

export interface RateLimited extends FailureCommon {
  readonly kind: "rate_limited";
  /** Seconds until a request will be admitted again; rounded up, at least 1. */
  readonly retryAfter: number;
  /** The quota that was exceeded, for RateLimit-Policy. */
  readonly quota?: RateQuota;
}

export interface Unavailable extends FailureCommon, UpstreamFacts {
  readonly kind: "unavailable";
  /**
   * overload / maintenance: this service cannot serve now (fault: server).
   * dependency / upstream_throttled: something it needs cannot (fault: upstream). An upstream's 429 is
   * ours to absorb: the client did nothing wrong, so it becomes a 503, not a 429.
   */
  readonly reason: "overload" | "maintenance" | "dependency" | "upstream_throttled";
  /** Seconds to wait, or when to come back. */
  readonly retryAfter?: number | Date;
}

export interface BadGateway extends FailureCommon, UpstreamFacts {
  readonly kind: "bad_gateway";
}

export interface GatewayTimeout extends FailureCommon, UpstreamFacts {
  readonly kind: "gateway_timeout";
}

export interface Internal extends FailureCommon {
  readonly kind: "internal";
  /** The error behind it: logged, never sent unless the policy exposes internals. */
  readonly cause?: unknown;
}

export type Failure =
  | Unauthenticated
  | Forbidden
  | Malformed
  | Invalid
  | Unprocessable
  | Conflict
  | NotFound
  | MethodNotAllowed
  | UnsupportedMediaType
  | NotAcceptable
  | PayloadTooLarge
  | RateLimited
  | Unavailable
  | BadGateway
  | GatewayTimeout
  | Internal;

export type FailureKind = Failure["kind"];

/** Every status a failure can be answered with (under any policy). */
export type FailureStatus =
  | 400
  | 401
  | 403
  | 404
  | 405
  | 406
  | 409
  | 413
  | 415
  | 422
  | 429
  | 500
  | 502
  | 503
  | 504;

export interface KindInfo {
  /** Status under the default policy. */
  readonly status: FailureStatus;
  readonly class: FailureClass;
  readonly fault: Fault;
  readonly retry: RetryHint;
  readonly title: string;
  readonly detail: string;
}

/** The taxonomy as data: one row per kind, read by decide(), the demo and the docs. */
export const FAILURE_KINDS: { readonly [K in FailureKind]: KindInfo } = {
  unauthenticated: {
    status: 401,
    class: "auth",
    fault: "client",
    retry: "after_reauth",
    title: "Authentication required",
    detail: "This request needs credentials; none were sent.",
  },
  forbidden: {
    status: 403,
    class: "auth",
    fault: "client",
    retry: "no",
    title: "Forbidden",
    detail: "The authenticated identity is not allowed to do this.",
  },
  malformed: {
    status: 400,
    class: "validation",
    fault: "client",
    retry: "after_change",
    title: "Malformed request",
    detail: "The request could not be parsed.",
  },
  invalid: {
    status: 400,
    class: "validation",
    fault: "client",
    retry: "after_change",
    title: "Invalid request",
    detail: "The request does not match the expected schema.",
  },
  unprocessable: {
    status: 422,
    class: "validation",
    fault: "client",
    retry: "after_change",
    title: "Business rule violated",
    detail: "The request is valid but breaks a rule of this API.",
  },
  conflict: {
    status: 409,
    class: "validation",
    fault: "client",
    retry: "after_change",
    title: "Conflict",
    detail: "The request conflicts with the current state of the resource.",
  },
  not_found: {
    status: 404,
    class: "not_found",
    fault: "client",
    retry: "no",
    title: "Not found",
    detail: "No resource exists at this address.",
  },
  method_not_allowed: {
    status: 405,
    class: "validation",
    fault: "client",
    retry: "after_change",
    title: "Method not allowed",
    detail: "This resource does not support the request method.",
  },
  unsupported_media_type: {
    status: 415,
    class: "validation",
    fault: "client",
    retry: "after_change",
    title: "Unsupported media type",
    detail: "The request content is in a format this resource does not accept.",
  },
  not_acceptable: {
    status: 406,
    class: "validation",
    fault: "client",
    retry: "after_change",
    title: "Not acceptable",
    detail: "No representation of this resource matches the Accept header.",
  },
  payload_too_large: {
    status: 413,
    class: "validation",
    fault: "client",
    retry: "after_change",
    title: "Content too large",
    detail: "The request content is larger than this resource accepts.",
  },
  rate_limited: {
    status: 429,
    class: "throttling",
    fault: "client",
    retry: "after_delay",
    title: "Too many requests",
    detail: "The request quota is exhausted; retry after the delay in Retry-After.",
  },
  unavailable: {
    status: 503,
    class: "overload",
    fault: "server",
    retry: "after_delay",
    title: "Service unavailable",
    detail: "The service cannot handle this request now; retry later.",
  },
  bad_gateway: {
    status: 502,
    class: "dependency",
    fault: "upstream",
    retry: "maybe",
    title: "Bad gateway",
    detail: "A service this request depends on failed to answer correctly.",
  },
  gateway_timeout: {
    status: 504,
    class: "dependency",
    fault: "upstream",
    retry: "maybe",
    title: "Gateway timeout",
    detail: "A service this request depends on did not answer in time.",
  },
  internal: {
    status: 500,
    class: "server_bug",
    fault: "server",
    retry: "no",
    title: "Internal server error",
    detail: "An unexpected error occurred.",
  },
};

// ---- constructors ------------------------------------------------------------------------------

type Options<F extends Failure> = Omit<F, "kind">;
type OptionalReason<F extends Failure & { reason: string }> = Omit<F, "kind" | "reason"> & {
  readonly reason?: F["reason"];
};

/**
 * What every constructor returns: the failure's data, which is also an HttpFailure. Throw it as it
 * is (`throw notFound()`), pass it to decide(), spread it, serialize it: its own members are the
 * failure's and nothing else. It has no stack trace; `new HttpFailure(failure)` captures one.
 */
export type Thrown<F extends Failure> = F & HttpFailure<F>;

function checkCommon(o: FailureCommon): void {
  if (o.extensions) {
    for (const key of RESERVED_MEMBERS) {
      if (Object.hasOwn(o.extensions, key)) {
        throw new FailureDefinitionError(
          "extensions",
          `"${key}" is a standard problem member; set it with its own option`,
        );
      }
    }
  }
}

function checkSeconds(value: number | undefined, option: string): void {
  if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
    throw new FailureDefinitionError(
      option,
      `must be a finite, non-negative number of seconds, got ${String(value)}`,
    );
  }
}

/**
 * Values that end up in a header field are checked here, where the mistake is made, not when the
 * answer is sent: a CR or LF that reached setHeader() would make Node throw mid-answer.
 */
function checkHeaderValue(option: string, check: () => unknown): void {
  try {
    check();
  } catch (e) {
    if (e instanceof HeaderValueError) throw new FailureDefinitionError(option, e.message);
    throw e;
  }
}

function checkRealm(realm: string | undefined): void {
  if (realm !== undefined)
    checkHeaderValue("realm", () => quoteString(realm, "WWW-Authenticate realm"));
}

// A media type with optional parameters (RFC 9110 §8.3.1), as sent in Accept-Post / Accept-Patch.
const TCHARS = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(
  `^${TCHARS}/${TCHARS}(?:[ \\t]*;[ \\t]*${TCHARS}=(?:${TCHARS}|"[^"\\\\\\x00-\\x1f\\x7f]*"))*$`,
);

function checkList(
  values: readonly string[] | undefined,
  option: string,
  valid: (v: string) => boolean,
  what: string,
): void {
  if (values === undefined) return;
  if (!Array.isArray(values)) throw new FailureDefinitionError(option, "must be an array");
  for (const v of values) {
    if (typeof v !== "string" || !valid(v))
      throw new FailureDefinitionError(option, `${JSON.stringify(v)} is not ${what}`);
  }
}

const SF_KEY = /^[a-z*][a-z0-9_\-.*]*$/;
const PROXY_STATUS_KNOWN = new Set([
  "error",
  "next-hop",
  "next-hop-aliases",
  "next-protocol",
  "received-status",
  "details",
]);

/** The Proxy-Status facts that are sent as they are (free text is made printable by decide()). */
function checkUpstream(f: UpstreamFacts): void {
  if (f.error !== undefined && (typeof f.error !== "string" || !isSfToken(f.error)))
    throw new FailureDefinitionError("error", `${JSON.stringify(f.error)} is not a token`);
  const s = f.receivedStatus;
  if (s !== undefined && (!Number.isInteger(s) || s < 100 || s > 999))
    throw new FailureDefinitionError("receivedStatus", `${String(s)} is not an HTTP status code`);
  if (f.nextProtocol !== undefined && [...f.nextProtocol].some((ch) => ch.charCodeAt(0) > 0xff))
    throw new FailureDefinitionError("nextProtocol", "an ALPN id is bytes (U+0000 to U+00FF)");
  if (f.params !== undefined) {
    for (const [k, v] of Object.entries(f.params)) {
      if (!SF_KEY.test(k) || PROXY_STATUS_KNOWN.has(k))
        throw new FailureDefinitionError("params", `${JSON.stringify(k)} cannot be a parameter`);
      if (typeof v === "number" && !Number.isFinite(v))
        throw new FailureDefinitionError("params", `${k}: ${v} is not a finite number`);
    }
  }
}

/**
 * One failure's data. Its own members are the failure's, set in the order of an object literal
 * `{ kind, ...options }` (one hidden class per shape, as before: see bench/build-failure.ts); what
 * makes it an HttpFailure is inherited from THROWABLE (below). An untyped `options.kind` must not
 * win over the constructor's, hence the second assignment.
 */
class FailureRecord {
  constructor(kind: FailureKind, options: object, reason?: string) {
    const self = this as unknown as { kind: FailureKind; reason?: string };
    self.kind = kind;
    Object.assign(this, options);
    if (self.kind !== kind) self.kind = kind;
    if (reason !== undefined) self.reason = reason;
  }
}

function make<F extends Failure>(kind: F["kind"], options: object, reason?: string): Thrown<F> {
  return new FailureRecord(kind, options, reason) as unknown as Thrown<F>;
}

/** 401: credentials missing (default), invalid or expired. Always answered with WWW-Authenticate. */
export function unauthenticated(
  options: OptionalReason<Unauthenticated> = {},
): Thrown<Unauthenticated> {
  checkCommon(options);
  if (options.challenges !== undefined) {
    if (options.challenges.length === 0) {
      throw new FailureDefinitionError(
        "challenges",
        "a 401 needs at least one challenge (RFC 9110 §15.5.2)",
      );
    }
    const challenges = options.challenges;
    checkHeaderValue("challenges", () => buildWwwAuthenticate(challenges));
  }
  if (options.scheme !== undefined && !isToken(options.scheme)) {
    throw new FailureDefinitionError(
      "scheme",
      `${JSON.stringify(options.scheme)} is not an auth-scheme token`,
    );
  }
  checkRealm(options.realm);
  // Validate Bearer parameter characters here, where the mistake is made, not at response time.
  if (options.description !== undefined) bearerChallenge({ errorDescription: options.description });
  return make("unauthenticated", options, options.reason ?? "missing");
}

/**
 * 403: the identity is known and not permitted. With `scope`, a Bearer insufficient_scope: never
 * hidden as a 404 by the policy's hideForbidden (only `hide: true` on the failure hides it).
 */
export function forbidden(options: OptionalReason<Forbidden> = {}): Thrown<Forbidden> {
  checkCommon(options);
  if (options.scope !== undefined) bearerChallenge({ scope: options.scope });
  checkRealm(options.realm);
  const reason = options.reason ?? (options.scope ? "insufficient_scope" : "denied");
  return make("forbidden", options, reason);
}

/** 400: the request cannot be parsed (bad JSON, bad syntax). */
export function malformed(options: Options<Malformed> = {}): Thrown<Malformed> {
  checkCommon(options);
  return make("malformed", options);
}

/** 400 (or 422 by policy): parsed, but missing or mistyped fields. */
export function invalid(options: Options<Invalid> = {}): Thrown<Invalid> {
  checkCommon(options);
  return make("invalid", options);
}

/** 422 (duplicates: 409 by policy): a valid request that breaks a business rule. */
export function unprocessable(options: OptionalReason<Unprocessable> = {}): Thrown<Unprocessable> {
  checkCommon(options);
  return make("unprocessable", options, options.reason ?? "business_rule");
}

/** 409: the request conflicts with the resource's current state (e.g. an edit conflict). */
export function conflict(options: Options<Conflict> = {}): Thrown<Conflict> {
  checkCommon(options);
  return make("conflict", options);
}

/** 404: no such resource. */
export function notFound(options: Options<NotFound> = {}): Thrown<NotFound> {
  checkCommon(options);
  return make("not_found", options);
}

/** 405 with Allow: the resource exists but not with this method. */
export function methodNotAllowed(options: Options<MethodNotAllowed>): Thrown<MethodNotAllowed> {
  checkCommon(options);
  if (!Array.isArray(options?.allow)) {
    throw new FailureDefinitionError(
      "allow",
      "a 405 must list the allowed methods (RFC 9110 §15.5.6)",
    );
  }
  for (const m of options.allow) {
    if (!isToken(m))
      throw new FailureDefinitionError("allow", `${JSON.stringify(m)} is not a method token`);
  }
  return make("method_not_allowed", options);
}

/** 415: the content type (or coding) is not supported. */
export function unsupportedMediaType(
  options: Options<UnsupportedMediaType> = {},
): Thrown<UnsupportedMediaType> {
  checkCommon(options);
  checkList(options.accept, "accept", (v) => MEDIA_TYPE.test(v), "a media type");
  checkList(options.acceptEncoding, "acceptEncoding", isToken, "a content coding");
  return make("unsupported_media_type", options);
}

/** 406: no acceptable representation. */
export function notAcceptable(options: Options<NotAcceptable> = {}): Thrown<NotAcceptable> {
  checkCommon(options);
  return make("not_acceptable", options);
}

/** 413: the content is too large. */
export function payloadTooLarge(options: Options<PayloadTooLarge> = {}): Thrown<PayloadTooLarge> {
  checkCommon(options);
  checkSeconds(options.retryAfter, "retryAfter");
  if (options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 0))
    throw new FailureDefinitionError("limit", "must be a non-negative integer of bytes");
  return make("payload_too_large", options);
}

/** 429 with Retry-After and RateLimit fields: the client's quota is exhausted. */
export function rateLimited(options: Options<RateLimited>): Thrown<RateLimited> {
  checkCommon(options);
  checkSeconds(options?.retryAfter, "retryAfter");
  if (options?.retryAfter === undefined) {
    throw new FailureDefinitionError("retryAfter", "a 429 must say how long to wait");
  }
  const q = options.quota;
  if (q !== undefined) {
    if (!Number.isInteger(q.quota) || q.quota < 0)
      throw new FailureDefinitionError("quota.quota", "must be a non-negative integer");
    if (!Number.isInteger(q.window) || q.window <= 0)
      throw new FailureDefinitionError("quota.window", "must be a positive integer of seconds");
    // Sent as a Structured Fields string: printable ASCII only.
    if (q.name !== undefined && (typeof q.name !== "string" || !/^[\x20-\x7e]*$/.test(q.name)))
      throw new FailureDefinitionError("quota.name", "must be printable ASCII");
    if (
      q.unit !== undefined &&
      q.unit !== "requests" &&
      q.unit !== "content-bytes" &&
      q.unit !== "concurrent-requests"
    )
      throw new FailureDefinitionError(
        "quota.unit",
        "must be requests, content-bytes or concurrent-requests",
      );
  }
  return make("rate_limited", options);
}

/** 503: overloaded, in maintenance, or a dependency is unavailable. Retry-After when known. */
export function unavailable(options: OptionalReason<Unavailable> = {}): Thrown<Unavailable> {
  checkCommon(options);
  if (options.retryAfter instanceof Date) {
    if (Number.isNaN(options.retryAfter.getTime()))
      throw new FailureDefinitionError("retryAfter", "invalid Date");
  } else {
    checkSeconds(options.retryAfter, "retryAfter");
  }
  checkUpstream(options);
  return make("unavailable", options, options.reason ?? "overload");
}

/** 502 with Proxy-Status: an upstream refused, reset, or answered with something invalid or a 5xx. */
export function badGateway(options: Options<BadGateway>): Thrown<BadGateway> {
  checkCommon(options);
  if (options?.error === undefined && options?.receivedStatus === undefined) {
    throw new FailureDefinitionError(
      "error",
      "a 502 needs a Proxy-Status error type or the status received from upstream",
    );
  }
  checkUpstream(options);
  return make("bad_gateway", options);
}

/** 504 with Proxy-Status: an upstream did not answer in time (http_response_timeout unless told). */
export function gatewayTimeout(options: Options<GatewayTimeout> = {}): Thrown<GatewayTimeout> {
  checkCommon(options);
  checkUpstream(options);
  return make("gateway_timeout", options);
}

/** 500: a bug. Nothing of `cause` reaches the client unless the policy exposes internals. */
export function internal(options: Options<Internal> = {}): Thrown<Internal> {
  checkCommon(options);
  return make("internal", options);
}

/** The constructors as one object, for discovery: `failures.rateLimited({ retryAfter: 30 })`. */
export const failures = {
  unauthenticated,
  forbidden,
  malformed,
  invalid,
  unprocessable,
  conflict,
  notFound,
  methodNotAllowed,
  unsupportedMediaType,
  notAcceptable,
  payloadTooLarge,
  rateLimited,
  unavailable,
  badGateway,
  gatewayTimeout,
  internal,
} as const;

// ---- HttpFailure -------------------------------------------------------------------------------

const BRAND: unique symbol = Symbol.for("truestatus.HttpFailure") as never;

export interface HttpFailureOptions {
  readonly cause?: unknown;
  /**
   * Capture a stack trace. Default: only for server and upstream faults. A 4xx is an expected
   * answer, not a bug, and capturing its stack is about two thirds of the cost of throwing it.
   */
  readonly captureStack?: boolean;
}

/**
 * A failure to throw. Framework adapters answer it with decide(); other middleware sees the
 * familiar `status`/`statusCode`/`expose` of http-errors (the default-policy status). Every
 * constructor's result already is one (without a stack trace); `new HttpFailure(failure, { cause })`
 * adds a stack (server and upstream faults) and a cause.
 */
export class HttpFailure<F extends Failure = Failure> extends TruestatusError {
  override readonly name = "HttpFailure";
  readonly failure: F;
  readonly kind: F["kind"];
  /** Status under the default policy (decide() applies the configured one). */
  readonly status: FailureStatus;
  readonly statusCode: FailureStatus;
  /** http-errors convention: client errors may show their message; server errors may not. */
  readonly expose: boolean;
  readonly [BRAND] = true;

  constructor(failure: F, options: HttpFailureOptions = {}) {
    const info = FAILURE_KINDS[failure.kind];
    const capture = options.captureStack ?? info.fault !== "client";
    const limit = Error.stackTraceLimit;
    if (!capture) Error.stackTraceLimit = 0;
    const cause = options.cause ?? (failure.kind === "internal" ? failure.cause : undefined);
    super(
      "TRUESTATUS_HTTP_FAILURE",
      `${info.status} ${failure.kind}: ${failure.detail ?? info.detail}`,
      cause === undefined ? undefined : { cause },
    );
    if (!capture) Error.stackTraceLimit = limit;
    this.failure = failure;
    this.kind = failure.kind;
    this.status = info.status;
    this.statusCode = info.status;
    this.expose = info.fault === "client";
  }
}

/** True for any HttpFailure, even one from another copy of truestatus (the brand is a global symbol). */
export function isHttpFailure(value: unknown): value is HttpFailure {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

/**
 * What every constructor's result inherits: an HttpFailure whose `failure` is itself. Nothing here
 * is enumerable, so the data stays the object's own members. Frameworks that route only Errors to
 * their error handler (Hono, Koa) see one (`instanceof Error`); the adapters answer it with decide().
 */
const THROWABLE: object = Object.create(HttpFailure.prototype, {
  [BRAND]: { value: true },
  failure: {
    get(this: Failure) {
      return this;
    },
  },
  ...inherited("name", () => "HttpFailure"),
  ...inherited("code", () => "TRUESTATUS_HTTP_FAILURE"),
  ...inherited("status", (f) => FAILURE_KINDS[f.kind].status),
  ...inherited("statusCode", (f) => FAILURE_KINDS[f.kind].status),
  ...inherited("expose", (f) => FAILURE_KINDS[f.kind].fault === "client"),
  ...inherited("message", (f) => {
    const info = FAILURE_KINDS[f.kind];
    return `${info.status} ${f.kind}: ${f.detail ?? info.detail}`;
  }),
});
Object.setPrototypeOf(FailureRecord.prototype, THROWABLE);

/**
 * A computed member of THROWABLE. Libraries that handle errors assign to these (http-errors sets
 * `status` and `expose`, others `message`): the value is then kept on the object, not enumerable,
 * so the failure's data stays what it was and an assignment never throws.
 */
function inherited(name: string, get: (f: Failure) => unknown): Record<string, PropertyDescriptor> {
  return {
    [name]: {
      get(this: Failure) {
        return get(this);
      },
      set(this: Failure, value: unknown) {
        Object.defineProperty(this, name, { value, writable: true, configurable: true });
      },
    },
  };
}
