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

export function expressRateLimit(
  limiter: RateLimiter | RateLimiterOptions,
  options: NodeRateLimitOptions = {},
): ExpressRateLimitMiddleware {
  const handle = rateLimit(limiter, options);
  return function truestatusRateLimit(req, res, next) {
    handle(req, res).then((go) => {
      if (go) next();
    }, next);
  };
}
