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
 * since the epoch; then, per key, T and τ (ms). Returns the result for one key, or one per key
 * for a batch: the integer 1 when the bucket was full (no key: admitted, the result is T, which
 * the caller knows), else the result as a string (a Lua number returned to Redis would be
 * truncated to an integer). A full bucket, the common case, costs one command: SET NX stores
 * now + T and (Redis ≥ 7.0, GET) answers the TAT that is there instead; an older Redis refuses
 * NX with GET, and the script then reads and writes as two commands. The TAT is stored as the
 * number itself: Redis converts a Lua number argument with "%.17g", which reads back as the
 * same double.
 */
export const GCRA_SCRIPT = `
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  now = (tonumber(t[1]) - ${REDIS_EPOCH_SECONDS}) * 1000 + tonumber(t[2]) / 1000
end
local n = #KEYS
local out
for i = 1, n do
  local key = KEYS[i]
  local interval = tonumber(ARGV[2 * i])
  local new = now + interval
  local d = 1
  local v = redis.pcall('SET', key, new, 'NX', 'PX', math.ceil(new - now), 'GET')
  if type(v) == 'table' then
    v = redis.call('GET', key)
    if not v then redis.call('SET', key, new, 'PX', math.ceil(new - now)) end
  end
  if v then
    local tolerance = tonumber(ARGV[2 * i + 1])
    local tat = tonumber(v)
    if tat < now then tat = now end
    local ahead = tat - now
    if ahead - tolerance > interval * ${EPSILON} then
      d = string.format('%.17g', -ahead)
    else
      new = tat + interval
      redis.call('SET', key, new, 'PX', math.ceil(new - now))
      d = string.format('%.17g', ahead + interval)
    end
  end
  if n == 1 then return d end
  out = out or {}
  out[i] = d
end
return out
`;

/**
 * SHA-1 of GCRA_SCRIPT, for EVALSHA: a constant, so that loading this module needs no
 * node:crypto (truestatus/ratelimit runs on Web-standard runtimes); test/ratelimit/redis.test.ts
 * checks it against the script.
 */
export const GCRA_SCRIPT_SHA = "44be7b1d31f0fd11543889bd67d614eab29c83dd";
const SHA = GCRA_SCRIPT_SHA;

/**
 * One decision waiting for its script call to be sent and answered: it settles its promise with
 * the result (or the failure), mapped when asked through `consumeMapped`.
 */
class Pending {
  constructor(
    readonly key: string,
    readonly interval: number,
    readonly tolerance: number,
    private readonly resolve: (v: unknown) => void,
    private readonly reject: (e: unknown) => void,
    private readonly onResult?: (d: number) => unknown,
    private readonly onError?: (e: unknown) => unknown,
  ) {}

  /** Settles with the script's result for this key: 1 (a full bucket: T), or a decimal string. */
  answer(v: unknown): void {
    const d = v === 1 ? this.interval : typeof v === "string" ? Number(v) : Number.NaN;
    if (Number.isFinite(d) && d !== 0) {
      if (this.onResult === undefined) this.resolve(d);
      else this.mapped(this.onResult, d);
    } else this.fail(new RateLimitStoreError(`unexpected result: ${String(v)}`));
  }

  fail(e: unknown): void {
    if (this.onError === undefined) this.reject(e);
    else this.mapped(this.onError, e);
  }

  private mapped<A>(f: (a: A) => unknown, a: A): void {
    try {
      this.resolve(f(a));
    } catch (e) {
      this.reject(e);
    }
  }
}

/**
 * A script call sent and not yet settled. Flights wait in the order they were sent, which is
 * the order of their deadlines (one timeout for all): one timer watches the oldest.
 */
class Flight {
  done = false;
  next: Flight | undefined = undefined;
  constructor(
    readonly batch: readonly Pending[],
    readonly deadline: number,
  ) {}
}

/** A number as the script's argument, converted once for the values seen last. */
class ArgCache {
  private n = Number.NaN;
  private s = "";
  get(n: number): string {
    if (n !== this.n) {
      this.n = n;
      this.s = String(n);
    }
    return this.s;
  }
}

