/**
 * classifyUpstream: anything a call to another service can fail with (a Node/undici/DNS/TLS/parser
 * error, a fetch TypeError wrapping one, an AbortSignal timeout, or the upstream's own 5xx/429
 * response) becomes the failure this service should answer: 502 bad_gateway, 503 unavailable or
 * 504 gateway_timeout, with the RFC 9209 Proxy-Status facts. The decisions are rows of table.ts.
 * Pure: it reads the error, never the network.
 */
import {
  type BadGateway,
  badGateway,
  type GatewayTimeout,
  gatewayTimeout,
  isHttpFailure,
  type Unavailable,
  type UpstreamFacts,
  unavailable,
} from "../semantics/failure.js";
import type { ProxyErrorType, ProxyStatusParam } from "../semantics/headers/proxy-status.js";
import { parseRetryAfter, retryAfterSeconds } from "../semantics/headers/retry-after.js";
import {
  DNS_SYSCALL_RULE,
  GOT_TIMEOUT_EVENTS,
  TLS_ALERTS,
  UPSTREAM_CODE_PREFIXES,
  UPSTREAM_ERROR_CODES,
  UPSTREAM_ERROR_NAMES,
  UPSTREAM_STATUS_RULES,
  type UpstreamKind,
  type UpstreamOutcome,
  type UpstreamPhase,
  type UpstreamRule,
} from "./table.js";

/** The failures an upstream can cause: 502, 504, or 503 (the upstream unavailable, or us). */
export type UpstreamFailure = BadGateway | GatewayTimeout | Unavailable;

export interface ClassifyContext {
  /**
   * Where the exchange was when it failed, when the caller knows it. It refines codes that mean
   * different things in different phases (ECONNRESET before the response is connection_terminated,
   * while reading the body http_response_incomplete; a timeout while connecting is
   * connection_timeout, while waiting for headers http_response_timeout). When absent, it is read
   * from the error where the error tells it (`syscall`, fetch's body `TypeError("terminated")`).
   */
  readonly phase?: UpstreamPhase;
  /**
   * The upstream's name or address, for Proxy-Status `next-hop`. decide() sends it only when the
   * policy exposes internals; it never reaches the problem body.
   */
  readonly nextHop?: string;
  /** Longest Retry-After (seconds) passed on from an upstream's 429 or 503. Default 86,400. */
  readonly maxRetryAfter?: number;
  /** Now (epoch ms), to turn an upstream's HTTP-date Retry-After into seconds. Default Date.now(). */
  readonly now?: number;
}

/** A response, as fetch (`status`), node:http and undici (`statusCode`) describe it. */
interface ResponseLike {
  readonly status: number;
  readonly headers: unknown;
}

const MAX_DEPTH = 8;
const DEFAULT_MAX_RETRY_AFTER = 86_400;

const UPSTREAM_KINDS = new Set<string>(["bad_gateway", "gateway_timeout", "unavailable"]);

const DNS_ERRORS = new Set<ProxyErrorType>(["dns_error", "dns_timeout"]);

/**
 * Classifies an error or a response from an upstream. Returns undefined for what is not an
 * upstream failure: a success or a 4xx other than 429 (yours to judge: a 404 from a user service
 * may well be a 404 for your client), an abort of your own (e.g. the client went away), a bad
 * argument of yours (a bug: 500), or anything unknown.
 *
 * Accepts: errors with a `code` (Node, undici, llhttp, OpenSSL), their `cause` chain and
 * AggregateError members, `TimeoutError`s (AbortSignal.timeout, got), axios/got errors carrying
 * a `response`, undici's ResponseError/RequestRetryError (`statusCode`), fetch `Response`s and any
 * `{ status | statusCode, headers }` object, and HttpFailures of the three upstream kinds.
 */
export function classifyUpstream(
  input: unknown,
  context: ClassifyContext = {},
): UpstreamFailure | undefined {
  return classify(input, context, context.phase, 0);
}

function classify(
  input: unknown,
  ctx: ClassifyContext,
  phase: UpstreamPhase | undefined,
  depth: number,
): UpstreamFailure | undefined {
  if (depth > MAX_DEPTH || typeof input !== "object" || input === null) return undefined;
  if (isHttpFailure(input)) {
    return UPSTREAM_KINDS.has(input.failure.kind) ? (input.failure as UpstreamFailure) : undefined;
  }
  const response = asResponse(input);
  if (response !== undefined) return classifyResponse(response, ctx);

  const e = input as Record<string, unknown>;
  // Errors carrying the upstream's response: axios and got (`response`), undici ResponseError
  // and RequestRetryError (`statusCode` + `headers`).
  const carried = asResponse(e.response);
  if (carried !== undefined) return classifyResponse(carried, ctx);
  const code = typeof e.code === "string" ? e.code : undefined;
  if (
    typeof e.statusCode === "number" &&
    (code === "UND_ERR_RESPONSE" ||
      code === "UND_ERR_REQ_RETRY" ||
      code === "UND_ERR_RESPONSE_STATUS_CODE")
  ) {
    return classifyResponse({ status: e.statusCode, headers: e.headers }, ctx);
  }

  const here = phase ?? phaseOf(e);
  const found = classifyOwn(e, code, here, ctx);
  if (found !== undefined) return found;

  if (Array.isArray(e.errors)) {
    // AggregateError (Node's autoSelectFamily tries each address): the first member we recognise.
    for (const member of e.errors as unknown[]) {
      const f = classify(member, ctx, here, depth + 1);
      if (f !== undefined) return f;
    }
  }
  // fetch: TypeError("terminated") errors the body stream once the response has started.
  const causePhase =
    here ?? (e instanceof TypeError && e.message === "terminated" ? "body" : undefined);
  return classify(e.cause, ctx, causePhase, depth + 1);
}

