/**
 * Rate limiting as Hono middleware:
 *
 *   app.use(honoRateLimit({ limit: 100, window: 60 }, { key: (c) => c.req.header("x-api-key") ?? "anon" }));
 *
 * Typed structurally: it imports nothing from Hono. Hono runs on many runtimes and has no single
 * way to read the client's address: the default key is the peer address on @hono/node-server
 * (`c.env.incoming`), else "unknown"; pass a `key` for other runtimes or behind a proxy.
 */
import { PROBLEM_CONTENT_TYPE } from "../semantics/problem.js";
import { prepare, refusal, type WrapperOptions } from "./answer.js";
import { clientKey } from "./client-key.js";
import type { RateLimiter, RateLimiterOptions } from "./limiter.js";

/** The parts of a Hono context the middleware uses. */
export interface HonoContextLike {
  readonly req: {
    readonly method: string;
    readonly path?: string;
    header(name: string): string | undefined;
  };
  readonly env?: unknown;
  header(name: string, value: string): void;
}

/** `key` defaults to the peer address on @hono/node-server. */
export type HonoRateLimitOptions<C extends HonoContextLike> = WrapperOptions<C>;

function nodePeerKey(c: HonoContextLike): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return clientKey(env?.incoming?.socket?.remoteAddress);
}

export function honoRateLimit<C extends HonoContextLike>(
  limiter: RateLimiter | RateLimiterOptions,
  options: HonoRateLimitOptions<C> = {},
): (c: C, next: () => Promise<void>) => Promise<Response | undefined> {
  const { decideFor, policy } = prepare(limiter, options, nodePeerKey);
  return async function truestatusRateLimit(c, next) {
    const r = decideFor(c);
    const d = r instanceof Promise ? await r : r;
    if (d.allowed) {
      await next();
      for (const name in d.headers) c.header(name, d.headers[name]!);
      return undefined;
    }
    const answer = refusal(d, policy, c.req.method);
    return new Response(c.req.method === "HEAD" ? null : answer.body, {
      status: answer.status,
      headers: { ...answer.headers, "content-type": PROBLEM_CONTENT_TYPE },
    });
  };
}
