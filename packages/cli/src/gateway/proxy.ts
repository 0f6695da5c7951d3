/**
 * One proxied request: the upstream call through undici's dispatch (no whole-body buffering:
 * chunks go to the client as they come, with backpressure both ways), the timeouts, the retry of
 * safe failures, and the honest end of each way it can fail:
 *
 * - before the response started: the most specific gateway answer (decide(): 502/503/504 with
 *   Proxy-Status, problem+json without upstream addresses);
 * - after it started: the connection is cut, so the client sees an incomplete body, and the
 *   exchange is logged and counted as http_response_incomplete;
 * - the client went away: the upstream request is aborted at once, logged as 499 client_abort.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import { type Readable, Transform } from "node:stream";
import type { Policy } from "truestatus";
import {
  buildProxyStatus,
  decide,
  type Failure,
  gatewayTimeout,
  HttpFailure,
  PROBLEM_CONTENT_TYPE,
  type ProxyErrorType,
  payloadTooLarge,
  serializeProblem,
  unavailable,
} from "truestatus";
import { classifyUpstream } from "truestatus/upstream";
import type { Dispatcher } from "undici";
import type { AccessLog } from "./access-log.js";
import { LOGGED_RESPONSE_HEADERS } from "./access-log.js";
import type { RouteConfig } from "./config.js";
import { classOfStatus } from "./failure-class.js";
import { stripHopByHop } from "./hop-by-hop.js";
import type { GatewayMetrics } from "./metrics.js";
import { protocolProblem } from "./protocol.js";
import { isRetryable, type RetryBudget } from "./retry.js";
import type { PoolSlot, Target, Upstream } from "./upstreams.js";

/** What a proxied request needs from the gateway. */
export interface ProxyContext {
  readonly policy: Policy;
  readonly metrics: GatewayMetrics | undefined;
  readonly log: AccessLog | undefined;
  readonly budget: RetryBudget;
  readonly via: string;
  readonly responseBodyLimit: number | undefined;
  readonly requestBodyLimit: number;
  /** Retry-After (seconds) of a 503 for a full upstream. */
  readonly shedRetryAfter: number;
  /**
   * Client connections answered with Connection: close: requests pipelined behind the refused
   * one are not served (their answers could never be delivered).
   */
  readonly closing?: WeakSet<import("node:net").Socket>;
  /** True while draining: answers carry Connection: close. */
  readonly draining: () => boolean;
}

const DROP_FROM_RESPONSE: ReadonlySet<string> = new Set(["via"]);

