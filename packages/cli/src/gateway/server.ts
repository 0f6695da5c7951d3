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
import type { GatewayConfig, RouteConfig } from "./config.js";
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
import { dispatchTo, Exchange, type ProxyContext, type UpstreamRequest } from "./proxy.js";
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
    this.log = config.accessLog === false ? undefined : new AccessLog(config.accessLog);
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
      draining: () => this.draining,
    };
    this.server = createServer(
      { maxHeaderSize: config.limits.requestHeaders, keepAliveTimeout: 5_000 },
      this.handle,
    );
    this.server.on("connection", (socket: Socket) => {
      this.metrics?.connectionOpened();
      socket.once("close", () => this.metrics?.connectionClosed());
    });
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

  /** Starts listening (port 0: a free one). */
  listen(port = this.config.listen.port, host = this.config.listen.host): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  private match(url: string): RouteState | undefined {
    for (const r of this.routes) {
      const p = r.config.path;
      if (!url.startsWith(p)) continue;
      const next = url.charCodeAt(p.length);
      // "/users" matches "/users", "/users/1", "/users?x", not "/usersx".
      if (p.endsWith("/") || Number.isNaN(next) || next === 0x2f || next === 0x3f) return r;
    }
    return undefined;
  }

  private readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? "/";
    if (url === this.config.healthPath) {
      this.health(res);
      return;
    }
    if (url === this.config.metricsPath && this.metrics !== undefined) {
      void this.serveMetrics(res);
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
    const state = url.charCodeAt(0) === 0x2f ? this.match(url) : undefined;
    const x = new Exchange(this.ctx, req, res, state?.config, client);
    const facts = framing(req.rawHeaders);
    x.host = facts.host;
    this.inFlight++;
    const active = this.metrics?.activeFor(x.routeName);
    if (active !== undefined) active.value++;
    res.once("close", () => {
      x.done();
      if (active !== undefined) active.value--;
      if (--this.inFlight === 0 && this.idle !== undefined) this.idle();
    });
    if (state === undefined) {
      x.fail(notFound({ detail: "No route of this gateway matches the request's path." }));
      return;
    }
    const cl = facts.length;
    const hasBody = (cl !== undefined && cl !== "0") || facts.chunked;
    if (cl !== undefined && Number(cl) > this.config.limits.requestBody) {
      x.fail(payloadTooLarge({ limit: this.config.limits.requestBody }));
      return;
    }
    const limiter = state.limiter;
    if (limiter === undefined) {
      this.forward(x, state, headers, incoming, peer, hasBody, cl === undefined);
      return;
    }
    const key = this.rateKey(state.config, req, client);
    if (limiter.store.synchronous === true) {
      this.admit(
        x,
        state,
        limiter.checkSync(key),
        headers,
        incoming,
        peer,
        hasBody,
        cl === undefined,
      );
      return;
    }
    limiter.check(key).then(
      (d) => this.admit(x, state, d, headers, incoming, peer, hasBody, cl === undefined),
      () => x.fail({ kind: "internal" }),
    );
  };

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

  private admit(
    x: Exchange,
    state: RouteState,
    d: RateLimitDecision,
    headers: string[],
    incoming: IncomingForwarding,
    peer: string,
    hasBody: boolean,
    streamed: boolean,
  ): void {
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
    this.forward(x, state, headers, incoming, peer, hasBody, streamed);
  }

  private forward(
    x: Exchange,
    state: RouteState,
    raw: string[],
    incoming: IncomingForwarding,
    peer: string,
    hasBody: boolean,
    streamed: boolean,
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
    const req = x.req;
    const headers = raw;
    const host = x.host;
    const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
    appendForwarding(
      headers,
      incoming,
      peer,
      this.anyTrusted && isTrusted(this.config.trustedProxies, peer),
      encrypted ? "https" : "http",
      host,
      this.ctx.via,
    );
    const url = req.url!;
    const path =
      target.basePath + (state.strip === "" ? url : url.slice(state.strip.length) || "/");
    const r: UpstreamRequest = {
      path: path.charCodeAt(0) === 0x2f ? path : `/${path}`,
      headers,
      hasBody,
      streamed: hasBody && streamed,
    };
    x.startTotalTimer(state.config.timeouts.total);
    dispatchTo(x, target, r, state.config.retries);
  }

  private health(res: ServerResponse): void {
    const status = this.draining ? 503 : 200;
    const body = JSON.stringify({ status: this.draining ? "draining" : "ok" });
    res.writeHead(status, {
      "content-type": "application/json",
      "cache-control": "no-store",
      ...(this.draining ? { "retry-after": "5", connection: "close" } : {}),
    });
    res.end(body);
  }

  private async serveMetrics(res: ServerResponse): Promise<void> {
    const registry = this.metrics!.registry;
    const text = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
    res.end(text);
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

  private async drain(): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await this.whenIdle(this.config.drainTimeout);
    this.server.closeAllConnections();
    await closed;
    // The exchanges cut above end (and are logged) as their sockets close.
    await this.whenIdle(1_000);
    await Promise.all(this.upstreams.map((u) => u.destroy()));
    this.redis?.owned?.disconnect();
    await this.log?.close();
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
