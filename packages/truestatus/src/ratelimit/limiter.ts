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
import {
  type RateLimited,
  rateLimited,
  type Unavailable,
  unavailable,
} from "../semantics/failure.js";
import { buildRateLimit, buildRateLimitPolicy } from "../semantics/headers/ratelimit.js";
import { EPSILON, type GcraParams, gcraParams, waitAfter } from "./gcra.js";
import { base64url, sha256 } from "./sha256.js";
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
  /**
   * Header fields to send, by lowercase name: RateLimit and RateLimit-Policy (+ Retry-After when
   * refused); none when the store failed open. Built when read.
   */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * What to answer when not allowed: 429 rate_limited, or 503 unavailable (the store failed and
   * the limiter fails closed). Built when read; its decide() headers equal `headers`.
   */
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
  /**
   * The same decision without a promise, for a synchronous store (the MemoryStore): no microtask,
   * no allocation beyond the decision. Throws a TypeError with an asynchronous store (Redis).
   */
  checkSync(key: string): RateLimitDecision;
  readonly policy: RateLimiterPolicy;
  readonly metrics: Readonly<RateLimiterMetrics>;
  readonly store: RateLimitStore;
}

/** Keys longer than this are hashed: a client-chosen key cannot make the store hold megabytes. */
const MAX_KEY_LENGTH = 200;

/** What every decision of one limiter shares: the policy's numbers and strings, built once. */
interface Shared {
  readonly limitPrefix: string;
  readonly policyHeader: string;
  readonly quota: { readonly name: string; readonly quota: number; readonly window: number };
  readonly params: GcraParams;
  readonly window: number;
  /** When the store fails: admit (open) or refuse with 503 (closed), and the Retry-After. */
  readonly failOpen: boolean;
  readonly storeErrorRetryAfter: number;
}

/**
 * The class of one limiter's decisions. A decision holds the store's signed result (gcra.ts)
 * and whether the store failed; everything else is derived when read, so that deciding is one
 * small allocation and a caller that only asks `allowed` pays for nothing more.
 */
function decisionClass(s: Shared) {
  const { interval, tolerance } = s.params;
  return class Decision implements RateLimitDecision {
    constructor(
      /** The store's result: > 0 admitted (ms until the bucket is full), < 0 refused; 0 if it failed. */
      readonly raw: number,
      readonly degraded: boolean,
    ) {}

    get allowed(): boolean {
      return this.degraded ? s.failOpen : this.raw > 0;
    }

    get remaining(): number {
      if (this.raw <= 0) return 0;
      const r = Math.floor((tolerance - this.raw + interval) / interval + EPSILON);
      return Math.max(r, 0);
    }

    get reset(): number {
      return this.raw > 0 ? Math.ceil(this.raw / 1000) : this.retryAfter;
    }

    get retryAfter(): number {
      if (this.degraded) return s.failOpen ? 0 : s.storeErrorRetryAfter;
      if (this.raw > 0) return 0;
      // Never 0 (a client would retry at once), never more than the window (wait ≤ T ≤ window;
      // clamped also for a clock that went backwards under a stored TAT).
      const wait = Math.ceil(waitAfter(this.raw, s.params) / 1000);
      return wait < 1 ? 1 : Math.min(wait, s.window);
    }

    get headers(): Readonly<Record<string, string>> {
      if (this.degraded) return s.failOpen ? {} : { "retry-after": String(this.retryAfter) };
      if (this.raw > 0)
        return {
          ratelimit: `${s.limitPrefix};r=${this.remaining};t=${this.reset}`,
          "ratelimit-policy": s.policyHeader,
        };
      const wait = this.retryAfter;
      return {
        "retry-after": String(wait),
        ratelimit: `${s.limitPrefix};r=0;t=${wait}`,
        "ratelimit-policy": s.policyHeader,
      };
    }

    get failure(): RateLimited | Unavailable | undefined {
      if (this.allowed) return undefined;
      return this.degraded
        ? unavailable({ reason: "dependency", retryAfter: this.retryAfter })
        : rateLimited({ retryAfter: this.retryAfter, quota: s.quota });
    }

    /** For JSON.stringify and console.log: the derived values too. */
    toJSON(): RateLimitDecision {
      return {
        allowed: this.allowed,
        remaining: this.remaining,
        reset: this.reset,
        retryAfter: this.retryAfter,
        degraded: this.degraded,
        headers: this.headers,
        failure: this.failure,
      };
    }
  };
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
  const store: RateLimitStore = options.store ?? new MemoryStore();
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

  const Decision = decisionClass({
    limitPrefix,
    policyHeader,
    quota,
    params,
    window,
    failOpen: !failClosed,
    storeErrorRetryAfter,
  });

  const fromResult = (d: number): RateLimitDecision => {
    if (d > 0) metrics.allowed++;
    else metrics.denied++;
    return new Decision(d, false);
  };

  const fromError = (error: unknown): RateLimitDecision => {
    metrics.storeErrors++;
    log(`the rate-limit store failed; ${failClosed ? "refusing (503)" : "admitting"}`, error);
    if (failClosed) metrics.failedClosed++;
    else metrics.failedOpen++;
    return new Decision(0, true);
  };

  /** The store's key: hashed when long, prefixed with the policy name in a shared store. */
  const storeKey = (key: string): string => {
    const k = key.length > MAX_KEY_LENGTH ? `#${base64url(sha256(key))}` : key;
    return keyPrefix === "" ? k : keyPrefix + k;
  };

  const check = (key: string): Promise<RateLimitDecision> => {
    let r: number | Promise<number>;
    try {
      // An asynchronous store that maps in its own promise: one promise per decision, not two.
      if (store.consumeMapped !== undefined)
        return store.consumeMapped(storeKey(key), interval, tolerance, fromResult, fromError);
      r = store.consume(storeKey(key), interval, tolerance);
    } catch (e) {
      return Promise.resolve(fromError(e));
    }
    // A synchronous store (memory) decides without a promise of its own.
    if (typeof r === "number") return Promise.resolve(fromResult(r));
    return r.then(fromResult, fromError);
  };

  const checkSync = (key: string): RateLimitDecision => {
    let r: number | Promise<number>;
    try {
      r = store.consume(storeKey(key), interval, tolerance);
    } catch (e) {
      return fromError(e);
    }
    if (typeof r !== "number") {
      // Not an error of the store: a misuse, said at once (the promise is left to settle).
      r.catch(() => {});
      throw new TypeError("checkSync() needs a synchronous store (MemoryStore); use check()");
    }
    return fromResult(r);
  };

  return {
    check,
    checkSync,
    policy: { name, limit: options.limit, window: options.window, burst },
    metrics,
    store,
  };
}