/** The phase an error states about itself, if any. */
function phaseOf(e: Record<string, unknown>): UpstreamPhase | undefined {
  const syscall = e.syscall;
  if (typeof syscall !== "string") return undefined;
  if (syscall === "connect") return "connect";
  if (syscall === "write") return "request";
  if (isDnsSyscall(syscall)) return "dns";
  return undefined;
}

function isDnsSyscall(syscall: string): boolean {
  return syscall === "getaddrinfo" || syscall === "getnameinfo" || syscall.startsWith("query");
}

/** The error itself (not its causes): by code, then by name. */
function classifyOwn(
  e: Record<string, unknown>,
  code: string | undefined,
  phase: UpstreamPhase | undefined,
  ctx: ClassifyContext,
): UpstreamFailure | undefined {
  const name = typeof e.name === "string" ? e.name : undefined;

  // axios reports its own timeout as ECONNABORTED (or ETIMEDOUT with clarifyTimeoutError).
  if (e.isAxiosError === true && (code === "ECONNABORTED" || code === "ETIMEDOUT")) {
    return toFailure(UPSTREAM_ERROR_NAMES.TimeoutError!, code, ctx);
  }
  // got names the timer that fired.
  if (name === "TimeoutError" && typeof e.event === "string") {
    const outcome = GOT_TIMEOUT_EVENTS[e.event];
    if (outcome !== undefined) return toFailure(outcome, `${code ?? name} (${e.event})`, ctx);
  }

  if (code !== undefined) {
    const syscall = typeof e.syscall === "string" ? e.syscall : undefined;
    if (syscall !== undefined && isDnsSyscall(syscall)) {
      const rule = Object.hasOwn(UPSTREAM_ERROR_CODES, code)
        ? UPSTREAM_ERROR_CODES[code]!
        : undefined;
      if (rule !== undefined && DNS_ERRORS.has(rule.error)) {
        // c-ares answers ENOTFOUND only for NXDOMAIN; getaddrinfo folds several answers into it.
        if (code === "ENOTFOUND" && syscall.startsWith("query"))
          return toFailure({ ...rule, params: { rcode: "NXDOMAIN" } }, code, ctx);
        return toFailure(rule, code, ctx);
      }
      return toFailure(DNS_SYSCALL_RULE, code, ctx);
    }
    if (code === "UND_ERR_SOCKET" && (e.message === "bad response" || e.message === "bad upgrade"))
      return toFailure({ kind: "bad_gateway", error: "http_protocol_error" }, code, ctx);
    const alert = tlsAlert(code) ?? tlsAlertInMessage(code, e.message);
    if (alert !== undefined) return toFailure(alert, code, ctx);
    if (Object.hasOwn(UPSTREAM_ERROR_CODES, code))
      return toFailure(pick(UPSTREAM_ERROR_CODES[code]!, phase), code, ctx);
    for (const rule of UPSTREAM_CODE_PREFIXES) {
      if (code.startsWith(rule.prefix)) return toFailure(pick(rule, phase), code, ctx);
    }
  }
  if (name !== undefined && Object.hasOwn(UPSTREAM_ERROR_NAMES, name))
    return toFailure(pick(UPSTREAM_ERROR_NAMES[name]!, phase), name, ctx);
  return undefined;
}

function pick(rule: UpstreamRule, phase: UpstreamPhase | undefined): UpstreamOutcome {
  return (phase !== undefined && rule.phases?.[phase]) || rule;
}

const ALERT_CODE = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_(ALERT_)?([A-Z_]{1,64})$/;

/** `ERR_SSL_TLSV1_ALERT_UNKNOWN_CA` → tls_alert_received; alert-id 48, alert-message "unknown_ca". */
function tlsAlert(code: string): UpstreamOutcome | undefined {
  const m = ALERT_CODE.exec(code);
  if (m === null) return undefined;
  const message = m[2]!.toLowerCase();
  const id = Object.hasOwn(TLS_ALERTS, message) ? TLS_ALERTS[message] : undefined;
  // Without "ALERT_" the code names an alert only when it is a known one (TLSV1_UNRECOGNIZED_NAME).
  if (m[1] === undefined && id === undefined) return undefined;
  const params: Record<string, ProxyStatusParam> =
    id === undefined ? { "alert-message": message } : { "alert-id": id, "alert-message": message };
  return { kind: "bad_gateway", error: "tls_alert_received", params };
}

