/**
 * Rate limiting as Express middleware (Express 4 and 5; any connect-style framework):
 *
 *   app.use(expressRateLimit({ limit: 100, window: 60 }));
 *
 * Typed structurally: it imports nothing from Express. Behind a proxy, pass a `key` reading
 * `req.ip` (with Express's "trust proxy" set) instead of the peer address.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RateLimiter, RateLimiterOptions } from "./limiter.js";
import { type NodeRateLimitOptions, rateLimit } from "./node.js";

export type ExpressRateLimitMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * What `key` gets: Express's request as far as a key needs it (`req.ip` honours "trust proxy"),
 * so that `key: (req) => req.ip ?? "unknown"` compiles without a type annotation.
 */
export type ExpressRequestLike = IncomingMessage & {
  readonly ip?: string | undefined;
  readonly path?: string;
};

export interface ExpressRateLimitOptions {
  /** The key of a request. Default: the peer address (IPv6 by /64). */
  readonly key?: (req: ExpressRequestLike) => string;
  readonly policy?: NodeRateLimitOptions["policy"];
}

export function expressRateLimit(
  limiter: RateLimiter | RateLimiterOptions,
  options: ExpressRateLimitOptions = {},
): ExpressRateLimitMiddleware {
  const handle = rateLimit(limiter, options as NodeRateLimitOptions);
  return function truestatusRateLimit(req, res, next) {
    handle(req, res).then((go) => {
      if (go) next();
    }, next);
  };
}
