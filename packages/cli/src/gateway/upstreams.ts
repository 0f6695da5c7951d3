/**
 * The upstreams: for each, its targets (one undici keep-alive Pool per target and connect
 * timeout), round-robin selection that skips targets ejected after consecutive connection
 * failures (a passive circuit breaker), and a concurrency limit (load shedding).
 */
import { readFileSync } from "node:fs";
import { Pool } from "undici";
import type { UpstreamConfig } from "./config.js";

/** One undici pool and how many requests it holds (running or waiting for a connection). */
export interface PoolSlot {
  readonly pool: Pool;
  active: number;
}

export class Target {
  /** host:port, for logs (never sent to clients). */
  readonly address: string;
  readonly origin: string;
  /** Path prefix of the target URL, without a trailing slash ("" for "/"). */
  readonly basePath: string;
  readonly host: string;
  failures = 0;
  ejectedUntil = 0;
  private readonly pools = new Map<number, PoolSlot>();

  constructor(
    readonly url: URL,
    private readonly upstream: UpstreamConfig,
    private readonly ca: Buffer | undefined,
    private readonly limits: { maxHeaderSize: number },
  ) {
    this.origin = url.origin;
    this.host = url.host;
    this.address = url.host;
    this.basePath = url.pathname === "/" ? "" : url.pathname.replace(/\/$/, "");
  }

  /** The keep-alive pool for a connect timeout (routes may differ). */
  pool(connectTimeout: number): Pool {
    return this.slot(connectTimeout).pool;
  }

  /** The pool for a connect timeout, with its count of requests dispatched and not yet settled. */
  slot(connectTimeout: number): PoolSlot {
    let slot = this.pools.get(connectTimeout);
    if (slot === undefined) {
      const tls = this.upstream.tls;
      const p = new Pool(this.origin, {
        ...(this.upstream.connections === undefined
          ? {}
          : { connections: this.upstream.connections }),
        pipelining: 1,
        maxHeaderSize: this.limits.maxHeaderSize,
        connect: {
          timeout: connectTimeout,
          ...(tls === undefined
            ? {}
            : {
                rejectUnauthorized: tls.rejectUnauthorized,
                ...(tls.servername === undefined ? {} : { servername: tls.servername }),
              }),
          ...(this.ca === undefined ? {} : { ca: this.ca }),
        },
      });
      slot = { pool: p, active: 0 };
      this.pools.set(connectTimeout, slot);
    }
    return slot;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((s) => s.pool.close()));
  }

  destroy(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    return Promise.all(pools.map((s) => s.pool.destroy())).then(() => {});
  }
}

export class Upstream {
  readonly name: string;
  readonly targets: readonly Target[];
  inFlight = 0;
  private next = 0;

  constructor(
    readonly config: UpstreamConfig,
    limits: { maxHeaderSize: number },
  ) {
    this.name = config.name;
    const ca = config.tls?.ca === undefined ? undefined : readFileSync(config.tls.ca);
    this.targets = config.targets.map((u) => new Target(u, config, ca, limits));
  }

  /** True when the concurrency limit is reached (the request is to be shed). */
  full(): boolean {
    const max = this.config.maxConcurrent;
    return max !== undefined && this.inFlight >= max;
  }

  /** The next healthy target, skipping `avoid` when another is healthy; undefined when none is. */
  pick(now: number, avoid?: Target): Target | undefined {
    const n = this.targets.length;
    let fallback: Target | undefined;
    for (let i = 0; i < n; i++) {
      const t = this.targets[(this.next + i) % n]!;
      if (t.ejectedUntil > now) continue;
      if (t === avoid && n > 1) {
        fallback = t;
        continue;
      }
      this.next = (this.next + i + 1) % n;
      return t;
    }
    return fallback;
  }

  /** Seconds until the first ejected target comes back (for Retry-After). */
  secondsUntilHealthy(now: number): number {
    let first = Number.POSITIVE_INFINITY;
    for (const t of this.targets) first = Math.min(first, t.ejectedUntil);
    return Math.max(1, Math.ceil((first - now) / 1000));
  }

  /** A connection-level failure of a target: ejected after `failures` in a row. */
  connectFailed(t: Target, now: number): void {
    t.failures++;
    if (t.failures >= this.config.ejection.failures) {
      t.failures = 0;
      t.ejectedUntil = now + this.config.ejection.duration;
    }
  }

  succeeded(t: Target): void {
    if (t.failures !== 0) t.failures = 0;
  }

  close(): Promise<void> {
    return Promise.all(this.targets.map((t) => t.close())).then(() => {});
  }

  destroy(): Promise<void> {
    return Promise.all(this.targets.map((t) => t.destroy())).then(() => {});
  }
}
