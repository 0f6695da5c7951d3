/**
 * Rate limiting as a Fastify onRequest hook:
 *
 *   app.addHook("onRequest", fastifyRateLimit({ limit: 100, window: 60 }));
 *
 * Typed structurally: it imports nothing from Fastify. The default key is `request.ip` (which
 * honours Fastify's trustProxy).
 */
import { DEFAULT_POLICY, type Policy } from "../semantics/policy.js";
import { PROBLEM_CONTENT_TYPE } from "../semantics/problem.js";
import { refusal } from "./answer.js";
import { clientKey } from "./client-key.js";
import { createRateLimiter, type RateLimiter, type RateLimiterOptions } from "./limiter.js";

/** The parts of a Fastify request and reply the hook uses. */
export interface FastifyRequestLike {
  readonly ip: string;
  readonly method: string;
}
export interface FastifyReplyLike {
  header(name: string, value: string): unknown;
  code(status: number): unknown;
  type(contentType: string): unknown;
  send(body?: string): unknown;
}

export interface FastifyRateLimitOptions<Req extends FastifyRequestLike> {
  readonly key?: (request: Req) => string;
  readonly policy?: Policy;
}

export function fastifyRateLimit<Req extends FastifyRequestLike, Rep extends FastifyReplyLike>(
  limiter: RateLimiter | RateLimiterOptions,
  options: FastifyRateLimitOptions<Req> = {},
): (request: Req, reply: Rep) => Promise<void> {
  const l = "check" in limiter ? limiter : createRateLimiter(limiter);
  const key = options.key ?? ((request: Req) => clientKey(request.ip));
  const policy = options.policy ?? DEFAULT_POLICY;
  const sync = l.store.synchronous === true;
  return async function truestatusRateLimit(request, reply) {
    const d = sync ? l.checkSync(key(request)) : await l.check(key(request));
    if (d.allowed) {
      for (const name in d.headers) reply.header(name, d.headers[name]!);
      return;
    }
    const r = refusal(d, policy, request.method);
    reply.code(r.status);
    for (const name in r.headers) reply.header(name, r.headers[name]!);
    reply.type(PROBLEM_CONTENT_TYPE);
    // Returning the reply from an async hook ends the request here.
    await reply.send(request.method === "HEAD" ? undefined : r.body);
  };
}
