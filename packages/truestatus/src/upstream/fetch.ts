/**
 * upstreamFetch: fetch (undici's) with connect, headers, body and total timeouts, that throws
 * classified failures. A handler that lets it throw answers 502/503/504 with Proxy-Status through
 * the emit adapters (they answer any HttpFailure with decide()).
 *
 *   const users = createUpstreamFetch({ nextHop: "users-api", connectTimeout: 2_000, timeout: 5_000 });
 *   const res = await users("http://users.internal/users/42"); // throws HttpFailure 502/503/504
 *
 * The upstream's identity (host, address, error text) goes into the failure's Proxy-Status facts,
 * which decide() sends only when the policy exposes internals; never into the problem body.
 */
import type { ConnectionOptions } from "node:tls";
// undici is an optional peer: its types describe the API, its code is loaded on the first call.
import type {
  Agent,
  Dispatcher,
  Headers,
  Request,
  RequestInfo,
  RequestInit,
  Response,
  fetch as undiciFetch,
} from "undici";
import {
  type ClientSpan,
  endClientSpan,
  errorTypeOf,
  failureClassOf,
  startClientSpan,
} from "../otel/trace.js";
import { MissingPeerError } from "../semantics/errors.js";
import { type Failure, gatewayTimeout, HttpFailure, isHttpFailure } from "../semantics/failure.js";
import { classifyUpstream, type UpstreamFailure } from "./classify.js";
import type { UpstreamPhase } from "./table.js";

/** What this module uses of undici. */
interface Undici {
  readonly Agent: typeof Agent;
  readonly Headers: typeof Headers;
  readonly Request: typeof Request;
  readonly Response: typeof Response;
  readonly fetch: typeof undiciFetch;
}
let undici: Promise<Undici> | undefined;

function loadUndici(): Promise<Undici> {
  undici ??= import("undici")
    .then((m): Undici => m)
    .catch((err: unknown) => {
      undici = undefined;
      const code = (err as { code?: unknown }).code;
      if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND")
        throw new MissingPeerError(
          "undici",
          "truestatus/upstream (createUpstreamFetch, upstreamFetch)",
          {
            cause: err,
          },
        );
      throw err;
    });
  return undici as Promise<Undici>;
}

/** Timeouts, in milliseconds. */
export interface UpstreamTimeouts {
  /** Opening the connection, TLS handshake included. Default 5,000 (undici's own: 10,000). */
  readonly connectTimeout?: number;
  /** From the request sent to the response's header section. Default 30,000 (undici's: 300,000). */
  readonly headersTimeout?: number;
  /** How long the response content may stall between two chunks. Default 30,000 (undici's: 300,000). */
  readonly bodyTimeout?: number;
  /** The whole exchange, content included. Default: none. */
  readonly timeout?: number;
}

export interface UpstreamFetchOptions extends UpstreamTimeouts {
  /**
   * The upstream's name for Proxy-Status `next-hop` (sent only when the policy exposes internals).
   * Default: the URL's host.
   */
  readonly nextHop?: string;
  /**
   * Which responses throw instead of being returned. Default: those classifyUpstream classifies
   * (5xx, 429, and statuses that are not HTTP statuses). `false`: return every response.
   */
  readonly throwOnStatus?: boolean | ((status: number) => boolean);
  /** TLS options of the connections (ca, servername, minVersion, ...). */
  readonly tls?: Omit<ConnectionOptions, "host" | "port" | "path" | "socket" | "timeout">;
  /** Largest header section accepted, in bytes (http_response_header_section_size beyond). */
  readonly maxHeaderSize?: number;
  /** Largest response content accepted, in bytes (http_response_body_size beyond). Default: none. */
  readonly maxResponseSize?: number;
  /** Keep-alive connections per origin. Default: unlimited (undici's default). */
  readonly connections?: number;
}

