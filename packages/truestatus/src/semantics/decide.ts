/**
 * The decision: a failure, under a policy, becomes a status, the header fields that status needs,
 * and an RFC 9457 problem body. Pure: the emitter sends it, the gateway translates into it, the
 * auditor compares what others sent against it.
 */
import {
  FAILURE_KINDS,
  type Failure,
  type FailureClass,
  type FailureKind,
  type FailureStatus,
  type Fault,
  type Forbidden,
  type HttpFailure,
  isHttpFailure,
  type UpstreamFacts,
} from "./failure.js";
import { buildAllow } from "./headers/allow.js";
import {
  buildProxyStatus,
  type ProxyStatusEntry,
  type ProxyStatusParam,
} from "./headers/proxy-status.js";
import { buildRateLimit, buildRateLimitPolicy } from "./headers/ratelimit.js";
import { buildRetryAfter } from "./headers/retry-after.js";
import {
  bearerChallenge,
  buildWwwAuthenticate,
  type Challenge,
} from "./headers/www-authenticate.js";
import { DEFAULT_POLICY, type Policy } from "./policy.js";
import type { Problem } from "./problem.js";
import type { RetryHint } from "./status.js";

export interface Decision {
  readonly status: FailureStatus;
  /** Header fields the answer must carry, by lowercase name (content-type is the sender's choice). */
  readonly headers: Readonly<Record<string, string>>;
  readonly problem: Problem;
  readonly kind: FailureKind;
  readonly class: FailureClass;
  readonly fault: Fault;
  readonly retry: RetryHint;
}

export interface DecideContext {
  /** The request method: picks Accept-Post or Accept-Patch for a 415, names the method in a 405. */
  readonly method?: string;
  /** Default `instance` when the failure has none (e.g. a request id). */
  readonly instance?: string;
}

interface Compiled {
  readonly types: ReadonlyMap<string, string>;
  /** The challenge for "credentials missing" under this policy, built once. */
  readonly missingChallenge: string;
  /** The challenges for invalid / expired credentials with the default description, built once. */
  readonly invalidChallenge: string;
  readonly expiredChallenge: string;
}

const compiledPolicies = new WeakMap<Policy, Compiled>();

const TYPE_SLUGS = [
  ...Object.keys(FAILURE_KINDS).map((k) => k.replaceAll("_", "-")),
  "duplicate",
  "invalid-state",
];

function compile(policy: Policy): Compiled {
  let c = compiledPolicies.get(policy);
  if (c === undefined) {
    const types = new Map<string, string>();
    for (const slug of TYPE_SLUGS) types.set(slug, policy.problemTypeBase + slug);
    c = {
      types,
      missingChallenge: buildWwwAuthenticate(
        challengeFor(policy, policy.authScheme, undefined, {}),
      ),
      invalidChallenge: buildWwwAuthenticate(
        challengeFor(policy, policy.authScheme, undefined, refusedBearer("invalid")),
      ),
      expiredChallenge: buildWwwAuthenticate(
        challengeFor(policy, policy.authScheme, undefined, refusedBearer("expired")),
      ),
    };
    compiledPolicies.set(policy, c);
  }
  return c;
}

/** The RFC 6750 parameters of a challenge for credentials that were sent and refused. */
function refusedBearer(
  reason: "invalid" | "expired",
  description?: string,
): Parameters<typeof bearerChallenge>[0] {
  return {
    error: "invalid_token",
    errorDescription:
      description ??
      (reason === "expired" ? "The access token expired" : "The access token is invalid"),
  };
}

function challengeFor(
  policy: Policy,
  scheme: string,
  realm: string | undefined,
  bearer: Parameters<typeof bearerChallenge>[0],
): Challenge {
  const r = realm ?? policy.realm;
  if (scheme.toLowerCase() === "bearer")
    return bearerChallenge(r === undefined ? bearer : { realm: r, ...bearer });
  // Basic requires a realm (RFC 7617 §2); other schemes take it when there is one.
  const params: Record<string, string> = {};
  if (r !== undefined) params.realm = r;
  else if (scheme.toLowerCase() === "basic") params.realm = "api";
  return { scheme, params };
}

// Proxy-Status strings hold printable ASCII only; free text from error messages may not.
function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "?").slice(0, 256);
}