export class RedisStore implements RateLimitStore {
  readonly shared = true;
  readonly prefix: string;
  readonly timeout: number;
  readonly maxBatch: number;
  private readonly client: RedisScriptClient;
  private queue: Pending[] = [];
  /** Script calls sent and not yet settled, oldest first (a linked list). */
  private head: Flight | undefined = undefined;
  private tail: Flight | undefined = undefined;
  /**
   * The one deadline timer (unref'd): armed when a call is sent and none is armed; when it
   * fires it fails the overdue calls and re-arms for the oldest one left. It is not cleared
   * when the last answer comes (that would cost a timer per decision): it then fires once,
   * finds nothing, and stops, at most `timeout` ms later.
   */
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private readonly intervals = new ArgCache();
  private readonly tolerances = new ArgCache();

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
      this.ask(
        new Pending(
          this.prefix + key,
          interval,
          tolerance,
          resolve as (v: unknown) => void,
          reject,
        ),
      );
    });
  }

  consumeMapped<T>(
    key: string,
    interval: number,
    tolerance: number,
    onResult: (d: number) => T,
    onError: (error: unknown) => T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const k = this.prefix + key;
      this.ask(
        new Pending(
          k,
          interval,
          tolerance,
          resolve as (v: unknown) => void,
          reject,
          onResult,
          onError,
        ),
      );
    });
  }

  /** The same decision at a fixed `now` (ms since REDIS_EPOCH_SECONDS): for tests of the script. */
  consumeAt(key: string, interval: number, tolerance: number, now: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const p = new Pending(
        this.prefix + key,
        interval,
        tolerance,
        resolve as (v: unknown) => void,
        reject,
      );
      this.send([p], String(now));
    });
  }

  private ask(p: Pending): void {
    // Nothing waiting on Redis (e.g. one request at a time): send at once, no batching delay.
    if (this.maxBatch === 1 || (this.head === undefined && this.queue.length === 0)) {
      this.send([p], "");
      return;
    }
    // Otherwise the decisions asked for in this turn of the event loop share one script call.
    if (this.queue.length === 0) setImmediate(this.flush);
    this.queue.push(p);
    if (this.queue.length >= this.maxBatch) this.flush();
  }

  private readonly flush = (): void => {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.send(batch, "");
  };

  private send(batch: readonly Pending[], now: string): void {
    const n = batch.length;
    const args: string[] = new Array(n + 1 + 2 * n);
    for (let i = 0; i < n; i++) {
      const p = batch[i]!;
      args[i] = p.key;
      args[n + 1 + 2 * i] = this.intervals.get(p.interval);
      args[n + 2 + 2 * i] = this.tolerances.get(p.tolerance);
    }
    args[n] = now;
    const f = new Flight(batch, performance.now() + this.timeout);
    if (this.tail === undefined) this.head = f;
    else this.tail.next = f;
    this.tail = f;
    if (this.timer === undefined) this.timer = setTimeout(this.expire, this.timeout).unref();
    // Inline arrows, not named ones: a bundler keeping function names (tsx, esbuild's keepNames)
    // would define a `name` property on each, per call.
    this.client.evalsha(SHA, n, ...args).then(
      (value: unknown) => this.settle(f, value),
      (error: unknown) => this.retry(f, args, error),
    );
  }

  /** NOSCRIPT (a restarted or flushed Redis): sends the script itself, which caches it again. */
  private retry(f: Flight, args: readonly string[], error: unknown): void {
    if (!f.done && String((error as Error)?.message).startsWith("NOSCRIPT"))
      this.client.eval(GCRA_SCRIPT, f.batch.length, ...args).then(
        (value: unknown) => this.settle(f, value),
        (e: unknown) => this.fail(f, e),
      );
    else this.fail(f, error);
  }

  /** Marks a flight settled and drops the settled ones at the head of the list. */
  private land(f: Flight): void {
    f.done = true;
    let h = this.head;
    while (h?.done) h = h.next;
    this.head = h;
    if (h === undefined) this.tail = undefined;
  }

  private settle(f: Flight, value: unknown): void {
    if (f.done) return;
    const batch = f.batch;
    const n = batch.length;
    if (n === 1 ? Array.isArray(value) : !Array.isArray(value) || value.length !== n) {
      this.fail(f, new RateLimitStoreError(`unexpected answer from the script: ${String(value)}`));
      return;
    }
    this.land(f);
    if (n === 1) batch[0]!.answer(value);
    else for (let i = 0; i < n; i++) batch[i]!.answer((value as unknown[])[i]);
  }

  private fail(f: Flight, error: unknown): void {
    if (f.done) return;
    this.land(f);
    const e =
      error instanceof RateLimitStoreError ? error : new RateLimitStoreError("Redis failed", error);
    for (const p of f.batch) p.fail(e);
  }

  /** The deadline timer: fails the overdue flights, then watches the oldest one left. */
  private readonly expire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    let h = this.head;
    for (; h !== undefined && h.deadline <= now; h = this.head)
      if (h.done) this.land(h);
      else this.fail(h, new RateLimitStoreError(`no answer from Redis within ${this.timeout} ms`));
    if (h !== undefined)
      this.timer = setTimeout(this.expire, Math.max(1, Math.ceil(h.deadline - now))).unref();
  };
}