/** Per-call options: fetch's init plus the options that do not need a connection pool of their own. */
export type UpstreamRequestInit = RequestInit &
  Pick<
    UpstreamFetchOptions,
    "headersTimeout" | "bodyTimeout" | "timeout" | "nextHop" | "throwOnStatus"
  >;

export interface UpstreamFetch {
  /** `input`: a URL string, a URL, or a Request (the global one or undici's). */
  (input: RequestInfo, init?: UpstreamRequestInit): Promise<Response>;
  /** Closes the keep-alive connections (waits for requests in flight). */
  close(): Promise<void>;
}

const DEFAULTS = {
  connectTimeout: 5_000,
  headersTimeout: 30_000,
  bodyTimeout: 30_000,
} as const;

function checkMs(value: number | undefined, name: string): void {
  if (value !== undefined && (!Number.isFinite(value) || value <= 0))
    throw new RangeError(`upstream option "${name}": must be a positive number of milliseconds`);
}

/** undici applies headersTimeout and bodyTimeout per request when the dispatch options carry them. */
function withTimeouts(dispatcher: Dispatcher, headersTimeout: number, bodyTimeout: number) {
  return dispatcher.compose(
    (dispatch) => (opts, handler) => dispatch({ ...opts, headersTimeout, bodyTimeout }, handler),
  );
}

/** The global Request (Node's own undici) is another class than the undici package's: convert it. */
interface RequestLike {
  readonly url: string;
  readonly method: string;
  readonly headers: Iterable<[string, string]>;
  readonly body: ReadableStream<Uint8Array> | null;
  readonly redirect: NonNullable<RequestInit["redirect"]>;
  readonly signal: AbortSignal;
}

function asUndiciInput(u: Undici, input: RequestInfo | RequestLike): RequestInfo {
  if (typeof input === "string" || input instanceof URL || input instanceof u.Request) return input;
  const r = input as RequestLike;
  return new u.Request(r.url, {
    method: r.method,
    headers: [...r.headers],
    body: r.body,
    redirect: r.redirect,
    signal: r.signal,
    ...(r.body === null ? {} : { duplex: "half" as const }),
  });
}

function urlOf(input: RequestInfo): URL | undefined {
  try {
    if (typeof input === "string") return new URL(input);
    if (input instanceof URL) return input;
    return new URL(input.url);
  } catch {
    return undefined;
  }
}

/** The propagation header fields of the client span (traceparent, ...), added to the request's. */
function withTraceHeaders(
  u: Undici,
  input: RequestInfo,
  init: UpstreamRequestInit,
  span: ClientSpan | undefined,
): UpstreamRequestInit {
  if (span === undefined) return init;
  const fields = Object.entries(span.headers());
  if (fields.length === 0) return init;
  if (init.headers === undefined && input instanceof u.Request) {
    for (const [k, v] of fields) input.headers.set(k, v);
    return init;
  }
  const headers = new u.Headers(init.headers);
  for (const [k, v] of fields) headers.set(k, v);
  return { ...init, headers };
}

function hostOf(input: RequestInfo): string | undefined {
  try {
    if (typeof input === "string") return new URL(input).host;
    if (input instanceof URL) return input.host;
    return new URL(input.url).host;
  } catch {
    return undefined;
  }
}