function proxyStatus(policy: Policy, facts: UpstreamFacts, defaultError?: string): string {
  const entry: { -readonly [K in keyof ProxyStatusEntry]: ProxyStatusEntry[K] } = {
    proxy: policy.proxyName,
  };
  const error = facts.error ?? defaultError;
  if (error !== undefined) entry.error = error;
  if (facts.receivedStatus !== undefined) entry.receivedStatus = facts.receivedStatus;
  if (facts.nextProtocol !== undefined) entry.nextProtocol = facts.nextProtocol;
  if (policy.exposeInternals) {
    if (facts.nextHop !== undefined) entry.nextHop = printable(facts.nextHop);
    if (facts.nextHopAliases !== undefined) entry.nextHopAliases = printable(facts.nextHopAliases);
    if (facts.details !== undefined) entry.details = printable(facts.details);
  }
  if (facts.params !== undefined) {
    const params: Record<string, ProxyStatusParam> = {};
    let any = false;
    for (const [k, v] of Object.entries(facts.params)) {
      params[k] = typeof v === "string" ? printable(v) : v;
      any = true;
    }
    if (any) entry.params = params;
  }
  return buildProxyStatus(entry);
}

function causeDetail(cause: unknown): { detail?: string; stack?: string[]; name?: string } {
  if (cause instanceof Error) {
    const out: { detail?: string; stack?: string[]; name?: string } = {
      detail: cause.message,
      name: cause.name,
    };
    if (cause.stack) out.stack = cause.stack.split("\n").map((l) => l.trim());
    return out;
  }
  return cause === undefined ? {} : { detail: String(cause) };
}

/**
 * Whether a refusal is answered as a 404. The policy's hideForbidden hides object-level refusals
 * (another user's order: its existence is not theirs to know); a missing scope is about the
 * operation, not the object, and stays a 403 with its insufficient_scope challenge, so that the
 * client knows which token to get. `hide` on the failure decides for itself.
 */
function hides(f: Forbidden, policy: Policy): boolean {
  return f.hide ?? (policy.hideForbidden && f.reason !== "insufficient_scope");
}

/**
 * Decides the answer to a failure under a policy: status, header fields and problem body.
 * Never returns a 2xx; every 401 carries WWW-Authenticate, every 405 Allow, every 429 Retry-After.
 */
