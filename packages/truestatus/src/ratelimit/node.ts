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
import { PROBLEM_CONTENT_TYPE } from "../semantics/problem.js";
import { prepare, refusal, type WrapperOptions } from "./answer.js";
import { clientKey } from "./client-key.js";
import type { RateLimiter, RateLimiterOptions } from "./limiter.js";

/** `key` defaults to the client's address (IPv6 by /64). */
export type NodeRateLimitOptions = WrapperOptions<IncomingMessage>;

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
  const { decideFor, policy } = prepare(limiter, options, remoteAddressKey);
  return async function truestatusRateLimit(req, res) {
    const r = decideFor(req);
    const d = r instanceof Promise ? await r : r;
    if (d.allowed) {
      for (const name in d.headers) res.setHeader(name, d.headers[name]!);
      return true;
    }
    const answer = refusal(d, policy, req.method ?? "GET");
    res.writeHead(answer.status, { ...answer.headers, "content-type": PROBLEM_CONTENT_TYPE });
    res.end(req.method === "HEAD" ? undefined : answer.body);
    return false;
  };
}
