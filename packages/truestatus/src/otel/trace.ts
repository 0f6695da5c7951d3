/**
 * OpenTelemetry without importing it. @opentelemetry/api keeps what an SDK registers (tracer
 * provider, context manager, propagator) in one global, `Symbol.for("opentelemetry.js.api.1")`,
 * which every copy of the API of major version 1 reads, so that two installed copies see the same
 * SDK; context keys are `Symbol.for(description)` for the same reason. Reading that global as the
 * API's own copies do keeps `@opentelemetry/api` an optional peer, costs nothing when no SDK is
 * registered, and imports nothing (the Hono adapter runs on Web-standard runtimes).
 *
 * Conventions (OpenTelemetry HTTP semantic conventions): span status is left unset for a 4xx on a
 * server span and set to Error for a 5xx; a client span is Error for any status ≥ 400 and for a
 * failure without a response. `error.type` is low-cardinality: the failure kind, or the RFC 9209
 * error type of an upstream failure (`connection_refused`, `http_response_timeout`, ...).
 */

import { FAILURE_KINDS, type Failure } from "../semantics/failure.js";

/** `error.type` of a failure: the RFC 9209 error type of an upstream failure, else its kind. */
export function errorTypeOf(failure: Failure): string {
  switch (failure.kind) {
    case "bad_gateway":
    case "unavailable":
      return failure.error ?? failure.kind;
    case "gateway_timeout":
      return (
        failure.error ??
        (failure.receivedStatus === undefined ? "http_response_timeout" : failure.kind)
      );
    default:
      return failure.kind;
  }
}

/** The failure class of a failure, as decide() gives it (a dependency's 503 is `dependency`). */
export function failureClassOf(failure: Failure): string {
  if (
    failure.kind === "unavailable" &&
    (failure.reason === "dependency" || failure.reason === "upstream_throttled")
  )
    return "dependency";
  return FAILURE_KINDS[failure.kind].class;
}

/** The parts of the API's Span this module uses. */
export interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  isRecording(): boolean;
  end(): void;
}

interface ContextLike {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): ContextLike;
}

interface Registry {
  readonly version?: unknown;
  readonly trace?: {
    getTracer(
      name: string,
      version?: string,
    ): {
      startSpan(
        name: string,
        options: { kind: number; attributes: Record<string, string | number> },
        context: ContextLike,
      ): SpanLike;
    };
  };
  readonly context?: {
    active(): ContextLike;
    with<R>(context: ContextLike, fn: () => R): R;
  };
  readonly propagation?: {
    inject(
      context: ContextLike,
      carrier: Record<string, string>,
      setter: { set(carrier: Record<string, string>, key: string, value: string): void },
    ): void;
  };
}

const GLOBAL = Symbol.for("opentelemetry.js.api.1");
const SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");
/** Set by @opentelemetry/instrumentation-http: `{ type: "http", span }`, the server span. */
const RPC_METADATA_KEY = Symbol.for("OpenTelemetry SDK Context Key RPC_METADATA");

const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

function registry(): Registry | undefined {
  const r = (globalThis as Record<symbol, Registry | undefined>)[GLOBAL];
  // The API refuses a global of another major version; so does this.
  return r !== undefined && typeof r.version === "string" && r.version.startsWith("1.")
    ? r
    : undefined;
}

function isSpan(value: unknown): value is SpanLike {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as SpanLike).setAttribute === "function" &&
    typeof (value as SpanLike).isRecording === "function"
  );
}

/**
 * The server span of the request being handled: the one @opentelemetry/instrumentation-http
 * started (framework instrumentations make their own middleware spans active, so the active span
 * is not always it), else the active span. Undefined without an SDK or outside a span.
 */
