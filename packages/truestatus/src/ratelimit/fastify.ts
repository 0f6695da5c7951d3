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

export function fastifyRateLimit<Req extends FastifyRequestLike, Rep extends FastifyReplyLike>(
  limiter: RateLimiter | RateLimiterOptions,
  options: FastifyRateLimitOptions<Req> = {},
): (request: Req, reply: Rep) => Promise<void> {
  const { decideFor, policy } = prepare(limiter, options, (request: Req) => clientKey(request.ip));
  return async function truestatusRateLimit(request, reply) {
    const r = decideFor(request);
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
