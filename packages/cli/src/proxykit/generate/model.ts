/**
 * What every generated config says, decided by the library and not kept per proxy: for each
 * failure a proxy can tell apart (an RFC 9209 error type, or none when it cannot tell which),
 * the status, the Proxy-Status value and the problem+json body; the 503 for "no usable upstream"
 * with its Retry-After; the 429 of a rate limiter; and the Proxy-Status a passed-through 5xx gets.
 * The generators only place these strings where their proxy can send them.
 */
import {
  badGateway,
  buildProxyStatus,
  DEFAULT_POLICY,
  decide,
  type Failure,
  gatewayTimeout,
  type Policy,
  PROXY_ERROR_TYPES,
  type ProxyErrorType,
  rateLimited,
  serializeProblem,
  unavailable,
} from "truestatus";
import type { CheckLayout } from "../layout.js";

export const PROXY_KINDS = ["nginx", "haproxy", "caddy", "envoy"] as const;
export type ProxyKind = (typeof PROXY_KINDS)[number];

export function isProxyKind(value: string): value is ProxyKind {
  return (PROXY_KINDS as readonly string[]).includes(value);
}

/** A rate limit: `limit` requests per `window` seconds per client address. */
export interface RateLimit {
  readonly limit: number;
  readonly window: number;
}

export interface GenerateOptions {
  readonly upstream: URL;
  /** The name in Proxy-Status (an sf-token). */
  readonly name: string;
  readonly listen: { readonly host?: string; readonly port: number };
  /** The proxy version to generate for (each generator knows its own). */
  readonly version: string;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  /** Retry-After (seconds) of the proxy's own 503 (no usable upstream). */
  readonly retryAfter: number;
  readonly rateLimit?: RateLimit;
  /** Only the parts that go into an existing server / frontend / site. */
  readonly fragment: boolean;
  /** Add the conformance check's two extra routes (layout.ts). */
  readonly checkRoutes?: Pick<CheckLayout, "refusedPort">;
  /** Where the access log goes ("-" for standard output). */
  readonly accessLog?: string;
  /** The command line that made the config, for its header comment. */
  readonly command: string;
}

/** One answer the proxy makes itself. */
export interface OwnAnswer {
  /** What happened, RFC 9209 error type; undefined when the proxy cannot tell which. */
  readonly error: ProxyErrorType | undefined;
  readonly status: number;
  /** The Proxy-Status field value. */
  readonly proxyStatus: string;
  /** The problem+json body. */
  readonly body: string;
  /** Other header fields the answer carries (Retry-After, RateLimit), lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
}

export function policyFor(name: string): Policy {
  return { ...DEFAULT_POLICY, proxyName: name };
}

/** The failure an error type is (its RFC 9209 status picks the kind). */
function failureOf(error: ProxyErrorType, retryAfter: number): Failure {
  const status = PROXY_ERROR_TYPES[error].status;
  if (status === 504) return gatewayTimeout({ error });
  if (status === 503) return unavailable({ reason: "dependency", error, retryAfter });
  return badGateway({ error });
}

function own(error: ProxyErrorType | undefined, failure: Failure, name: string): OwnAnswer {
  const d = decide(failure, policyFor(name));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.headers)) if (k !== "proxy-status") headers[k] = v;
  return {
    error,
    status: d.status,
    proxyStatus: d.headers["proxy-status"] ?? buildProxyStatus({ proxy: name }),
    body: serializeProblem(d.problem),
    headers,
  };
}

/** The proxy's answer to a failure it can name. */
export function answerFor(
  error: ProxyErrorType,
  o: Pick<GenerateOptions, "name" | "retryAfter">,
): OwnAnswer {
  return own(error, failureOf(error, o.retryAfter), o.name);
}

/**
 * The proxy's answer to a failure it cannot name (e.g. nginx: a refused connection or a failed TLS
 * handshake): the status it knows, Proxy-Status without an error type.
 */
export function unnamedAnswer(
  status: 502 | 503 | 504,
  o: Pick<GenerateOptions, "name">,
): OwnAnswer {
  // Literal failures: badGateway() insists on an error type, which is what the proxy lacks here.
  const failure: Failure =
    status === 504
      ? { kind: "gateway_timeout" }
      : status === 503
        ? { kind: "unavailable", reason: "dependency" }
        : { kind: "bad_gateway" };
  return own(undefined, failure, o.name);
}

/** The proxy's own 500 (a fault of the proxy itself): Proxy-Status proxy_internal_error. */
export function internalAnswer(o: Pick<GenerateOptions, "name">): OwnAnswer {
  const a = own("proxy_internal_error", { kind: "internal" }, o.name);
  return { ...a, proxyStatus: errorValue(o.name, "proxy_internal_error") };
}

/** The 429 of the proxy's rate limiter. */
export function rateLimitAnswer(rate: RateLimit, o: Pick<GenerateOptions, "name">): OwnAnswer {
  const retryAfter = Math.max(1, Math.ceil(rate.window / rate.limit));
  return own(
    undefined,
    rateLimited({ retryAfter, quota: { quota: rate.limit, window: rate.window } }),
    o.name,
  );
}

/** Marks where a proxy puts the upstream's status in a received-status value. */
const STATUS_SLOT = 599;

/**
 * The Proxy-Status value of a passed-through 5xx, with `slot` where the proxy writes the
 * upstream's status (a variable or placeholder): the library's serializer writes the rest.
 */
export function receivedStatusValue(name: string, slot: string): string {
  const value = buildProxyStatus({ proxy: name, receivedStatus: STATUS_SLOT });
  return value.replace(String(STATUS_SLOT), slot);
}

/** A Proxy-Status value for this proxy with only an error type (for templates). */
export function errorValue(name: string, error: ProxyErrorType): string {
  return buildProxyStatus({ proxy: name, error });
}

/** "5s" / "250ms" from milliseconds, the way nginx, HAProxy and Caddy all read durations. */
export function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The upstream's host:port (brackets kept for IPv6), with the scheme's default port. */
export function hostPort(url: URL): string {
  const port = url.port !== "" ? url.port : url.protocol === "https:" ? "443" : "80";
  return `${url.hostname}:${port}`;
}

export function headerComment(o: GenerateOptions, proxy: string, prefix = "#"): string {
  return [
    `${prefix} Generated by: ${o.command}`,
    `${prefix} truestatus proxy-config for ${proxy} ${o.version}: truthful upstream failures.`,
    `${prefix} Each failure ${proxy} can tell apart gets its RFC 9209 Proxy-Status error type and the`,
    `${prefix} status RFC 9209 recommends (timeouts 504; refused, reset, invalid 502; no usable upstream`,
    `${prefix} 503 + Retry-After), with a problem+json body; upstream answers pass through, a 5xx with`,
    `${prefix} Proxy-Status received-status. What ${proxy} cannot tell apart: docs/proxies/${proxy}.md.`,
  ].join("\n");
}
