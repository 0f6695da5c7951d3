/**
 * Rate limiting as Hono middleware:
 *
 *   app.use(honoRateLimit({ limit: 100, window: 60 }, { key: (c) => c.req.header("x-api-key") ?? "anon" }));
 *
 * Typed structurally: it imports nothing from Hono. Hono runs on many runtimes and has no single
 * way to read the client's address: the default key is the peer address on @hono/node-server
 * (`c.env.incoming`), else "unknown"; pass a `key` for other runtimes or behind a proxy.
 */
import { DEFAULT_POLICY, type Policy } from "../semantics/policy.js";
import { PROBLEM_CONTENT_TYPE } from "../semantics/problem.js";
import { refusal } from "./answer.js";
import { clientKey } from "./client-key.js";
import { createRateLimiter, type RateLimiter, type RateLimiterOptions } from "./limiter.js";

/** The parts of a Hono context the middleware uses. */
export interface HonoContextLike {
  readonly req: { readonly method: string };
  readonly env?: unknown;
  header(name: string, value: string): void;
}

export interface HonoRateLimitOptions<C extends HonoContextLike> {
  readonly key?: (c: C) => string;
  readonly policy?: Policy;
}

function nodePeerKey(c: HonoContextLike): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return clientKey(env?.incoming?.socket?.remoteAddress);
}

export function honoRateLimit<C extends HonoContextLike>(
  limiter: RateLimiter | RateLimiterOptions,
  options: HonoRateLimitOptions<C> = {},
): (c: C, next: () => Promise<void>) => Promise<Response | undefined> {
  const l = "check" in limiter ? limiter : createRateLimiter(limiter);
  const key = options.key ?? nodePeerKey;
  const policy = options.policy ?? DEFAULT_POLICY;
  const sync = l.store.synchronous === true;
  return async function truestatusRateLimit(c, next) {
    const d = sync ? l.checkSync(key(c)) : await l.check(key(c));
    if (d.allowed) {
      await next();
      for (const name in d.headers) c.header(name, d.headers[name]!);
      return undefined;
    }
    const r = refusal(d, policy, c.req.method);
    return new Response(c.req.method === "HEAD" ? null : r.body, {
      status: r.status,
      headers: { ...r.headers, "content-type": PROBLEM_CONTENT_TYPE },
    });
  };
}