/** One client request's state, from arrival to the log line. */
export class Exchange {
  readonly start = performance.now();
  readonly startEpoch = Date.now();
  status = 0;
  errorType = "";
  failureClass = "";
  proxyStatus: string | undefined;
  bytes = 0;
  attempts = 0;
  upstreamStatus: number | undefined;
  upstreamTimeMs: number | undefined;
  target: Target | undefined;
  upstream: Upstream | undefined;
  /** Header fields every answer carries (RateLimit fields of an admitted request). */
  extraHeaders: Readonly<Record<string, string>> | undefined;
  loggedHeaders: Record<string, string> | undefined;
  /** The upstream dispatch in flight: abort() ends it. */
  abortUpstream: ((reason: Error) => void) | undefined;
  /** The gateway cut the response itself (upstream failed mid-body). */
  cut = false;
  finished = false;
  /** An abort decided before the upstream request had a connection (the total timeout). */
  pendingAbort: Error | undefined;
  /** The request's Host field (first value), read from the raw list. */
  host: string | undefined;
  /** The streamed request body outgrew the limit (answered 413). */
  requestTooLarge = false;
  /** The request body fell behind the minimum upload rate (answered or cut with 408). */
  uploadTooSlow = false;
  /** Answers carry Connection: close (the rest of the connection's bytes cannot be trusted). */
  closeConnection = false;
  /**
   * The status of a request Node's parser refused mid-way (a bad chunk, a timeout): logged as
   * such even when the connection had to be cut, never as a 499.
   */
  protocolStatus: number | undefined;
  /** The upload pace watch, stopped when the exchange ends. */
  stopUploadWatch: (() => void) | undefined;
  /** Stops feeding the request body to the upstream (the request itself stays open). */
  detachBody: (() => void) | undefined;
  private totalTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly ctx: ProxyContext,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    public route: RouteConfig | undefined,
    readonly client: string,
  ) {}

  get routeName(): string {
    return this.route?.name ?? "";
  }

  /** Answers with a failure the gateway decided (nothing sent yet). */
  fail(failure: Failure): void {
    const d = decide(failure, this.ctx.policy, { method: this.req.method ?? "GET" });
    const upstreamError = (failure as { error?: ProxyErrorType }).error;
    this.send(
      d.status,
      d.headers,
      serializeProblem(d.problem),
      d.class,
      upstreamError ?? (d.status >= 500 ? failure.kind : ""),
    );
  }

  /**
   * Answers with a status the protocol decides (408, 417, 431, 501, ...: no failure kind of the
   * decision model), with an about:blank problem body and Connection: close.
   */
  refuse(status: number, detail?: string): void {
    this.closeConnection = true;
    if (this.res.headersSent) {
      // Too late to answer: the client sees its response cut (logged with what was sent).
      this.cut = true;
      this.errorType = status === 408 ? "client_body_timeout" : "http_request_error";
      this.res.destroy();
      return;
    }
    this.send(status, {}, protocolProblem(status, detail), classOfStatus(status), "");
  }

  private send(
    status: number,
    own: Readonly<Record<string, string>>,
    problem: string,
    failureClass: string,
    errorType: string,
  ): void {
    const headers: Record<string, string> = {
      ...this.extraHeaders,
      ...own,
      "content-type": PROBLEM_CONTENT_TYPE,
      via: this.ctx.via,
    };
    if (this.closeConnection || this.ctx.draining()) headers.connection = "close";
    const socket = this.req.socket as import("node:net").Socket | null;
    if (this.closeConnection && socket !== null) this.ctx.closing?.add(socket);
    const body = this.req.method === "HEAD" ? "" : problem;
    headers["content-length"] = String(Buffer.byteLength(body));
    this.status = status;
    this.failureClass = failureClass;
    this.errorType = errorType;
    this.proxyStatus = own["proxy-status"];
    const logged: Record<string, string> = {};
    for (const name in headers)
      if (LOGGED_RESPONSE_HEADERS.has(name)) logged[name] = headers[name]!;
    this.loggedHeaders = logged;
    if (this.res.headersSent) {
      this.cutResponse(this.errorType);
      return;
    }
    // The reason phrase is the status's own, whatever an earlier, refused writeHead left.
    this.res.writeHead(status, STATUS_CODES[status] ?? "Unknown", headers);
    this.bytes = body.length;
    this.res.end(body);
  }

  /** Ends a response whose header section is already sent: the client sees it incomplete. */
  cutResponse(errorType: string): void {
    this.cut = true;
    this.errorType = errorType;
    this.failureClass = "dependency";
    this.ctx.metrics?.upstreamFailure(this.upstream?.name ?? "", errorType, true);
    this.res.destroy();
  }

  startTotalTimer(ms: number | undefined): void {
    if (ms === undefined) return;
    this.totalTimer = setTimeout(() => {
      this.totalTimer = undefined;
      const headers = this.res.headersSent;
      const reason = new HttpFailure(
        gatewayTimeout({
          error: headers ? "connection_read_timeout" : "http_response_timeout",
          details: `total timeout of ${ms} ms`,
        }),
      );
      // Still connecting: the request is aborted as soon as it gets a connection.
      if (this.abortUpstream === undefined) this.pendingAbort = reason;
      else this.abortUpstream(reason);
    }, ms);
  }

  /** Called once, when the response is over (sent, cut, or the client left). */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.totalTimer !== undefined) clearTimeout(this.totalTimer);
    this.stopUploadWatch?.();
    const clientGone = !this.res.writableFinished && !this.cut;
    if (this.protocolStatus !== undefined) {
      // Refused by the parser: the connection was cut, but the client was answered (or would
      // have been) with this status; the upstream request, if any, is abandoned.
      this.abortUpstream?.(new ClientAbort());
      this.status = this.protocolStatus;
      this.failureClass = classOfStatus(this.protocolStatus);
      if (!this.res.writableFinished) this.errorType = "http_request_error";
    } else if (clientGone) {
      // The client went away first: stop the upstream work now.
      this.abortUpstream?.(new ClientAbort());
      this.status = 499;
      this.failureClass = "client_abort";
      this.errorType = "client_abort";
    }
    if (this.upstream !== undefined) this.upstream.inFlight--;
    const seconds = (performance.now() - this.start) / 1000;
    this.ctx.metrics?.request({
      method: this.req.method ?? "",
      route: this.routeName,
      status: this.status,
      errorType: this.errorType,
      failureClass: this.failureClass,
      seconds,
    });
    this.ctx.log?.write({
      time: this.startEpoch,
      method: this.req.method ?? "-",
      url: this.req.url ?? "/",
      host: this.host,
      client: this.client,
      status: this.status,
      durationMs: seconds * 1000,
      size: this.bytes,
      route: this.routeName,
      upstream: this.upstream?.name,
      upstreamAddr: this.target?.address,
      upstreamStatus: this.upstreamStatus,
      upstreamTimeMs: this.upstreamTimeMs,
      failureClass: this.failureClass,
      errorType: this.errorType,
      proxyStatus: this.proxyStatus,
      attempts: this.attempts,
      responseHeaders: this.loggedHeaders,
    });
  }
}

