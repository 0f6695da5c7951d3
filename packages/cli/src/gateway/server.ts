/**
 * The gateway server: node:http in front, the stages of each request in order (health and
 * metrics → route → request limits → rate limit → load shedding → target → proxy), and a
 * graceful close that stops accepting, lets in-flight requests finish (up to drainTimeout), then
 * closes the upstream pools, the Redis client and the access log.
 *
 *   const gw = await createGateway(loadConfig("gateway.yaml"));
 *   const { port } = await gw.listen();
 *   ...
 *   await gw.close(); // drains
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  DEFAULT_POLICY,
  definePolicy,
  malformed,
  notFound,
  type Policy,
  payloadTooLarge,
  unavailable,
} from "truestatus";
import {
  clientKey,
  createRateLimiter,
  MemoryStore,
  type RateLimitDecision,
  type RateLimiter,
  type RedisScriptClient,
  RedisStore,
} from "truestatus/ratelimit";
import { AccessLog } from "./access-log.js";
import { AdminServer, serveAdmin } from "./admin.js";
import { type ReadBody, readBody, watchUpload } from "./body.js";
import type { GatewayConfig, RouteConfig } from "./config.js";
import { classOfStatus } from "./failure-class.js";
import {
  appendForwarding,
  clientAddress,
  collectForwarding,
  FORWARDING_FIELDS,
  type IncomingForwarding,
  isTrusted,
} from "./forwarded.js";
import { stripHopByHop } from "./hop-by-hop.js";
import { GatewayMetrics } from "./metrics.js";
import { isRefused, normalizeTarget } from "./path.js";
import {
  clientErrorStatus,
  isValidHost,
  rawAnswer,
  requestFacts,
  requestLineOf,
} from "./protocol.js";
import {
  ClientAbort,
  dispatchTo,
  Exchange,
  type ProxyContext,
  type UpstreamRequest,
} from "./proxy.js";
import { RetryBudget } from "./retry.js";
import { Upstream } from "./upstreams.js";

export interface GatewayOptions {
  /** The truestatus policy of the answers the gateway makes. Default: DEFAULT_POLICY with the config's proxyName. */
  readonly policy?: Policy;
  /** Serve /metrics and count (default true). */
  readonly metrics?: boolean;
  /**
   * A Redis client for routes with `store: redis` (ioredis or anything with evalsha/eval).
   * Default: an ioredis client made from `redis.url` (ioredis is an optional peer dependency).
   */
  readonly redisClient?: RedisScriptClient;
}

const DROP_FROM_REQUEST: ReadonlySet<string> = new Set(["host", "expect", ...FORWARDING_FIELDS]);

/** Request header fields past this many: 431 (Node would silently drop them). */
export const MAX_HEADER_FIELDS = 2_000;

const noop = (): void => {};

interface RouteState {
  readonly config: RouteConfig;
  readonly upstream: Upstream;
  readonly limiter: RateLimiter | undefined;
  /** The prefix to remove from the path (stripPrefix), else "". */
  readonly strip: string;
}

interface Disconnectable {
  disconnect(): void;
}

/**
 * Host, Content-Length and whether a Transfer-Encoding is present, read from the raw field list
 * (first value of each): on the common path the gateway never reads `req.headers`, which Node
 * builds on first access.
 */
export function framing(raw: readonly string[]): {
  host: string | undefined;
  length: string | undefined;
  chunked: boolean;
} {
  let host: string | undefined;
  let length: string | undefined;
  let chunked = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4) {
      if (host === undefined && name.toLowerCase() === "host") host = raw[i + 1];
    } else if (name.length === 14) {
      if (length === undefined && name.toLowerCase() === "content-length") length = raw[i + 1];
    } else if (name.length === 17 && name.toLowerCase() === "transfer-encoding") chunked = true;
  }
  return { host, length, chunked };
}