/** Makes a fetch with its own connection pool and defaults. Call `close()` when done with it. */
export function createUpstreamFetch(options: UpstreamFetchOptions = {}): UpstreamFetch {
  checkMs(options.connectTimeout, "connectTimeout");
  checkMs(options.headersTimeout, "headersTimeout");
  checkMs(options.bodyTimeout, "bodyTimeout");
  checkMs(options.timeout, "timeout");
  const headersTimeout = options.headersTimeout ?? DEFAULTS.headersTimeout;
  const bodyTimeout = options.bodyTimeout ?? DEFAULTS.bodyTimeout;
  let agent: Agent | undefined;
  const pool = (u: Undici): Agent => {
    agent ??= new u.Agent({
      connect: {
        ...(options.tls as Record<string, unknown>),
        timeout: options.connectTimeout ?? DEFAULTS.connectTimeout,
      },
      headersTimeout,
      bodyTimeout,
      ...(options.maxHeaderSize === undefined ? {} : { maxHeaderSize: options.maxHeaderSize }),
      ...(options.maxResponseSize === undefined
        ? {}
        : { maxResponseSize: options.maxResponseSize }),
      ...(options.connections === undefined ? {} : { connections: options.connections }),
    });
    return agent;
  };

  const call = async (given: RequestInfo, init: UpstreamRequestInit = {}): Promise<Response> => {
    const u = await loadUndici();
    const input = asUndiciInput(u, given);
    checkMs(init.headersTimeout, "headersTimeout");
    checkMs(init.bodyTimeout, "bodyTimeout");
    checkMs(init.timeout, "timeout");
    const nextHop = init.nextHop ?? options.nextHop ?? hostOf(input);
    let dispatcher: Dispatcher = init.dispatcher ?? pool(u);
    const h = init.headersTimeout ?? headersTimeout;
    const b = init.bodyTimeout ?? bodyTimeout;
    if (init.dispatcher !== undefined || h !== headersTimeout || b !== bodyTimeout)
      dispatcher = withTimeouts(dispatcher, h, b);
    const span = startClientSpan({
      method:
        init.method ?? (typeof input === "object" && "method" in input ? input.method : "GET"),
      url: urlOf(input),
    });
    const exchange = new Exchange(
      nextHop,
      init.timeout ?? options.timeout,
      init.signal ?? undefined,
      span,
    );
    let res: Response;
    try {
      const requestInit = { ...withTraceHeaders(u, input, init, span), dispatcher };
      const send = () => u.fetch(input, { ...requestInit, signal: exchange.signal ?? null });
      res = await (span === undefined ? send() : span.run(send));
    } catch (err) {
      const thrown = exchange.failure(err, undefined);
      exchange.done();
      throw thrown;
    }
    exchange.headersReceived = true;
    exchange.status = res.status;
    const throwOn = init.throwOnStatus ?? options.throwOnStatus ?? true;
    if (throwOn !== false) {
      const failure = classifyUpstream(res, nextHop === undefined ? {} : { nextHop });
      if (failure !== undefined && (throwOn === true || throwOn(res.status))) {
        exchange.failed(failure);
        exchange.done();
        await res.body?.cancel().catch(() => {});
        throw new HttpFailure(failure);
      }
    }
    return exchange.wrap(u, res);
  };

  return Object.assign(call, {
    close: async () => {
      const a = agent;
      agent = undefined;
      await a?.close();
    },
  });
}

/**
 * One exchange's deadline and abort wiring. The total timeout aborts the fetch with an
 * HttpFailure (504) as the reason, so fetch rejects with it, and so does a body read after it.
 */
class Exchange {
  readonly signal: AbortSignal | undefined;
  headersReceived = false;
  /** The upstream's status, once received (for the client span). */
  status: number | undefined;
  private spanFailure: { errorType: string; failureClass: string } | undefined;
  private ended = false;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly userSignal: AbortSignal | undefined;
  private readonly onUserAbort: (() => void) | undefined;

  constructor(
    readonly nextHop: string | undefined,
    timeout: number | undefined,
    userSignal: AbortSignal | undefined,
    private readonly span?: ClientSpan,
  ) {
    if (timeout === undefined) {
      this.signal = userSignal;
      return;
    }
    const controller = new AbortController();
    this.signal = controller.signal;
    this.timer = setTimeout(() => {
      const phase: UpstreamPhase = this.headersReceived ? "body" : "headers";
      const failure = gatewayTimeout({
        error: phase === "body" ? "connection_read_timeout" : "http_response_timeout",
        details: `total timeout of ${timeout} ms`,
        ...(this.nextHop === undefined ? {} : { nextHop: this.nextHop }),
      });
      controller.abort(new HttpFailure(failure));
    }, timeout);
    this.timer.unref?.();
    if (userSignal !== undefined) {
      this.userSignal = userSignal;
      if (userSignal.aborted) controller.abort(userSignal.reason);
      else {
        this.onUserAbort = () => controller.abort(userSignal.reason);
        userSignal.addEventListener("abort", this.onUserAbort, { once: true });
      }
    }
  }