/** The reason an upstream request is aborted when its client left. */
export class ClientAbort extends Error {
  override readonly name = "ClientAbort";
  constructor() {
    super("the client closed the connection");
  }
}

/** The reason an upstream request is aborted when the request body outgrew the limit. */
class RequestTooLarge extends Error {
  override readonly name = "RequestTooLarge";
}

/** The upstream request for an exchange (headers and path), built once and reused by retries. */
export interface UpstreamRequest {
  readonly path: string;
  readonly headers: string[];
  readonly hasBody: boolean;
  /**
   * The body: read whole (a Buffer), or streamed from the request after `prefix` (the part read
   * while buffering). `counted`: no Content-Length (chunked), so it is counted as it passes and
   * stopped at the limit.
   */
  readonly body:
    | Buffer
    | { readonly prefix: readonly Buffer[]; readonly counted: boolean }
    | undefined;
}

/** The body stream of a streamed upstream request: the prefix, then the rest of the request. */
function streamedBody(x: Exchange, prefix: readonly Buffer[], counted: boolean): Readable {
  // Always through a stream of its own: an aborted upstream request destroys its body, and the
  // client's request must outlive that (a 408 or 413 is still to be written on its socket).
  const max = counted ? x.ctx.requestBodyLimit : Number.POSITIVE_INFINITY;
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen <= max) callback(null, chunk);
      else {
        x.requestTooLarge = true;
        x.req.unpipe(counter);
        x.req.resume();
        callback(new RequestTooLarge(`request body over ${max} bytes`));
      }
    },
  });
  for (const c of prefix) counter.write(c);
  x.detachBody = () => x.req.unpipe(counter);
  return x.req.pipe(counter);
}

/**
 * Sends the exchange to `target`; retries on another target (or the same one) when the failure
 * is retryable and the budget allows.
 */
