/**
 * The limiter: a policy (limit per window, burst) applied by GCRA in a store, answering each
 * request with a decision that carries everything the answer needs: allowed or not, the IETF
 * RateLimit / RateLimit-Policy fields, and on a refusal the failure to answer (429 with
 * Retry-After, or 503 when the store cannot decide and the limiter fails closed).
 *
 *   const limiter = createRateLimiter({ limit: 100, window: 60 });
 *   const d = await limiter.check(clientIp);
 *   if (!d.allowed) → answer decide(d.failure) (429 problem+json); else set d.headers and go on.
 */
import { createHash } from "node:crypto";
import {
  type RateLimited,
  rateLimited,
  type Unavailable,
  unavailable,
} from "../semantics/failure.js";
import { buildRateLimit, buildRateLimitPolicy } from "../semantics/headers/ratelimit.js";
import { type GcraParams, gcraParams, remainingAfter, waitAfter } from "./gcra.js";
import type { RateLimitStore } from "./store.js";
import { MemoryStore } from "./stores/memory.js";

export interface RateLimiterOptions {
  /** Requests admitted per window, on average (RateLimit-Policy `q`). */
  readonly limit: number;
  /** The window, in whole seconds (RateLimit-Policy `w`). */
  readonly window: number;
  /** Requests a client that saved its quota may send at once. Default: `limit`. */
  readonly burst?: number;
  /** The policy's name in RateLimit and RateLimit-Policy. Default "default". */
  readonly name?: string;
  /** Where the state lives. Default: a new MemoryStore. */
  readonly store?: RateLimitStore;
  /**
   * When the store cannot decide (Redis down or slow): "open" (default) admits the request,
   * "closed" refuses it with 503 and Retry-After (never 500, never 429: the client did nothing).
   * Either way `metrics.storeErrors` counts it and `log` says so.
   */
  readonly onStoreError?: "open" | "closed";
  /** Retry-After (seconds) of the 503 sent when failing closed. Default 5. */
  readonly storeErrorRetryAfter?: number;
  /**
   * Where store errors are reported. Default: console.warn, at most once per 10 s (with the
   * number of errors in between), so a Redis outage does not flood the log.
   */
  readonly log?: (message: string, error: unknown) => void;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Requests still admissible at once (RateLimit `r`). */
  readonly remaining: number;
  /** Seconds until the quota is whole again (RateLimit `t`); on a refusal, the wait. */
  readonly reset: number;
  /** Seconds to wait before retrying (≥ 1 when refused; 0 when allowed). */
  readonly retryAfter: number;
  /** Header fields to send, by lowercase name: RateLimit and RateLimit-Policy (+ Retry-After). */
  readonly headers: Readonly<Record<string, string>>;
  /** What to answer when not allowed: 429 rate_limited, or 503 unavailable (store failed closed). */
  readonly failure: RateLimited | Unavailable | undefined;
  /** True when the store could not decide (the decision is the fail-open/closed one). */
  readonly degraded: boolean;
}

export interface RateLimiterMetrics {
  allowed: number;
  denied: number;
  /** Decisions the store could not make (error or timeout). */
  storeErrors: number;
  failedOpen: number;
  failedClosed: number;
}

export interface RateLimiterPolicy {
  readonly name: string;
  readonly limit: number;
  readonly window: number;
  readonly burst: number;
}

export interface RateLimiter {
  /** Decides one request for `key` (a client IP, an API key, a route, or any mix of them). */
  check(key: string): Promise<RateLimitDecision>;
  readonly policy: RateLimiterPolicy;
  readonly metrics: Readonly<RateLimiterMetrics>;
  readonly store: RateLimitStore;
}

/** Keys longer than this are hashed: a client-chosen key cannot make the store hold megabytes. */
const MAX_KEY_LENGTH = 200;

class Decision implements RateLimitDecision {
  constructor(
    readonly allowed: boolean,
    readonly remaining: number,
    readonly reset: number,
    readonly retryAfter: number,
    readonly headers: Readonly<Record<string, string>>,
    readonly failure: RateLimited | Unavailable | undefined,
    readonly degraded: boolean,
  ) {}
}

function checkInt(value: number, name: string, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`rate limiter option "${name}": must be an integer ≥ ${min}`);
}

