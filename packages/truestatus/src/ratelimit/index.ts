/**
 * truestatus/ratelimit: a GCRA rate limiter (memory or Redis store) whose decisions carry the
 * IETF RateLimit / RateLimit-Policy fields and, on a refusal, the 429 (or 503) to answer.
 */
export { type Refusal, refusal, type WrapperOptions } from "./answer.js";
export { clientKey } from "./client-key.js";
export {
  type ExpressRateLimitMiddleware,
  type ExpressRateLimitOptions,
  type ExpressRequestLike,
  expressRateLimit,
} from "./express.js";
export {
  type FastifyRateLimitHook,
  type FastifyRateLimitOptions,
  type FastifyReplyLike,
  type FastifyRequestLike,
  fastifyRateLimit,
} from "./fastify.js";
export {
  EPSILON as GCRA_EPSILON,
  type GcraParams,
  gcra,
  gcraParams,
  remainingAfter,
  waitAfter,
} from "./gcra.js";
export { type HonoContextLike, type HonoRateLimitOptions, honoRateLimit } from "./hono.js";
export {
  createRateLimiter,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimiterMetrics,
  type RateLimiterOptions,
  type RateLimiterPolicy,
} from "./limiter.js";
export {
  type NodeRateLimitHandler,
  type NodeRateLimitOptions,
  rateLimit,
  remoteAddressKey,
} from "./node.js";
export type { RateLimitStore } from "./store.js";
export { MemoryStore, type MemoryStoreOptions } from "./stores/memory.js";
export {
  GCRA_SCRIPT,
  GCRA_SCRIPT_SHA,
  RateLimitStoreError,
  REDIS_EPOCH_SECONDS,
  type RedisScriptClient,
  RedisStore,
  type RedisStoreOptions,
} from "./stores/redis.js";
