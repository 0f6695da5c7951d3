/**
 * What every framework wrapper of the limiter shares: the key of a request and the answer to a
 * refused one (decide() under the policy: 429 or 503, its header fields, the problem+json body).
 */
import { decide } from "../semantics/decide.js";
import { DEFAULT_POLICY, type Policy } from "../semantics/policy.js";
import { serializeProblem } from "../semantics/problem.js";
import {
  createRateLimiter,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimiterOptions,
} from "./limiter.js";

export interface Refusal {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The answer to a refused decision, ready to send (content-type is problem+json). */
export function refusal(d: RateLimitDecision, policy: Policy, method: string): Refusal {
  const answer = decide(d.failure!, policy, { method });
  return { status: answer.status, headers: answer.headers, body: serializeProblem(answer.problem) };
}

/** What a framework wrapper takes besides the limiter. */
export interface WrapperOptions<Req> {
  /** The key of a request. */
  readonly key?: (req: Req) => string;
  /** The truestatus policy the 429/503 answers are decided under. */
  readonly policy?: Policy;
}

export interface Prepared<Req> {
  /** Decides a request: a decision at once with a synchronous store, else a promise of one. */
  readonly decideFor: (req: Req) => RateLimitDecision | Promise<RateLimitDecision>;
  readonly policy: Policy;
}

/** The limiter (made from options if need be), the key function and the policy of a wrapper. */
export function prepare<Req>(
  limiter: RateLimiter | RateLimiterOptions,
  options: WrapperOptions<Req>,
  defaultKey: (req: Req) => string,
): Prepared<Req> {
  const l = "check" in limiter ? limiter : createRateLimiter(limiter);
  const key = options.key ?? defaultKey;
  // A synchronous store (memory) decides without a promise.
  const decideFor =
    l.store.synchronous === true
      ? (req: Req) => l.checkSync(key(req))
      : (req: Req) => l.check(key(req));
  return { decideFor, policy: options.policy ?? DEFAULT_POLICY };
}