function defaultLog(): (message: string, error: unknown) => void {
  let last = 0;
  let suppressed = 0;
  return (message, error) => {
    const now = Date.now();
    if (now - last < 10_000) {
      suppressed++;
      return;
    }
    const more = suppressed > 0 ? ` (${suppressed} more since the last report)` : "";
    console.warn(`truestatus/ratelimit: ${message}${more}:`, (error as Error)?.message ?? error);
    last = now;
    suppressed = 0;
  };
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  checkInt(options.limit, "limit", 1);
  checkInt(options.window, "window", 1);
  const burst = options.burst ?? options.limit;
  checkInt(burst, "burst", 1);
  const name = options.name ?? "default";
  const failClosed = (options.onStoreError ?? "open") === "closed";
  if (options.onStoreError !== undefined && !["open", "closed"].includes(options.onStoreError))
    throw new RangeError('rate limiter option "onStoreError": must be "open" or "closed"');
  const storeErrorRetryAfter = options.storeErrorRetryAfter ?? 5;
  checkInt(storeErrorRetryAfter, "storeErrorRetryAfter", 1);
  const store = options.store ?? new MemoryStore();
  const log = options.log ?? defaultLog();
  const params: GcraParams = gcraParams(options.limit, options.window, burst);
  const { interval, tolerance } = params;
  const window = options.window;
  const quota = { name, quota: options.limit, window };

  // Header strings built once by the core codecs; per decision only the numbers change.
  const policyHeader = buildRateLimitPolicy(quota);
  const sample = buildRateLimit({ name, remaining: 0, reset: 0 });
  const limitPrefix = sample.slice(0, sample.length - ";r=0;t=0".length);
  const keyPrefix = store.shared ? `${name}:` : "";

  const metrics: RateLimiterMetrics = {
    allowed: 0,
    denied: 0,
    storeErrors: 0,
    failedOpen: 0,
    failedClosed: 0,
  };

  const fromResult = (d: number): Decision => {
    if (d > 0) {
      metrics.allowed++;
      const remaining = remainingAfter(d, params);
      const reset = Math.ceil(d / 1000);
      return new Decision(
        true,
        remaining,
        reset,
        0,
        {
          ratelimit: `${limitPrefix};r=${remaining};t=${reset}`,
          "ratelimit-policy": policyHeader,
        },
        undefined,
        false,
      );
    }
    metrics.denied++;
    // Never 0 (a client would retry at once), never more than the window (wait ≤ T ≤ window).
    // (Clamped to the window also when a clock went backwards under a stored TAT.)
    const wait = Math.min(window, Math.max(1, Math.ceil(waitAfter(d, params) / 1000)));
    return new Decision(
      false,
      0,
      wait,
      wait,
      {
        "retry-after": String(wait),
        ratelimit: `${limitPrefix};r=0;t=${wait}`,
        "ratelimit-policy": policyHeader,
      },
      rateLimited({ retryAfter: wait, quota }),
      false,
    );
  };

  const fromError = (error: unknown): Decision => {
    metrics.storeErrors++;
    log(`the rate-limit store failed; ${failClosed ? "refusing (503)" : "admitting"}`, error);
    if (!failClosed) {
      metrics.failedOpen++;
      return new Decision(true, 0, 0, 0, {}, undefined, true);
    }
    metrics.failedClosed++;
    return new Decision(
      false,
      0,
      storeErrorRetryAfter,
      storeErrorRetryAfter,
      { "retry-after": String(storeErrorRetryAfter) },
      unavailable({ reason: "dependency", retryAfter: storeErrorRetryAfter }),
      true,
    );
  };

  const check = (key: string): Promise<RateLimitDecision> => {
    const k =
      key.length <= MAX_KEY_LENGTH
        ? keyPrefix + key
        : `${keyPrefix}#${createHash("sha256").update(key).digest("base64url")}`;
    let r: number | Promise<number>;
    try {
      r = store.consume(k, interval, tolerance);
    } catch (e) {
      return Promise.resolve(fromError(e));
    }
    if (typeof r === "number") return Promise.resolve(fromResult(r));
    return r.then(fromResult, fromError);
  };

  return {
    check,
    policy: { name, limit: options.limit, window: options.window, burst },
    metrics,
    store,
  };
}
