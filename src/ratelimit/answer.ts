/**
 * What every framework wrapper of the limiter shares: the key of a request and the answer to a
 * refused one (decide() under the policy: 429 or 503, its header fields, the problem+json body).
 */
import { decide } from "../semantics/decide.js";
import type { Policy } from "../semantics/policy.js";
import { serializeProblem } from "../semantics/problem.js";
import type { RateLimitDecision } from "./limiter.js";

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
