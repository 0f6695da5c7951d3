/**
 * The Redis store against a real redis-server (Debian package) started on a free port: decisions,
 * the Lua script against the pure GCRA model, several limiter "replicas" on one key, the clock
 * taken from Redis, and Redis killed or paused mid-run (fail open / closed within the timeout).
 */
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { noLeaks } from "../../../../test/helpers/leaks.js";
import { type RedisServer, startRedis } from "../../../../test/helpers/redis-server.js";
import { decide } from "../../src/index.js";
import { gcra, gcraParams } from "../../src/ratelimit/gcra.js";
import { createRateLimiter } from "../../src/ratelimit/limiter.js";
import { GCRA_SCRIPT, RateLimitStoreError, RedisStore } from "../../src/ratelimit/stores/redis.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

const clients: Redis[] = [];
const servers: RedisServer[] = [];
async function cleanup(): Promise<void> {
  for (const c of clients.splice(0)) c.disconnect();
  for (const s of servers.splice(0)) await s.stop();
}
const test = (name: string, fn: () => Promise<void>) => it(name, noLeaks(fn, cleanup));

/** A client as we recommend it: fail at once when Redis is down, no retry queue. */
async function connect(port = redis.port): Promise<Redis> {
  const c = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
  c.on("error", () => {});
  clients.push(c);
  await c.connect();
  return c;
}

let prefixes = 0;
/** A fresh key space per test: the file shares one Redis. */
const prefix = () => `t${process.pid}-${++prefixes}:`;