export function activeServerSpan(): SpanLike | undefined {
  const ctx = registry()?.context?.active();
  if (ctx === undefined) return undefined;
  const meta = ctx.getValue(RPC_METADATA_KEY) as { span?: unknown } | undefined;
  const span = isSpan(meta?.span) ? meta.span : ctx.getValue(SPAN_KEY);
  return isSpan(span) && span.isRecording() ? span : undefined;
}

export interface FailureAttributes {
  readonly status: number;
  /** The failure kind, or the RFC 9209 error type of an upstream failure. */
  readonly errorType: string;
  readonly failureClass: string;
}

/**
 * Sets the failure's attributes on the request's server span. `error.type` and the Error status
 * for a 5xx only: on a server span a 4xx is not an error (HTTP semantic conventions), and error
 * rates are counted from `error.type`, so setting it on a 401 would count a client's missing token
 * as a server error. `truestatus.failure_class` is set on every failure: it is what tells an auth
 * failure (4xx) from a dependency failure (5xx).
 */
export function annotateServerSpan(a: FailureAttributes): void {
  const span = activeServerSpan();
  if (span === undefined) return;
  try {
    span.setAttribute("http.response.status_code", a.status);
    span.setAttribute("truestatus.failure_class", a.failureClass);
    if (a.status >= 500) {
      span.setAttribute("error.type", a.errorType);
      span.setStatus({ code: STATUS_ERROR });
    }
  } catch {
    // Telemetry must never change an answer.
  }
}

/** A client span around one upstream call, and the context that makes it the parent of others. */
export interface ClientSpan {
  readonly span: SpanLike;
  /** Runs fn with this span active (so that instrumentations below it are its children). */
  run<R>(fn: () => R): R;
  /** The propagation header fields (traceparent, ...) of this span, when a propagator is set. */
  headers(): Record<string, string>;
}

export interface ClientRequestFacts {
  readonly method: string;
  readonly url: URL | undefined;
}

/** Starts a CLIENT span for an upstream call when an SDK is registered; undefined otherwise. */
export function startClientSpan(request: ClientRequestFacts): ClientSpan | undefined {
  const r = registry();
  const provider = r?.trace;
  const manager = r?.context;
  if (provider === undefined || manager === undefined) return undefined;
  try {
    const method = request.method.toUpperCase();
    const attributes: Record<string, string | number> = { "http.request.method": method };
    const url = request.url;
    if (url !== undefined) {
      attributes["server.address"] = url.hostname;
      const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
      attributes["server.port"] = port;
      // Without credentials, query or fragment: they may hold secrets.
      attributes["url.full"] = `${url.protocol}//${url.host}${url.pathname}`;
    }
    const parent = manager.active();
    const span = provider
      .getTracer("truestatus")
      .startSpan(method, { kind: SPAN_KIND_CLIENT, attributes }, parent);
    const ctx = parent.setValue(SPAN_KEY, span);
    return {
      span,
      run: (fn) => manager.with(ctx, fn),
      headers: () => {
        const carrier: Record<string, string> = {};
        r?.propagation?.inject(ctx, carrier, {
          set: (c, k, v) => {
            c[k] = v;
          },
        });
        return carrier;
      },
    };
  } catch {
    return undefined;
  }
}

/** Ends a client span with the response status (Error for ≥ 400) and, for a failure, its type. */
export function endClientSpan(
  s: ClientSpan | undefined,
  status: number | undefined,
  failure?: { readonly errorType: string; readonly failureClass: string },
): void {
  if (s === undefined) return;
  try {
    if (status !== undefined) s.span.setAttribute("http.response.status_code", status);
    if (failure !== undefined) {
      s.span.setAttribute("error.type", failure.errorType);
      s.span.setAttribute("truestatus.failure_class", failure.failureClass);
    } else if (status !== undefined && status >= 400) {
      s.span.setAttribute("error.type", String(status));
    }
    if (failure !== undefined || (status !== undefined && status >= 400))
      s.span.setStatus({ code: STATUS_ERROR });
    s.span.end();
  } catch {
    // Telemetry must never change an answer.
  }
}
