/**
 * The Redis store: one Lua script per decision (GET + SET PX on one key, atomic), with the time
 * taken from Redis (`TIME`), so that replicas with drifting clocks share one exact limit. A key
 * expires when its bucket is full again: Redis holds only keys that are limiting.
 *
 * Works with ioredis (Redis or Cluster: one key per script) or any client with `evalsha`/`eval`
 * returning promises. Give the client `enableOfflineQueue: false` so that, Redis being down,
 * commands fail at once instead of queueing; a paused or slow Redis is cut off by `timeout`.
 */
import { createHash } from "node:crypto";
import { TruestatusError } from "../../semantics/errors.js";
import { EPSILON } from "../gcra.js";
import type { RateLimitStore } from "../store.js";

/** What the store needs of a Redis client (ioredis fits). */
export interface RedisScriptClient {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  readonly client: RedisScriptClient;
  /** Prefix of every key (the limiter adds its policy name). Default "truestatus:rl:". */
  readonly prefix?: string;
  /** Longest wait for one decision, in ms; past it the limiter fails open/closed. Default 250. */
  readonly timeout?: number;
}

/** A decision the store could not make: Redis unreachable, slow, or answering an error. */
export class RateLimitStoreError extends TruestatusError {
  override readonly name = "RateLimitStoreError";
  constructor(message: string, cause?: unknown) {
    super("TRUESTATUS_RATE_LIMIT_STORE", message, cause === undefined ? undefined : { cause });
  }
}

/** TATs are kept relative to 2025-01-01T00:00:00Z (ms), so that they stay fine-grained floats. */
export const REDIS_EPOCH_SECONDS = 1_735_689_600;

/**
 * KEYS[1]: the key. ARGV[1]: T (ms), ARGV[2]: τ (ms), ARGV[3] (tests only): a fixed now (ms since
 * the epoch) instead of Redis TIME. Returns the signed result of gcra.ts as a string (a Lua
 * number returned to Redis would be truncated to an integer).
 */
export const GCRA_SCRIPT = `
local now
if ARGV[3] then
  now = tonumber(ARGV[3])
else
  local t = redis.call('TIME')
  now = (tonumber(t[1]) - ${REDIS_EPOCH_SECONDS}) * 1000 + tonumber(t[2]) / 1000
end
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then tat = now end
local ahead = tat - now
if ahead - tolerance > interval * ${EPSILON} then
  return string.format('%.17g', -ahead)
end
local new = tat + interval
redis.call('SET', KEYS[1], string.format('%.17g', new), 'PX', math.ceil(new - now))
return string.format('%.17g', ahead + interval)
`;

const SHA = createHash("sha1").update(GCRA_SCRIPT).digest("hex");

export class RedisStore implements RateLimitStore {
  readonly shared = true;
  readonly prefix: string;
  readonly timeout: number;
  private readonly client: RedisScriptClient;

  constructor(options: RedisStoreOptions) {
    if (typeof options?.client?.evalsha !== "function" || typeof options.client.eval !== "function")
      throw new TypeError("redis store option client: needs evalsha() and eval() (e.g. ioredis)");
    const timeout = options.timeout ?? 250;
    if (!Number.isFinite(timeout) || timeout <= 0)
      throw new RangeError("redis store option timeout: must be a positive number of ms");
    this.client = options.client;
    this.prefix = options.prefix ?? "truestatus:rl:";
    this.timeout = timeout;
  }

  consume(key: string, interval: number, tolerance: number): Promise<number> {
    return this.run(this.prefix + key, [interval, tolerance]);
  }

  /** The same decision at a fixed `now` (ms since REDIS_EPOCH_SECONDS): for tests of the script. */
  consumeAt(key: string, interval: number, tolerance: number, now: number): Promise<number> {
    return this.run(this.prefix + key, [interval, tolerance, now]);
  }

  private run(key: string, args: number[]): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        reject(new RateLimitStoreError(`no answer from Redis within ${this.timeout} ms`));
      }, this.timeout);
      const settle = (value: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        const n = typeof value === "string" ? Number(value) : Number.NaN;
        if (Number.isFinite(n) && n !== 0) resolve(n);
        else reject(new RateLimitStoreError(`unexpected answer from the script: ${String(value)}`));
      };
      const fail = (error: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(new RateLimitStoreError("Redis failed", error));
      };
      this.client.evalsha(SHA, 1, key, ...args).then(settle, (error: unknown) => {
        // NOSCRIPT (a restarted or flushed Redis): send the script itself, which caches it again.
        if (!done && String((error as Error)?.message).startsWith("NOSCRIPT"))
          this.client.eval(GCRA_SCRIPT, 1, key, ...args).then(settle, fail);
        else fail(error);
      });
    });
  }
}