export function dispatchTo(
  x: Exchange,
  target: Target,
  r: UpstreamRequest,
  retriesLeft: number,
): void {
  const upstream = x.upstream!;
  x.target = target;
  x.attempts++;
  if (x.attempts === 1) x.ctx.budget.deposit();
  const headers = r.headers;
  headers[1] = upstream.config.preserveHost ? (x.host ?? target.host) : target.host;
  let body: Readable | Buffer | null = null;
  if (r.body !== undefined)
    body = Buffer.isBuffer(r.body) ? r.body : streamedBody(x, r.body.prefix, r.body.counted);
  const t = x.route!.timeouts;
  const slot = target.slot(t.connect);
  // Every connection busy: this request waits in the pool's queue, for `queue` ms at most.
  const limit = upstream.config.connections;
  const queued = limit !== undefined && slot.active >= limit;
  slot.active++;
  const attempt = new Attempt(x, target, r, retriesLeft, slot);
  if (queued) attempt.waitAtMost(t.queue);
  slot.pool.dispatch(
    {
      origin: target.origin,
      path: r.path,
      method: (x.req.method ?? "GET") as Dispatcher.HttpMethod,
      headers,
      body,
      headersTimeout: t.headers,
      bodyTimeout: t.idle,
    },
    attempt,
  );
}

/**
 * One attempt's undici handler: its state in fields and its callbacks as methods, so that a
 * proxied request allocates one object here rather than a closure per callback.
 */
