/**
 * Rate limiting as a Fastify onRequest hook:
 *
 *   app.addHook("onRequest", fastifyRateLimit({ limit: 100, window: 60 }));
 *
 * Typed structurally: it imports nothing from Fastify. The default key is `request.ip` (which
 * honours Fastify's trustProxy).
 */
import { PROBLEM_CONTENT_TYPE } from "../semantics/problem.js";
import { prepare, refusal, type WrapperOptions } from "./answer.js";
import { clientKey } from "./client-key.js";
import type { RateLimiter, RateLimiterOptions } from "./limiter.js";

/** The parts of a Fastify request and reply the hook uses. */
export interface FastifyRequestLike {
  readonly ip: string;
  readonly method: string;
  readonly url?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}
export interface FastifyReplyLike {
  header(name: string, value: string): unknown;
  code(status: number): unknown;
  type(contentType: string): unknown;
  send(body?: string): unknown;
}

/** `key` defaults to `request.ip`. */
export type FastifyRateLimitOptions<Req extends FastifyRequestLike> = WrapperOptions<Req>;

/**
 * The hook. Its parameters are the structural types, not `Req`: a hook generic in its request
 * type is inferred as `never` in a route's options (`{ onRequest: fastifyRateLimit(...) }`),
 * where Fastify's own generics are still open. `Req` types only the `key` function.
 */
export type FastifyRateLimitHook = (
  request: FastifyRequestLike,
  reply: FastifyReplyLike,
) => Promise<void>;

export function fastifyRateLimit<Req extends FastifyRequestLike = FastifyRequestLike>(
  limiter: RateLimiter | RateLimiterOptions,
  options: FastifyRateLimitOptions<Req> = {},
): FastifyRateLimitHook {
  const { decideFor, policy } = prepare(limiter, options, (request: Req) => clientKey(request.ip));
  return async function truestatusRateLimit(request, reply) {
    // The request Fastify passes is the one `key` was written for.
    const r = decideFor(request as Req);
    const d = r instanceof Promise ? await r : r;
    if (d.allowed) {
      for (const name in d.headers) reply.header(name, d.headers[name]!);
      return;
    }
    const answer = refusal(d, policy, request.method);
    reply.code(answer.status);
    for (const name in answer.headers) reply.header(name, answer.headers[name]!);
    reply.type(PROBLEM_CONTENT_TYPE);
    // Sending from an async hook ends the request here.
    await reply.send(request.method === "HEAD" ? undefined : answer.body);
  };
}