  /** Records a failure for the client span. */
  failed(failure: Failure): void {
    // An upstream status without an RFC 9209 error type is that status (HTTP conventions).
    const rfc9209 = (failure as { error?: string }).error;
    const errorType =
      rfc9209 ?? (this.status === undefined ? errorTypeOf(failure) : String(this.status));
    this.spanFailure = { errorType, failureClass: failureClassOf(failure) };
  }

  /** The exchange is over: no timer, no listener left, the client span ended. */
  done(): void {
    if (!this.ended) {
      this.ended = true;
      endClientSpan(this.span, this.status, this.spanFailure);
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.onUserAbort !== undefined)
      this.userSignal?.removeEventListener("abort", this.onUserAbort);
  }

  /** What to throw for an error: the classified failure, or the error itself if it is not one. */
  failure(err: unknown, phase: UpstreamPhase | undefined): unknown {
    const ctx = {
      ...(this.nextHop === undefined ? {} : { nextHop: this.nextHop }),
      ...(phase === undefined ? {} : { phase }),
    };
    const failure: UpstreamFailure | undefined = isHttpFailure(err)
      ? (err.failure as UpstreamFailure)
      : classifyUpstream(err, ctx);
    if (failure === undefined) {
      this.spanFailure = { errorType: errorTypeName(err), failureClass: "server_bug" };
      return err;
    }
    this.failed(failure);
    // Our own deadline's HttpFailure is thrown as is; anything else keeps its error as the cause.
    return err instanceof HttpFailure ? err : new HttpFailure(failure, { cause: err });
  }

  /**
   * The response with its content wrapped, so that the deadline ends with the content and a
   * failure while reading it (reset, stall, deadline) is thrown as a classified HttpFailure.
   */
  wrap(u: Undici, res: Response): Response {
    const source = res.body;
    // The Response constructor takes 200-599 only; other statuses keep the original body.
    if (source === null || res.status < 200 || res.status > 599) {
      if (source === null) this.done();
      return res;
    }
    const reader = source.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          try {
            const r = await reader.read();
            if (r.done) {
              this.done();
              controller.close();
            } else controller.enqueue(r.value);
          } catch (err) {
            const thrown = this.failure(err, "body");
            this.done();
            controller.error(thrown);
          }
        },
        cancel: (reason) => {
          this.done();
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    const wrapped = new u.Response(body, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
    Object.defineProperty(wrapped, "url", { value: res.url });
    Object.defineProperty(wrapped, "redirected", { value: res.redirected });
    return wrapped;
  }
}

/** `error.type` of an error that is not an upstream failure (an abort of our own): its name. */
function errorTypeName(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === "string" && name !== "" ? name : "_OTHER";
}

let shared: UpstreamFetch | undefined;

/**
 * fetch with the default timeouts (connect 5 s, headers 30 s, body stall 30 s) on a shared
 * connection pool; per-call `headersTimeout`, `bodyTimeout`, `timeout`, `nextHop`,
 * `throwOnStatus`. Throws an HttpFailure (502/503/504) for upstream failures. Use
 * createUpstreamFetch() for other connect/TLS options or a pool of your own.
 */
export const upstreamFetch: UpstreamFetch = Object.assign(
  (input: RequestInfo, init?: UpstreamRequestInit) => {
    shared ??= createUpstreamFetch();
    return shared(input, init);
  },
  {
    close: async () => {
      const s = shared;
      shared = undefined;
      await s?.close();
    },
  },
);