class Attempt implements Dispatcher.DispatchHandlers {
  private readonly sentAt = performance.now();
  private resume: (() => void) | undefined;
  private onDrain: (() => void) | undefined;
  private sentHeaders = false;
  /** The response's Content-Length, when it has one: its last chunk ends the response at once. */
  private expected = -1;
  private ended = false;
  private settled = false;
  private queueTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly x: Exchange,
    private readonly target: Target,
    private readonly r: UpstreamRequest,
    private readonly retriesLeft: number,
    private readonly slot: PoolSlot,
  ) {}

  /**
   * A bounded wait for a free connection: after `ms` without one, the client gets 503 +
   * Retry-After with Proxy-Status connection_limit_reached (the request leaves the pool's queue
   * as soon as the pool reaches it: onConnect aborts it).
   */
  waitAtMost(ms: number): void {
    this.queueTimer = setTimeout(() => {
      this.queueTimer = undefined;
      const x = this.x;
      if (x.finished || x.res.headersSent) return;
      x.ctx.metrics?.shedRequest(x.upstream!.name, "queue_timeout");
      x.fail(
        unavailable({
          reason: "overload",
          error: "connection_limit_reached",
          retryAfter: x.ctx.shedRetryAfter,
        }),
      );
    }, ms);
  }

  /** The attempt is over (completed or failed): it no longer holds a place in the pool. */
  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.slot.active--;
    if (this.queueTimer !== undefined) clearTimeout(this.queueTimer);
    this.queueTimer = undefined;
  }

  onConnect(abort: (err?: Error) => void): void {
    const x = this.x;
    if (this.queueTimer !== undefined) clearTimeout(this.queueTimer);
    this.queueTimer = undefined;
    if (x.finished) {
      abort(new ClientAbort());
      return;
    }
    if (x.pendingAbort !== undefined) {
      abort(x.pendingAbort);
      return;
    }
    x.abortUpstream = abort as (reason: Error) => void;
  }

  onError(err: Error): void {
    this.settle();
    const { x, target } = this;
    const upstream = x.upstream!;
    x.abortUpstream = undefined;
    if (this.onDrain !== undefined) x.res.off("drain", this.onDrain);
    if (err instanceof ClientAbort || x.finished) return;
    if (x.requestTooLarge) {
      x.fail(payloadTooLarge({ limit: x.ctx.requestBodyLimit }));
      return;
    }
    const sentHeaders = this.sentHeaders;
    if (
      !sentHeaders &&
      (err as { code?: unknown }).code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH"
    ) {
      // undici found the response's framing inconsistent (two lengths, a length beside
      // chunked) before handing it over: an invalid response, not an incomplete one.
      x.ctx.metrics?.upstreamFailure(upstream.name, "http_protocol_error", false);
      x.fail({ kind: "bad_gateway", error: "http_protocol_error" });
      return;
    }
    const failure = classifyUpstream(err, {
      nextHop: upstream.name,
      ...(sentHeaders ? { phase: "body" as const } : {}),
    });
    const error = (failure as { error?: ProxyErrorType } | undefined)?.error;
    const errorType = error ?? (failure === undefined ? "proxy_internal_error" : failure.kind);
    const now = Date.now();
    if (!sentHeaders) {
      x.ctx.metrics?.upstream(
        upstream.name,
        undefined,
        errorType,
        (performance.now() - this.sentAt) / 1000,
      );
      if (isConnectFailure(error)) upstream.connectFailed(target, now);
    }
    if (sentHeaders) {
      x.cutResponse(error === "connection_terminated" ? "http_response_incomplete" : errorType);
      return;
    }
    x.ctx.metrics?.upstreamFailure(upstream.name, errorType, false);
    if (this.retriesLeft > 0 && isRetryable(x.req.method ?? "", this.r.hasBody, error)) {
      if (x.ctx.budget.withdraw(now)) {
        const next = upstream.pick(now, target);
        if (next !== undefined) {
          x.ctx.metrics?.retry(upstream.name, "sent");
          dispatchTo(x, next, this.r, this.retriesLeft - 1);
          return;
        }
      } else x.ctx.metrics?.retry(upstream.name, "budget_exhausted");
    }
    // An error nothing classifies is ours (a bug): 500, never blamed on the upstream.
    x.fail(failure ?? { kind: "internal", cause: err });
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // RFC 9110 §15: a status outside 100–599 (000, 099, 20, 600) is no status: the upstream
    // answered with something invalid (undici passes them on, then trips on an assertion).
    if (!(statusCode >= 100 && statusCode <= 599)) return this.protocolError();
    if (statusCode < 200) return true;
    const x = this.x;
    const upstream = x.upstream!;
    const limit = x.ctx.responseBodyLimit;
    x.upstreamStatus = statusCode;
    x.upstreamTimeMs = performance.now() - this.sentAt;
    upstream.succeeded(this.target);
    x.ctx.metrics?.upstream(upstream.name, statusCode, "", x.upstreamTimeMs / 1000);
    const raw: string[] = new Array(rawHeaders.length);
    for (let i = 0; i < rawHeaders.length; i++) raw[i] = rawHeaders[i]!.toString("latin1");
    let incomingVia: string | undefined;
    let proxyStatus: string | undefined;
    let contentLength: number | undefined;
    let lengths = 0;
    let chunked = false;
    for (let i = 0; i < raw.length; i += 2)
      if (raw[i]!.length === 17 && raw[i]!.toLowerCase() === "transfer-encoding") chunked = true;
    const headersOut = stripHopByHop(raw, DROP_FROM_RESPONSE, (_name, value) => {
      incomingVia = incomingVia === undefined ? value : `${incomingVia}, ${value}`;
    });
    // One pass, compacting in place: the fields to log, the length, and the Proxy-Status
    // members taken out (they go back as one field, with this hop's member appended).
    let logged: Record<string, string> | undefined;
    let w = 0;
    for (let i = 0; i < headersOut.length; i += 2) {
      const name = headersOut[i]!;
      const value = headersOut[i + 1]!;
      const lower = name.toLowerCase();
      if (LOGGED_RESPONSE_HEADERS.has(lower)) {
        if (lower === "proxy-status") {
          proxyStatus = proxyStatus === undefined ? value : `${proxyStatus}, ${value}`;
          continue;
        }
        logged ??= {};
        logged[lower] = value;
      } else if (lower === "content-length") {
        // Two lengths that differ, or a length beside Transfer-Encoding: the framing is
        // ambiguous (RFC 9112 §6.3), an invalid response rather than an incomplete one.
        const n = Number(value);
        if (chunked || (lengths > 0 && n !== contentLength)) return this.protocolError();
        lengths++;
        contentLength = n;
      }
      headersOut[w++] = name;
      headersOut[w++] = value;
    }
    headersOut.length = w;
    if (limit !== undefined && contentLength !== undefined && contentLength > limit) {
      x.abortUpstream?.(new ClientAbort());
      x.abortUpstream = undefined;
      x.ctx.metrics?.upstreamFailure(upstream.name, "http_response_body_size", false);
      x.fail({ kind: "bad_gateway", error: "http_response_body_size" });
      return false;
    }
    // Upstream error responses pass through unchanged, with this hop's Proxy-Status appended.
    if (statusCode >= 500) {
      const ours = buildProxyStatus({
        proxy: x.ctx.policy.proxyName,
        receivedStatus: statusCode,
      });
      proxyStatus = proxyStatus === undefined ? ours : `${proxyStatus}, ${ours}`;
    }
    if (proxyStatus !== undefined) {
      headersOut.push("proxy-status", proxyStatus);
      logged ??= {};
      logged["proxy-status"] = proxyStatus;
      x.proxyStatus = proxyStatus;
    }
    headersOut.push("via", incomingVia === undefined ? x.ctx.via : `${incomingVia}, ${x.ctx.via}`);
    if (x.extraHeaders !== undefined)
      for (const name in x.extraHeaders) headersOut.push(name, x.extraHeaders[name]!);
    if (x.ctx.draining()) headersOut.push("connection", "close");
    x.status = statusCode;
    x.failureClass = classOfStatus(statusCode);
    if (statusCode >= 500) x.errorType = String(statusCode);
    x.loggedHeaders = logged;
    try {
      x.res.writeHead(statusCode, STATUS_CODES[statusCode] ?? "Unknown", headersOut);
    } catch {
      // A field Node refuses to send (e.g. a control character): the response is invalid.
      x.abortUpstream?.(new ClientAbort());
      x.abortUpstream = undefined;
      x.fail({ kind: "bad_gateway", error: "http_protocol_error" });
      return false;
    }
    this.sentHeaders = true;
    if (
      (statusCode === 204 || statusCode === 304) &&
      (chunked || (contentLength !== undefined && contentLength > 0))
    ) {
      // A 304's Content-Length is the selected representation's, not a body's (RFC 9110
      // §8.6), and a 204 has no body either; undici would wait for those bytes until the idle
      // timeout. The response is complete now; the connection, whose next bytes are uncertain,
      // is dropped.
      this.ended = true;
      x.res.end();
      x.abortUpstream?.(new ClientAbort());
      x.abortUpstream = undefined;
      return false;
    }
    if (contentLength !== undefined && x.req.method !== "HEAD") this.expected = contentLength;
    this.resume = resume;
    return true;
  }

  /** The upstream's response is invalid (status, framing): 502 http_protocol_error. */
  private protocolError(): false {
    const x = this.x;
    x.abortUpstream?.(new ClientAbort());
    x.abortUpstream = undefined;
    x.ctx.metrics?.upstreamFailure(x.upstream!.name, "http_protocol_error", false);
    x.fail({ kind: "bad_gateway", error: "http_protocol_error" });
    return false;
  }

  onData(chunk: Buffer): boolean {
    const x = this.x;
    const limit = x.ctx.responseBodyLimit;
    x.bytes += chunk.length;
    if (limit !== undefined && x.bytes > limit) {
      x.abortUpstream?.(new ClientAbort());
      x.abortUpstream = undefined;
      x.ctx.metrics?.upstreamFailure(x.upstream!.name, "http_response_body_size", true);
      x.cutResponse("http_response_body_size");
      return false;
    }
    if (x.bytes === this.expected) {
      // The last chunk: one write that also ends the response.
      this.ended = true;
      x.res.end(chunk);
      return true;
    }
    if (x.res.write(chunk)) return true;
    this.onDrain ??= () => this.resume?.();
    x.res.once("drain", this.onDrain);
    return false;
  }

  onComplete(): void {
    this.settle();
    this.x.abortUpstream = undefined;
    if (!this.ended) this.x.res.end();
  }
}

function isConnectFailure(error: ProxyErrorType | undefined): boolean {
  return (
    error === "connection_refused" ||
    error === "connection_timeout" ||
    error === "dns_error" ||
    error === "dns_timeout" ||
    error === "destination_ip_unroutable" ||
    error === "tls_certificate_error" ||
    error === "tls_protocol_error" ||
    error === "tls_alert_received"
  );
}