const ALERT_NUMBER = /SSL alert number (\d{1,3})\b/;

/**
 * node:https reports an alert as EPROTO whose only trace of it is OpenSSL's message text
 * ("... SSL alert number 70"): the number is read from there, as OpenSSL prints it.
 */
function tlsAlertInMessage(code: string, message: unknown): UpstreamOutcome | undefined {
  if ((code !== "EPROTO" && !code.startsWith("ERR_SSL_")) || typeof message !== "string")
    return undefined;
  const m = ALERT_NUMBER.exec(message.slice(0, 1024));
  if (m === null) return undefined;
  const id = Number(m[1]);
  const params: Record<string, ProxyStatusParam> = { "alert-id": id };
  for (const [name, n] of Object.entries(TLS_ALERTS)) {
    if (n === id) {
      params["alert-message"] = name;
      break;
    }
  }
  return { kind: "bad_gateway", error: "tls_alert_received", params };
}

function toFailure(
  outcome: UpstreamOutcome,
  details: string | undefined,
  ctx: ClassifyContext,
): UpstreamFailure {
  const facts: { -readonly [K in keyof UpstreamFacts]: UpstreamFacts[K] } = {
    error: outcome.error,
  };
  if (details !== undefined) facts.details = details;
  if (ctx.nextHop !== undefined) facts.nextHop = ctx.nextHop;
  if (outcome.params !== undefined) facts.params = outcome.params;
  return build(outcome.kind, outcome.reason, facts, undefined);
}

/** The failure of a kind, through the core's constructors. */
function build(
  kind: UpstreamKind,
  reason: Unavailable["reason"] | undefined,
  facts: UpstreamFacts,
  retryAfter: number | undefined,
): UpstreamFailure {
  switch (kind) {
    case "bad_gateway":
      return badGateway(facts);
    case "gateway_timeout":
      return gatewayTimeout(facts);
    default:
      return unavailable({
        ...facts,
        reason: reason ?? "dependency",
        ...(retryAfter === undefined ? {} : { retryAfter }),
      });
  }
}

// ---- responses -----------------------------------------------------------------------------------

function asResponse(value: unknown): ResponseLike | undefined {
  if (typeof value !== "object" || value === null || value instanceof Error) return undefined;
  const v = value as Record<string, unknown>;
  if (!("headers" in v)) return undefined;
  const status =
    typeof v.status === "number"
      ? v.status
      : typeof v.statusCode === "number"
        ? v.statusCode
        : undefined;
  return status === undefined ? undefined : { status, headers: v.headers };
}

function classifyResponse(r: ResponseLike, ctx: ClassifyContext): UpstreamFailure | undefined {
  const status = r.status;
  const valid = Number.isInteger(status);
  const rule = valid
    ? UPSTREAM_STATUS_RULES.find((x) => status >= x.from && status <= x.to)
    : UPSTREAM_STATUS_RULES.find((x) => x.error === "http_protocol_error");
  if (rule === undefined) return undefined;
  const facts: { -readonly [K in keyof UpstreamFacts]: UpstreamFacts[K] } = {};
  if (rule.error !== undefined) facts.error = rule.error;
  // Proxy-Status carries three-digit statuses only (RFC 9209 §2.1.4).
  if (valid && status >= 100 && status <= 999) facts.receivedStatus = status;
  if (ctx.nextHop !== undefined) facts.nextHop = ctx.nextHop;
  if (facts.error === undefined && facts.receivedStatus === undefined)
    facts.error = "http_protocol_error";
  let retryAfter: number | undefined;
  if (rule.keepRetryAfter) {
    const raw = headerValue(r.headers, "retry-after");
    if (raw !== undefined) {
      const parsed = parseRetryAfter(raw, ctx.now ?? Date.now());
      if (parsed.ok) {
        const seconds = retryAfterSeconds(parsed.value, ctx.now ?? Date.now());
        const max = ctx.maxRetryAfter ?? DEFAULT_MAX_RETRY_AFTER;
        if (seconds > 0) retryAfter = Math.min(seconds, max);
      }
    }
  }
  return build(rule.kind, rule.reason, facts, retryAfter);
}

/** One header field's value from a fetch Headers, a Map-like, or a plain record (any case). */
function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== "object" || headers === null) return undefined;
  const h = headers as { get?: unknown } & Record<string, unknown>;
  if (typeof h.get === "function") {
    const v: unknown = (h.get as (n: string) => unknown).call(headers, name);
    return typeof v === "string" ? v : undefined;
  }
  let v: unknown = h[name];
  if (v === undefined) {
    for (const key of Object.keys(h)) {
      if (key.length === name.length && key.toLowerCase() === name) {
        v = h[key];
        break;
      }
    }
  }
  if (Array.isArray(v)) v = v[0];
  return typeof v === "string" ? v : undefined;
}
