/**
 * Rate limiting for node:http (and anything built on it): a handler that decides, sets the
 * RateLimit fields, and answers 429 (or 503 when the store fails closed) as problem+json itself.
 *
 *   const limit = rateLimit({ limit: 100, window: 60 });
 *   http.createServer(async (req, res) => {
 *     if (!(await limit(req, res))) return; // answered 429 + Retry-After
 *     ...
 *   });
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { DEFAULT_POLICY, type Policy } from "../semantics/policy.js";
import { PROBLEM_CONTENT_TYPE } from "../semantics/problem.js";
import { refusal } from "./answer.js";
import { clientKey } from "./client-key.js";
import { createRateLimiter, type RateLimiter, type RateLimiterOptions } from "./limiter.js";

export interface NodeRateLimitOptions {
  /** The key of a request. Default: the client's address (IPv6 by /64). */
  readonly key?: (req: IncomingMessage) => string;
  /** The truestatus policy the 429/503 answers are decided under. */
  readonly policy?: Policy;
}

export type NodeRateLimitHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The default key: the address of the peer (put a proxy-aware key here behind a proxy). */
export function remoteAddressKey(req: IncomingMessage): string {
  return clientKey(req.socket.remoteAddress);
}

/**
 * Makes a handler from a limiter or the options of one. It resolves true when the request may go
 * on (the RateLimit fields are set on `res`), false when it has answered the request itself.
 */
export function rateLimit(
  limiter: RateLimiter | RateLimiterOptions,
  options: NodeRateLimitOptions = {},
): NodeRateLimitHandler {
  const l = "check" in limiter ? limiter : createRateLimiter(limiter);
  const key = options.key ?? remoteAddressKey;
  const policy = options.policy ?? DEFAULT_POLICY;
  const sync = l.store.synchronous === true;
  return async function truestatusRateLimit(req, res) {
    // A synchronous store (memory) decides without a promise.
    const d = sync ? l.checkSync(key(req)) : await l.check(key(req));
    if (d.allowed) {
      for (const name in d.headers) res.setHeader(name, d.headers[name]!);
      return true;
    }
    const r = refusal(d, policy, req.method ?? "GET");
    res.writeHead(r.status, { ...r.headers, "content-type": PROBLEM_CONTENT_TYPE });
    res.end(req.method === "HEAD" ? undefined : r.body);
    return false;
  };
}