export class Gateway {
  readonly metrics: GatewayMetrics | undefined;
  private readonly server: Server;
  private readonly admin: AdminServer | undefined;
  /** The exchange whose request is being read on each client connection (for parser errors). */
  private readonly reading = new WeakMap<Socket, Exchange>();
  /** When each connection began waiting for its next request (the duration of a refused one). */
  private readonly idleSince = new WeakMap<Socket, number>();
  /**
   * The exchanges of each connection not yet ended. A response queued behind another
   * (pipelining) never emits 'close' when the client leaves: the connection's close ends it.
   */
  private readonly live = new WeakMap<Socket, Set<() => void>>();
  private readonly routes: readonly RouteState[];
  private readonly upstreams: readonly Upstream[];
  private readonly ctx: ProxyContext;
  private readonly log: AccessLog | undefined;
  private readonly anyTrusted: boolean;
  private draining = false;
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    readonly config: GatewayConfig,
    options: GatewayOptions,
    private readonly redis:
      | { client: RedisScriptClient; owned: Disconnectable | undefined }
      | undefined,
  ) {
    const policy =
      options.policy ?? definePolicy({ ...DEFAULT_POLICY, proxyName: config.proxyName });
    this.metrics = options.metrics === false ? undefined : new GatewayMetrics();
    const metrics = this.metrics;
    this.log =
      config.accessLog === false
        ? undefined
        : new AccessLog(config.accessLog, config.accessLogBuffer, () =>
            metrics?.accessLogDropped(),
          );
    const limits = { maxHeaderSize: 65_536 };
    const byName = new Map<string, Upstream>();
    for (const [name, u] of config.upstreams) byName.set(name, new Upstream(u, limits));
    this.upstreams = [...byName.values()];
    this.routes = config.routes.map((r, i) => ({
      config: r,
      upstream: byName.get(r.upstream)!,
      limiter: this.limiterFor(r, i),
      strip: r.stripPrefix ? r.path.replace(/\/$/, "") : "",
    }));
    this.anyTrusted = config.trustedProxies.rules.length > 0;
    this.ctx = {
      policy,
      metrics: this.metrics,
      log: this.log,
      budget: new RetryBudget(config.retries.budget, config.retries.minPerSecond),
      via: `1.1 ${config.proxyName}`,
      responseBodyLimit: config.limits.responseBody,
      requestBodyLimit: config.limits.requestBody,
      shedRetryAfter: config.shedRetryAfter,
      closing: new WeakSet(),
      draining: () => this.draining,
    };
    this.server = createServer(
      {
        maxHeaderSize: config.limits.requestHeaders,
        keepAliveTimeout: 5_000,
        // The gateway answers (and logs) these itself: Node's own answers are never logged.
        requireHostHeader: false,
      },
      (req, res) => this.handle(req, res, false),
    );
    // Counted here, so that past MAX_HEADER_FIELDS is a 431, not fields silently dropped.
    this.server.maxHeadersCount = 0;
    this.server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) =>
      this.handle(req, res, true),
    );
    this.server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) =>
      this.refused(req, res, 417),
    );
    this.server.on("clientError", this.onClientError);
    this.server.on("connect", this.onConnect);
    this.server.on("connection", (socket: Socket) => {
      this.idleSince.set(socket, performance.now());
      this.metrics?.connectionOpened();
      socket.once("close", () => {
        this.metrics?.connectionClosed();
        const ends = this.live.get(socket);
        if (ends !== undefined) for (const end of [...ends]) end();
      });
    });
    this.admin =
      config.metricsListen === "main"
        ? undefined
        : new AdminServer(
            { metrics: config.metricsPath, health: config.healthPath },
            this.metrics,
            () => this.draining,
          );
  }

  private limiterFor(r: RouteConfig, i: number): RateLimiter | undefined {
    const rl = r.rateLimit;
    if (rl === undefined) return undefined;
    const store =
      rl.store === "redis"
        ? new RedisStore({
            client: this.redis!.client,
            prefix: `${this.config.redis!.prefix}${i}:`,
            timeout: this.config.redis!.timeout,
          })
        : new MemoryStore();
    return createRateLimiter({
      limit: rl.limit,
      window: rl.window,
      ...(rl.burst === undefined ? {} : { burst: rl.burst }),
      store,
      onStoreError: this.config.redis?.onError ?? "open",
    });
  }

  /**
   * Starts listening (port 0: a free one), and the metrics and health listener when it has its
   * own (metrics.listen), at its configured address.
   */
  async listen(
    port = this.config.listen.port,
    host = this.config.listen.host,
  ): Promise<AddressInfo> {
    const a = this.config.metricsListen;
    if (this.admin !== undefined && a !== "main") await this.admin.listen(a.port, a.host);
    try {
      return await new Promise((resolve, reject) => {
        this.server.once("error", reject);
        this.server.listen(port, host, () => {
          this.server.off("error", reject);
          resolve(this.server.address() as AddressInfo);
        });
      });
    } catch (e) {
      await this.admin?.close();
      throw e;
    }
  }

  /** Where /metrics and /healthz are served (undefined: on the main listener, or not listening). */
  get adminAddress(): AddressInfo | undefined {
    return this.admin?.address;
  }

  private match(key: string): RouteState | undefined {
    for (const r of this.routes) {
      const p = r.config.path;
      if (!key.startsWith(p)) continue;
      const next = key.charCodeAt(p.length);
      // "/users" matches "/users", "/users/1", not "/usersx" (the key has no query).
      if (p.endsWith("/") || Number.isNaN(next) || next === 0x2f) return r;
    }
    return undefined;
  }

  /**
   * One request: checks what a proxy must refuse (header count, Host, transfer codings, the
   * path), routes on the normalised path, then limits, body, upstream. Every answer, refusals
   * included, ends in the access log and the metrics (through the exchange's close).
   */
  private handle(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    if (
      this.config.metricsListen === "main" &&
      serveAdmin(
        req,
        res,
        { metrics: this.config.metricsPath, health: this.config.healthPath },
        this.metrics,
        this.draining,
      )
    )
      return;
    // A client that leaves mid-body makes the request emit 'error': the exchange's close logs it.
    req.on("error", noop);
    if (this.ctx.closing?.has(req.socket) === true) {
      // Pipelined behind a request refused with Connection: close: never served (as nginx);
      // Node closes the connection once that refusal is written.
      return;
    }
    const peer = req.socket.remoteAddress ?? "";
    const incoming: IncomingForwarding = {};
    // The upstream request's field list, with a slot for Host (set per target in dispatchTo).
    const headers = stripHopByHop(
      req.rawHeaders,
      DROP_FROM_REQUEST,
      (name, value) => {
        if (name !== "host" && name !== "expect") collectForwarding(incoming, name, value);
      },
      ["host", ""],
    );
    const client = clientAddress(peer, incoming.xff, this.config.trustedProxies, this.anyTrusted);
    const x = new Exchange(this.ctx, req, res, undefined, client);
    const facts = framing(req.rawHeaders);
    x.host = facts.host;
    this.inFlight++;
    this.reading.set(req.socket, x);
    const socket = req.socket;
    let active: { value: number } | undefined;
    let ends = this.live.get(socket);
    if (ends === undefined) {
      ends = new Set();
      this.live.set(socket, ends);
    }
    const end = (): void => {
      if (!ends.delete(end)) return;
      x.done();
      this.idleSince.set(socket, performance.now());
      if (this.reading.get(socket) === x) this.reading.delete(socket);
      if (active !== undefined) active.value--;
      if (--this.inFlight === 0 && this.idle !== undefined) this.idle();
    };
    ends.add(end);
    res.once("close", end);
    const url = req.url ?? "/";
    const checks = requestFacts(req.rawHeaders);
    if (req.rawHeaders.length > 2 * MAX_HEADER_FIELDS) {
      x.refuse(431, `The request has more than ${MAX_HEADER_FIELDS} header fields.`);
      return;
    }
    if (checks.unknownCoding) {
      x.refuse(501, "The request uses a transfer coding other than chunked.");
      return;
    }
    if (facts.chunked && req.httpVersion === "1.0") {
      // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing (nginx: 400 too).
      this.badRequest(x, "Transfer-Encoding is not HTTP/1.0.");
      return;
    }
    const target = normalizeTarget(url, this.config.paths);
    if (isRefused(target)) {
      this.badRequest(x, target.refused);
      return;
    }
    if (target.authority !== undefined) x.host = target.authority;
    if (checks.hosts > 1) {
      this.badRequest(x, "The request has more than one Host field.");
      return;
    }
    // HTTP/1.1 needs a Host with a name in it (an empty one too is refused, as nginx does).
    if (x.host === undefined || x.host === "" ? req.httpVersion !== "1.0" : !isValidHost(x.host)) {
      this.badRequest(x, "The request's Host is missing or invalid.");
      return;
    }
    const state = this.match(target.key);
    if (state !== undefined) x.route = state.config;
    active = this.metrics?.activeFor(x.routeName);
    if (active !== undefined) active.value++;
    if (state === undefined) {
      x.fail(notFound({ detail: "No route of this gateway matches the request's path." }));
      return;
    }
    const cl = facts.length;
    const hasBody = (cl !== undefined && cl !== "0") || facts.chunked;
    if (cl !== undefined && Number(cl) > this.config.limits.requestBody) {
      // Without reading the body (and without a 100 Continue): the connection closes after.
      x.closeConnection = true;
      x.fail(payloadTooLarge({ limit: this.config.limits.requestBody }));
      return;
    }
    const rest = this.upstreamPath(state, target.path);
    if (rest === undefined) {
      this.badRequest(x, "The path is under the route's prefix only through an encoded slash.");
      return;
    }
    const path = rest + target.search;
    const go = (): void =>
      this.receive(x, state, headers, incoming, peer, hasBody, cl, path, expectContinue);
    const limiter = state.limiter;
    if (limiter === undefined) {
      go();
      return;
    }
    const key = this.rateKey(state.config, req, client);
    if (limiter.store.synchronous === true) {
      this.admit(x, state, limiter.checkSync(key), go);
      return;
    }
    limiter.check(key).then(
      (d) => this.admit(x, state, d, go),
      () => x.fail({ kind: "internal" }),
    );
  }

  /**
   * The path the upstream gets: the route's prefix taken off (stripPrefix), the normalised rest;
   * undefined when the path is under the prefix only as an upstream decoding it would read it
   * ("/public%2Fa" for "/public"): there is no rest to send that every upstream reads the same.
   */
  private upstreamPath(state: RouteState, path: string): string | undefined {
    const strip = state.strip;
    if (strip === "") return path;
    if (path.startsWith(strip)) {
      const next = path.charCodeAt(strip.length);
      if (Number.isNaN(next) || next === 0x2f) return path.slice(strip.length) || "/";
    }
    // Whole segments, path parameters aside ("/public;x/a" → "/a").
    const want = strip.split("/");
    const segments = path.split("/");
    for (let i = 1; i < want.length; i++)
      if (segments[i]?.split(";", 1)[0] !== want[i]) return undefined;
    return `/${segments.slice(want.length).join("/")}`;
  }

  private badRequest(x: Exchange, detail: string): void {
    x.closeConnection = true;
    x.fail(malformed({ detail }));
  }

  /** Answers a request Node handed over without the request handler (417). */
  private refused(req: IncomingMessage, res: ServerResponse, status: number): void {
    req.on("error", noop);
    const x = new Exchange(this.ctx, req, res, undefined, req.socket.remoteAddress ?? "");
    x.host = framing(req.rawHeaders).host;
    this.inFlight++;
    res.once("close", () => {
      x.done();
      if (--this.inFlight === 0 && this.idle !== undefined) this.idle();
    });
    x.refuse(status);
  }

  /**
   * Node's parser refused the bytes on a connection (or a request timer ran out). A request in
   * flight on it ends with that status; otherwise the answer is written on the socket, and a log
   * line made from what the bytes show.
   */
  private readonly onClientError = (
    err: NodeJS.ErrnoException & { rawPacket?: Buffer },
    socket: Socket,
  ): void => {
    const status = clientErrorStatus(err.code, err.message);
    const x = this.reading.get(socket);
    if (x !== undefined && !x.finished && !x.req.complete) {
      if (status === undefined) {
        socket.destroy();
        return;
      }
      if (x.res.headersSent) {
        // Answered already (a refusal), or the upstream's response is under way: it stands,
        // and the connection, whose request bytes are garbage, is cut.
        if (!x.res.writableFinished) {
          x.cut = true;
          x.errorType = "http_request_error";
        }
        socket.destroy();
        return;
      }
      x.protocolStatus = status;
      x.refuse(status);
      return;
    }
    if (status === undefined || (x !== undefined && !x.finished)) {
      // The client left, or a response is still being written on this connection.
      socket.destroy();
      return;
    }
    const { method, target } = requestLineOf(err.rawPacket);
    const size = rawAnswer(socket, status, this.ctx.via, method);
    this.logBare(method, target, socket, status, size);
  };

  /** CONNECT: not a tunnel this gateway makes. 501 with a body, logged (Node would just close). */
  private readonly onConnect = (req: IncomingMessage, socket: Socket): void => {
    socket.on("error", noop);
    const size = rawAnswer(socket, 501, this.ctx.via, "CONNECT");
    this.logBare("CONNECT", req.url ?? "-", socket, 501, size, req);
  };

  /** The log line and metrics of an answer made without a request handler. */
  private logBare(
    method: string,
    url: string,
    socket: Socket,
    status: number,
    size: number,
    req?: IncomingMessage,
  ): void {
    const failureClass = classOfStatus(status);
    const since = this.idleSince.get(socket);
    const durationMs = since === undefined ? 0 : performance.now() - since;
    const client = socket.remoteAddress ?? "";
    this.metrics?.request({
      method,
      route: "",
      status,
      errorType: "",
      failureClass,
      seconds: durationMs / 1000,
    });
    this.log?.write({
      time: Date.now(),
      method,
      url,
      host: req === undefined ? undefined : framing(req.rawHeaders).host,
      client: client.startsWith("::ffff:") && client.includes(".") ? client.slice(7) : client,
      status,
      durationMs,
      size,
      route: "",
      upstream: undefined,
      upstreamAddr: undefined,
      upstreamStatus: undefined,
      upstreamTimeMs: undefined,
      failureClass,
      errorType: "",
      proxyStatus: undefined,
      attempts: 0,
      responseHeaders: { "content-type": "application/problem+json" },
    });
  }

  private rateKey(r: RouteConfig, req: IncomingMessage, client: string): string {
    const k = r.rateLimit!.key;
    if (k !== "ip") {
      const v = req.headers[k.slice(7).toLowerCase()];
      const value = Array.isArray(v) ? v[0] : v;
      // An API key is a secret: only its digest becomes a store key (Redis key names are visible).
      if (value !== undefined && value !== "")
        return `h:${createHash("sha256").update(value).digest("base64url").slice(0, 22)}`;
    }
    return `ip:${clientKey(client)}`;
  }

  private admit(x: Exchange, state: RouteState, d: RateLimitDecision, go: () => void): void {
    if (x.finished) return;
    this.metrics?.rateLimitDecision(
      state.config.name,
      d.degraded ? "store_error" : d.allowed ? "allowed" : "denied",
    );
    if (!d.allowed) {
      x.fail(d.failure!);
      return;
    }
    x.extraHeaders = d.headers;
    go();
  }

  /**
   * Receives the body (whole when it fits the upload buffer, so that a slow sender holds no
   * upstream connection), under the upload pace watch, then forwards.
   */
  private receive(
    x: Exchange,
    state: RouteState,
    headers: string[],
    incoming: IncomingForwarding,
    peer: string,
    hasBody: boolean,
    cl: string | undefined,
    path: string,
    expectContinue: boolean,
  ): void {
    if (!hasBody) {
      this.forward(x, state, headers, incoming, peer, path, undefined);
      return;
    }
    const upload = this.config.upload;
    x.stopUploadWatch = watchUpload(x.req, upload, () => {
      x.uploadTooSlow = true;
      x.detachBody?.();
      x.refuse(408, "The request content did not arrive fast enough.");
      x.abortUpstream?.(new ClientAbort());
      x.abortUpstream = undefined;
    });
    if (expectContinue) x.res.writeContinue();
    const length = cl === undefined ? undefined : Number(cl);
    const max = this.config.limits.requestBody;
    readBody(x.req, length, upload.buffer, max, (body: ReadBody) => {
      if (x.finished || x.res.headersSent) return;
      if ("tooLarge" in body) {
        x.closeConnection = true;
        x.fail(payloadTooLarge({ limit: max }));
      } else if ("whole" in body) {
        if (length === undefined) headers.push("content-length", String(body.whole.length));
        this.forward(x, state, headers, incoming, peer, path, body.whole);
      } else
        this.forward(x, state, headers, incoming, peer, path, {
          prefix: body.prefix,
          counted: length === undefined,
        });
    });
  }

  private forward(
    x: Exchange,
    state: RouteState,
    headers: string[],
    incoming: IncomingForwarding,
    peer: string,
    path: string,
    body: UpstreamRequest["body"],
  ): void {
    const upstream = state.upstream;
    if (upstream.full()) {
      this.metrics?.shedRequest(upstream.name, "concurrency");
      x.fail(
        unavailable({
          reason: "overload",
          error: "connection_limit_reached",
          retryAfter: this.config.shedRetryAfter,
        }),
      );
      return;
    }
    x.upstream = upstream;
    upstream.inFlight++;
    const now = Date.now();
    const target = upstream.pick(now);
    if (target === undefined) {
      this.metrics?.shedRequest(upstream.name, "no_healthy_target");
      x.fail(
        unavailable({
          reason: "dependency",
          error: "destination_unavailable",
          retryAfter: upstream.secondsUntilHealthy(now),
        }),
      );
      return;
    }
    const encrypted = (x.req.socket as { encrypted?: boolean }).encrypted === true;
    appendForwarding(
      headers,
      incoming,
      peer,
      this.anyTrusted && isTrusted(this.config.trustedProxies, peer),
      encrypted ? "https" : "http",
      x.host,
      this.ctx.via,
    );
    const full = target.basePath + path;
    const r: UpstreamRequest = {
      path: full.charCodeAt(0) === 0x2f ? full : `/${full}`,
      headers,
      hasBody: body !== undefined,
      body,
    };
    x.startTotalTimer(state.config.timeouts.total);
    dispatchTo(x, target, r, state.config.retries);
  }

  /** Requests in flight now. */
  get activeRequests(): number {
    return this.inFlight;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Graceful shutdown: stop accepting, answer in-flight requests (idle keep-alive connections
   * are closed at once, busy ones after their response), wait up to drainTimeout, then close
   * everything that is left.
   */
  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  /** Resolves when no request is in flight, or after `ms`. */
  private async whenIdle(ms: number): Promise<void> {
    if (this.inFlight === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        this.idle = resolve;
      }),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
    clearTimeout(timer);
    this.idle = undefined;
  }

  /**
   * Within drainTimeout, whatever the clients, upstreams and log reader do: in-flight requests
   * get most of it, the cut exchanges' log lines and the log's output the rest (at least 100 ms).
   */
  private async drain(): Promise<void> {
    this.draining = true;
    const end = performance.now() + this.config.drainTimeout;
    const left = (reserve = 0) => Math.max(0, end - performance.now() - reserve);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await this.whenIdle(left(Math.min(500, this.config.drainTimeout / 4)));
    this.server.closeAllConnections();
    await closed;
    // The exchanges cut above end (and are logged) as their sockets close.
    await this.whenIdle(Math.min(1_000, left(100)));
    await Promise.all(this.upstreams.map((u) => u.destroy()));
    this.redis?.owned?.disconnect();
    await this.admin?.close();
    await this.log?.close(Math.max(50, left(50)));
  }
}

/** Makes a gateway (connecting to Redis first when a route needs it). */
export async function createGateway(
  config: GatewayConfig,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const needsRedis = config.routes.some((r) => r.rateLimit?.store === "redis");
  let redis: { client: RedisScriptClient; owned: Disconnectable | undefined } | undefined;
  if (needsRedis) {
    if (options.redisClient !== undefined)
      redis = { client: options.redisClient, owned: undefined };
    else {
      const { Redis } = await import("ioredis");
      const client = new Redis(config.redis!.url, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
      });
      client.on("error", () => {});
      // Not reachable yet: the limiter fails open/closed until it is (ioredis reconnects).
      await client.connect().catch(() => {});
      redis = { client, owned: client };
    }
  }
  return new Gateway(config, options, redis);
}