describe("RedisStore", () => {
  test("decides as the memory store does: limit at once, then 429 with Retry-After", async () => {
    const store = new RedisStore({ client: await connect(), prefix: prefix() });
    const limiter = createRateLimiter({ limit: 3, window: 60, store });
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await limiter.check("1.2.3.4"));
    expect(seen.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(seen.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    const denied = seen[3]!;
    expect(denied.retryAfter).toBe(20);
    expect(decide(denied.failure!).headers).toEqual(denied.headers);
    expect(denied.headers.ratelimit).toBe('"default";r=0;t=20');
    expect((await limiter.check("5.6.7.8")).allowed).toBe(true);
  });

  test("keys expire when their bucket is full again: Redis holds only limiting keys", async () => {
    const client = await connect();
    const p = prefix();
    const limiter = createRateLimiter({
      limit: 10,
      window: 1,
      store: new RedisStore({ client, prefix: p }),
    });
    await limiter.check("k");
    const ttl = await client.pttl(`${p}default:k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(100);
  });

  test("the Lua script makes the decisions of the pure GCRA model (fixed now, property)", async () => {
    const store = new RedisStore({ client: await connect(), prefix: prefix() });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10_000 })), {
          minLength: 1,
          maxLength: 40,
        }),
        async (limit, window, burst, gaps) => {
          const params = gcraParams(limit, window, burst);
          const key = `model-${Math.random()}`;
          let now = 60_000_000_000;
          let tat: number | undefined;
          for (const gap of gaps) {
            now += gap;
            const expected = gcra(tat, now, params);
            if (expected > 0) tat = Math.max(tat ?? now, now) + params.interval;
            const got = await store.consumeAt(key, params.interval, params.tolerance, now);
            expect(Math.sign(got)).toBe(Math.sign(expected));
            expect(Math.abs(got - expected)).toBeLessThanOrEqual(params.interval * 1e-9);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  test("on a Redis older than 7.0 (SET with NX and GET refused) the script decides the same", async () => {
    const client = await connect();
    // Redis 6 answers "syntax error" to SET … NX … GET; an unknown option gets the same answer.
    const old = GCRA_SCRIPT.replace("'PX', math.ceil(new - now), 'GET')", "'PX', 1, 'NOPE')");
    expect(old).not.toBe(GCRA_SCRIPT);
    const key = `${prefix()}old-redis`;
    const params = gcraParams(2, 10, 2);
    let now = 60_000_000_000;
    let tat: number | undefined;
    const got: number[] = [];
    const want: number[] = [];
    for (const gap of [0, 0, 0, 4_000, 1_000, 20_000, 0]) {
      now += gap;
      const expected = gcra(tat, now, params);
      if (expected > 0) tat = Math.max(tat ?? now, now) + params.interval;
      const r = await client.eval(old, 1, key, now, params.interval, params.tolerance);
      got.push(r === 1 ? params.interval : Number(r));
      want.push(expected);
    }
    expect(got).toEqual(want);
    expect(want.filter((d) => d < 0)).toHaveLength(2);
    expect(await client.pttl(key)).toBeGreaterThan(0);
  });

  for (const batch of [true, false]) {
    test(`replicas sharing one key never admit more than the limit together (batch: ${batch})`, async () => {
      const p = prefix();
      const replicas = await Promise.all(
        [0, 1, 2, 3].map(async () =>
          createRateLimiter({
            limit: 50,
            window: 3600,
            store: new RedisStore({ client: await connect(), prefix: p, batch, maxBatch: 64 }),
          }),
        ),
      );
      const decisions = await Promise.all(
        Array.from({ length: 400 }, (_, i) => replicas[i % 4]!.check("shared-key")),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(50);
      expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfter === 72)).toBe(true);
      // Within one replica, the decisions of one batch came back in the order they were asked.
      const first = decisions.filter((_, i) => i % 4 === 0);
      const admittedIdx = first.map((d, i) => (d.allowed ? i : -1)).filter((i) => i >= 0);
      expect(admittedIdx).toEqual(admittedIdx.map((_, i) => admittedIdx[0]! + i));
    });
  }

  test("the clock is Redis's: a replica whose clock is an hour ahead decides the same", async () => {
    const p = prefix();
    const store = () => connect().then((client) => new RedisStore({ client, prefix: p }));
    const honest = createRateLimiter({ limit: 2, window: 60, store: await store() });
    const skewed = createRateLimiter({ limit: 2, window: 60, store: await store() });
    expect((await honest.check("k")).allowed).toBe(true);
    expect((await honest.check("k")).allowed).toBe(true);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3_600_000 });
    try {
      // A limiter on its local clock would think the window long past and admit.
      const d = await skewed.check("k");
      expect(d.allowed).toBe(false);
      expect(d.retryAfter).toBe(30);
    } finally {
      vi.useRealTimers();
    }
  });

  test("a restarted Redis (script cache empty) still decides: NOSCRIPT falls back to EVAL", async () => {
    const client = await connect();
    await client.script("FLUSH");
    const limiter = createRateLimiter({
      limit: 1,
      window: 60,
      store: new RedisStore({ client, prefix: prefix() }),
    });
    expect((await limiter.check("k")).allowed).toBe(true);
    expect((await limiter.check("k")).allowed).toBe(false);
    expect(limiter.metrics.storeErrors).toBe(0);
  });
});

describe("RedisStore when Redis fails", () => {
  test("killed mid-run: fail open (default) admits, counts and logs; fail closed answers 503", async () => {
    const own = await startRedis();
    servers.push(own);
    const client = await connect(own.port);
    const logs: unknown[] = [];
    const store = new RedisStore({ client, prefix: prefix(), timeout: 200 });
    const open = createRateLimiter({
      limit: 1,
      window: 60,
      store,
      log: (_m, e) => logs.push(e),
    });
    const closed = createRateLimiter({
      limit: 1,
      window: 60,
      store,
      onStoreError: "closed",
      log: () => {},
    });
    expect((await open.check("k")).allowed).toBe(true);
    expect((await open.check("k")).allowed).toBe(false);
    await own.kill();
    const d = await open.check("k");
    expect([d.allowed, d.degraded]).toEqual([true, true]);
    expect(open.metrics).toMatchObject({ storeErrors: 1, failedOpen: 1 });
    expect(logs[0]).toBeInstanceOf(RateLimitStoreError);
    expect((logs[0] as RateLimitStoreError).code).toBe("TRUESTATUS_RATE_LIMIT_STORE");
    const c = await closed.check("k");
    expect(c.allowed).toBe(false);
    const answer = decide(c.failure!);
    expect([answer.status, answer.headers["retry-after"]]).toEqual([503, "5"]);
  });

  test("paused (SIGSTOP): each decision gives up after the store's timeout, then recovers", async () => {
    const own = await startRedis();
    servers.push(own);
    const store = new RedisStore({
      client: await connect(own.port),
      prefix: prefix(),
      timeout: 100,
    });
    const open = createRateLimiter({ limit: 5, window: 60, store, log: () => {} });
    const closed = createRateLimiter({
      limit: 5,
      window: 60,
      store,
      onStoreError: "closed",
      log: () => {},
    });
    expect((await open.check("k")).degraded).toBe(false);
    own.pause();
    try {
      const started = Date.now();
      const [a, b] = await Promise.all([open.check("k"), closed.check("k")]);
      const waited = Date.now() - started;
      expect([a.allowed, a.degraded]).toEqual([true, true]);
      expect([b.allowed, decide(b.failure!).status]).toEqual([false, 503]);
      // Not before the timeout, and not hanging on a silent Redis (a generous upper bound).
      expect(waited).toBeGreaterThanOrEqual(95);
      expect(waited).toBeLessThan(2_000);
    } finally {
      own.resume();
    }
    // Redis answers again: decisions are real again.
    const again = await open.check("k2");
    expect([again.allowed, again.degraded]).toEqual([true, false]);
  });

  test("a client that is not one is refused at construction", async () => {
    expect(() => new RedisStore({ client: {} as never })).toThrow(TypeError);
    const fake = { eval: async () => 1, evalsha: async () => 1 };
    expect(() => new RedisStore({ client: fake, timeout: 0 })).toThrow(RangeError);
    expect(() => new RedisStore({ client: fake, maxBatch: 0 })).toThrow(RangeError);
  });
});
