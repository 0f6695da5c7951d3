/**
 * The Redis store: one Lua script decides (GET + SET PX per key, atomic), with the time taken
 * from Redis (`TIME`), so that replicas with drifting clocks share one exact limit. A key
 * expires when its bucket is full again: Redis holds only keys that are limiting. Decisions
 * asked for in the same turn of the event loop share one script call (see `batch`).
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
  /**
   * Decisions asked for in the same turn of the event loop go to Redis in one script call (up to
   * `maxBatch` keys, default 256): one command instead of N for the client and for Redis. Each
   * decision stays atomic (the whole call is). Default true; set false for Redis Cluster unless
   * the prefix carries a {hash tag} (a script's keys must share a slot).
   */
  readonly batch?: boolean;
  readonly maxBatch?: number;
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
 * One script call decides for one key or a batch of keys, in order, each atomically (the whole
 * call is). KEYS: the keys. ARGV[1]: "" (use Redis TIME) or, in tests only, a fixed now in ms
 * since the epoch; then, per key, T and τ (ms). Returns one result per key, as strings (a Lua
 * number returned to Redis would be truncated to an integer).
 */
export const GCRA_SCRIPT = `
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  now = (tonumber(t[1]) - ${REDIS_EPOCH_SECONDS}) * 1000 + tonumber(t[2]) / 1000
end
local out = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2 * i])
  local tolerance = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', KEYS[i]))
  if tat == nil or tat < now then tat = now end
  local ahead = tat - now
  if ahead - tolerance > interval * ${EPSILON} then
    out[i] = string.format('%.17g', -ahead)
  else
    local new = tat + interval
    redis.call('SET', KEYS[i], string.format('%.17g', new), 'PX', math.ceil(new - now))
    out[i] = string.format('%.17g', ahead + interval)
  end
end
return out
`;

const SHA = createHash("sha1").update(GCRA_SCRIPT).digest("hex");

/** One decision waiting for its batch to be sent and answered. */
interface Pending {
  readonly key: string;
  readonly interval: number;
  readonly tolerance: number;
  readonly resolve: (d: number) => void;
  readonly reject: (e: unknown) => void;
}

export class RedisStore implements RateLimitStore {
  readonly shared = true;
  readonly prefix: string;
  readonly timeout: number;
  readonly maxBatch: number;
  private readonly client: RedisScriptClient;
  private queue: Pending[] = [];
  /** Script calls sent and not yet answered. */
  private inFlight = 0;

  constructor(options: RedisStoreOptions) {
    if (typeof options?.client?.evalsha !== "function" || typeof options.client.eval !== "function")
      throw new TypeError("redis store option client: needs evalsha() and eval() (e.g. ioredis)");
    const timeout = options.timeout ?? 250;
    if (!Number.isFinite(timeout) || timeout <= 0)
      throw new RangeError("redis store option timeout: must be a positive number of ms");
    const maxBatch = options.batch === false ? 1 : (options.maxBatch ?? 256);
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new RangeError("redis store option maxBatch: must be a positive integer");
    this.client = options.client;
    this.prefix = options.prefix ?? "truestatus:rl:";
    this.timeout = timeout;
    this.maxBatch = maxBatch;
  }

  consume(key: string, interval: number, tolerance: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const p: Pending = { key: this.prefix + key, interval, tolerance, resolve, reject };
      // Nothing waiting on Redis (e.g. one request at a time): send at once, no batching delay.
      if (this.maxBatch === 1 || (this.inFlight === 0 && this.queue.length === 0)) {
        this.send([p], "");
        return;
      }
      // Otherwise the decisions asked for in this turn of the event loop share one script call.
      if (this.queue.length === 0) setImmediate(this.flush);
      this.queue.push(p);
      if (this.queue.length >= this.maxBatch) this.flush();
    });
  }

  /** The same decision at a fixed `now` (ms since REDIS_EPOCH_SECONDS): for tests of the script. */
  consumeAt(key: string, interval: number, tolerance: number, now: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.send([{ key: this.prefix + key, interval, tolerance, resolve, reject }], String(now));
    });
  }

  private readonly flush = (): void => {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.send(batch, "");
  };

  private send(batch: readonly Pending[], now: string): void {
    const n = batch.length;
    const args: (string | number)[] = new Array(n + 1 + 2 * n);
    for (let i = 0; i < n; i++) {
      const p = batch[i]!;
      args[i] = p.key;
      args[n + 1 + 2 * i] = p.interval;
      args[n + 2 + 2 * i] = p.tolerance;
    }
    args[n] = now;
    let done = false;
    this.inFlight++;
    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      this.inFlight--;
      clearTimeout(timer);
      const e =
        error instanceof RateLimitStoreError
          ? error
          : new RateLimitStoreError("Redis failed", error);
      for (const p of batch) p.reject(e);
    };
    const timer = setTimeout(
      () => fail(new RateLimitStoreError(`no answer from Redis within ${this.timeout} ms`)),
      this.timeout,
    );
    const settle = (value: unknown) => {
      if (done) return;
      if (!Array.isArray(value) || value.length !== n) {
        fail(new RateLimitStoreError(`unexpected answer from the script: ${String(value)}`));
        return;
      }
      done = true;
      this.inFlight--;
      clearTimeout(timer);
      for (let i = 0; i < n; i++) {
        const d = typeof value[i] === "string" ? Number(value[i]) : Number.NaN;
        if (Number.isFinite(d) && d !== 0) batch[i]!.resolve(d);
        else batch[i]!.reject(new RateLimitStoreError(`unexpected result: ${String(value[i])}`));
      }
    };
    this.client.evalsha(SHA, n, ...args).then(settle, (error: unknown) => {
      // NOSCRIPT (a restarted or flushed Redis): send the script itself, which caches it again.
      if (!done && String((error as Error)?.message).startsWith("NOSCRIPT"))
        this.client.eval(GCRA_SCRIPT, n, ...args).then(settle, fail);
      else fail(error);
    });
  }
}
