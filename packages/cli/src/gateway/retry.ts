/**
 * When a failed attempt may be sent again: an idempotent method (RFC 9110 §9.2.2) without a body
 * to replay, that failed before the request reached the upstream (refused, connect timeout, name
 * not resolved, unroutable): the upstream cannot have acted on it. Never a POST or PATCH, never
 * after a byte of the request may have been read. And only while the retry budget lasts.
 */
import type { ProxyErrorType } from "truestatus";

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

/** Failures where the request provably never reached the upstream's application. */
const BEFORE_REQUEST = new Set<ProxyErrorType | undefined>([
  "connection_refused",
  "connection_timeout",
  "dns_error",
  "dns_timeout",
  "destination_ip_unroutable",
]);

export function isRetryable(
  method: string,
  hasBody: boolean,
  error: ProxyErrorType | undefined,
): boolean {
  return !hasBody && IDEMPOTENT.has(method) && BEFORE_REQUEST.has(error);
}

/**
 * A retry budget (as Finagle's and Envoy's): each request deposits `ratio` of a retry, and a
 * reserve of `minPerSecond` retries refills with time, so a failing upstream gets at most
 * ratio × traffic + minPerSecond extra requests instead of (1 + attempts) × traffic.
 */
export class RetryBudget {
  private tokens = 0;
  private reserve: number;
  private last: number;
  private readonly cap: number;

  constructor(
    private readonly ratio: number,
    private readonly minPerSecond: number,
    now = Date.now(),
  ) {
    this.reserve = minPerSecond;
    this.last = now;
    this.cap = Math.max(10, ratio * 1_000);
  }

  /** A request was sent (deposits its share). */
  deposit(): void {
    if (this.tokens < this.cap) this.tokens += this.ratio;
  }

  /** Takes one retry if the budget has one. */
  withdraw(now = Date.now()): boolean {
    const elapsed = (now - this.last) / 1000;
    this.last = now;
    this.reserve = Math.min(this.minPerSecond, this.reserve + elapsed * this.minPerSecond);
    if (this.reserve >= 1) {
      this.reserve -= 1;
      return true;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}