export function decide(
  input: Failure | HttpFailure,
  policy: Policy = DEFAULT_POLICY,
  context: DecideContext = {},
): Decision {
  const f: Failure = isHttpFailure(input) ? input.failure : input;
  const info = FAILURE_KINDS[f.kind];
  const compiled = compile(policy);
  let status: FailureStatus = info.status;
  let cls: FailureClass = info.class;
  let fault: Fault = info.fault;
  let retry: RetryHint = info.retry;
  let slug: string = f.kind.replaceAll("_", "-");
  let title = info.title;
  let detail: string = info.detail;
  const headers: Record<string, string> = {};
  const ext: Record<string, unknown> = {};

  switch (f.kind) {
    case "unauthenticated": {
      if (f.challenges) {
        headers["www-authenticate"] = buildWwwAuthenticate(f.challenges);
      } else if (f.scheme === undefined && f.realm === undefined && f.description === undefined) {
        headers["www-authenticate"] =
          f.reason === "missing"
            ? compiled.missingChallenge
            : f.reason === "expired"
              ? compiled.expiredChallenge
              : compiled.invalidChallenge;
      } else {
        const bearer = f.reason === "missing" ? {} : refusedBearer(f.reason, f.description);
        headers["www-authenticate"] = buildWwwAuthenticate(
          challengeFor(policy, f.scheme ?? policy.authScheme, f.realm, bearer),
        );
      }
      if (f.reason === "invalid") detail = "The credentials sent are not valid.";
      else if (f.reason === "expired") detail = "The credentials sent have expired.";
      break;
    }
    case "forbidden": {
      if (hides(f, policy)) {
        // Indistinguishable from a real 404: same type, title, detail, no challenge.
        const nf = FAILURE_KINDS.not_found;
        status = nf.status;
        slug = "not-found";
        title = nf.title;
        detail = nf.detail;
        retry = nf.retry;
        break;
      }
      if (f.reason === "insufficient_scope") {
        const scope = f.scope && f.scope.length > 0 ? { scope: f.scope } : {};
        headers["www-authenticate"] = buildWwwAuthenticate(
          challengeFor(policy, "Bearer", f.realm, { error: "insufficient_scope", ...scope }),
        );
        detail = f.scope?.length
          ? `The access token lacks the scope this request needs: ${f.scope.join(" ")}.`
          : "The access token lacks the scope this request needs.";
      }
      break;
    }
    case "invalid": {
      status = policy.validationStatus;
      if (f.errors) ext.errors = f.errors;
      break;
    }
    case "unprocessable": {
      if (f.reason === "duplicate") {
        status = policy.duplicateStatus;
        slug = "duplicate";
        title = "Duplicate resource";
        detail = "A resource with these values already exists.";
      } else if (f.reason === "invalid_state") {
        slug = "invalid-state";
        title = "Invalid state transition";
        detail = "The resource's current state does not allow this change.";
      }
      if (f.errors) ext.errors = f.errors;
      break;
    }
    case "method_not_allowed": {
      const allow = buildAllow(f.allow);
      headers.allow = allow;
      const allowed = allow.length > 0 ? allow : "none";
      detail = context.method
        ? `The method ${context.method} is not allowed here; allowed: ${allowed}.`
        : `This resource allows: ${allowed}.`;
      break;
    }
    case "unsupported_media_type": {
      if (f.accept && f.accept.length > 0) {
        const list = f.accept.join(", ");
        if (context.method === "PATCH") headers["accept-patch"] = list;
        else if (context.method === "POST") headers["accept-post"] = list;
        ext.accept = f.accept;
      }
      if (f.acceptEncoding && f.acceptEncoding.length > 0)
        headers["accept-encoding"] = f.acceptEncoding.join(", ");
      break;
    }
    case "not_acceptable": {
      if (f.available) ext.available = f.available;
      break;
    }
    case "payload_too_large": {
      if (f.retryAfter !== undefined)
        headers["retry-after"] = buildRetryAfter(Math.max(1, f.retryAfter));
      if (f.limit !== undefined) {
        ext.limit = f.limit;
        detail = `The request content is larger than the limit of ${f.limit} bytes.`;
      }
      break;
    }
    case "rate_limited": {
      // A deny always means a real wait: never 0 (clients would retry at once).
      const seconds = Math.max(1, Math.ceil(f.retryAfter));
      headers["retry-after"] = buildRetryAfter(seconds);
      const name = f.quota?.name ?? "default";
      headers.ratelimit = buildRateLimit({ name, remaining: 0, reset: seconds });
      if (f.quota) {
        const { quota, window, unit } = f.quota;
        headers["ratelimit-policy"] = buildRateLimitPolicy(
          unit ? { name, quota, window, unit } : { name, quota, window },
        );
      }
      detail = `The request quota is exhausted; retry after ${seconds} second${seconds === 1 ? "" : "s"}.`;
      break;
    }
    case "unavailable": {
      if (f.reason === "dependency" || f.reason === "upstream_throttled") {
        cls = "dependency";
        fault = "upstream";
        detail = "A service this request depends on is unavailable; retry later.";
      } else if (f.reason === "maintenance") {
        detail = "The service is down for maintenance; retry later.";
      }
      if (f.retryAfter !== undefined) {
        headers["retry-after"] = buildRetryAfter(
          f.retryAfter instanceof Date ? f.retryAfter : Math.max(1, f.retryAfter),
        );
      }
      if (f.error !== undefined || f.receivedStatus !== undefined)
        headers["proxy-status"] = proxyStatus(policy, f);
      break;
    }
    case "bad_gateway": {
      headers["proxy-status"] = proxyStatus(policy, f);
      break;
    }
    case "gateway_timeout": {
      // Our own timeout unless told otherwise; an upstream's 504 passed on (received-status) is
      // not a timeout of ours, so it gets no error type.
      headers["proxy-status"] = proxyStatus(
        policy,
        f,
        f.receivedStatus === undefined ? "http_response_timeout" : undefined,
      );
      break;
    }
    case "internal": {
      if (policy.exposeInternals) {
        const c = causeDetail(f.cause);
        if (c.detail !== undefined && f.detail === undefined) detail = c.detail;
        if (c.name !== undefined) ext.error = c.name;
        if (c.stack !== undefined) ext.stack = c.stack;
      }
      break;
    }
    default:
      break;
  }

  const hidden = f.kind === "forbidden" && hides(f, policy);
  const problem: Record<string, unknown> = {
    type: (hidden ? undefined : f.type) ?? compiled.types.get(slug)!,
    title: (hidden ? undefined : f.title) ?? title,
    status,
    detail: (hidden ? undefined : f.detail) ?? detail,
  };
  const instance = f.instance ?? context.instance;
  if (instance !== undefined) problem.instance = instance;
  if (!hidden) {
    for (const key in ext) problem[key] = ext[key];
    if (f.extensions) for (const key of Object.keys(f.extensions)) problem[key] = f.extensions[key];
  }
  return { status, headers, problem, kind: f.kind, class: cls, fault, retry };
}
