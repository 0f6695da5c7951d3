/** The limiter's decisions, headers, fail-open/closed behaviour and the memory store's bound. */
import { BlockList } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide, parseRateLimit, parseRateLimitPolicy } from "../../src/index.js";
import { clientKey } from "../../src/ratelimit/client-key.js";
import { createRateLimiter } from "../../src/ratelimit/limiter.js";
import type { RateLimitStore } from "../../src/ratelimit/store.js";
import { MemoryStore } from "../../src/ratelimit/stores/memory.js";

function clock(start = 1_750_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("createRateLimiter", () => {
  it("admits `limit` at once, then refuses with 429, Retry-After and the RateLimit fields", async () => {
    const c = clock();
    const limiter = createRateLimiter({
      limit: 3,
      window: 60,
      store: new MemoryStore({ now: c.now }),
    });
    const first = await limiter.check("1.2.3.4");
    expect(first.allowed).toBe(true);
    expect(first.remaining).toBe(2);
    expect(first.headers).toEqual({
      ratelimit: '"default";r=2;t=20',
      "ratelimit-policy": '"default";q=3;w=60',
    });
    expect((await limiter.check("1.2.3.4")).remaining).toBe(1);
    expect((await limiter.check("1.2.3.4")).remaining).toBe(0);
    const denied = await limiter.check("1.2.3.4");
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfter).toBe(20);
    expect(denied.headers).toEqual({
      "retry-after": "20",
      ratelimit: '"default";r=0;t=20',
      "ratelimit-policy": '"default";q=3;w=60',
    });
    // The decision's headers are exactly what the core decides for its failure.
    const d = decide(denied.failure!);
    expect(d.status).toBe(429);
    expect(d.headers).toEqual(denied.headers);
    // Another key has its own quota.
    expect((await limiter.check("5.6.7.8")).allowed).toBe(true);
    c.advance(20_000);
    expect((await limiter.check("1.2.3.4")).allowed).toBe(true);
    expect(limiter.metrics).toMatchObject({ allowed: 5, denied: 1, storeErrors: 0 });
  });

  it("headers parse with the core codecs and match their builders, for any policy name and state (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 86_400 }),
        fc.stringMatching(/^[ -~]{0,20}$/),
        fc.integer({ min: 1, max: 50 }),
        async (limit, window, name, calls) => {
          const limiter = createRateLimiter({ limit, window, name });
          for (let i = 0; i < calls; i++) {
            const d = await limiter.check("k");
            const rl = parseRateLimit(d.headers.ratelimit!);
            expect(rl.ok && rl.value[0]).toEqual({ name, remaining: d.remaining, reset: d.reset });
            const rp = parseRateLimitPolicy(d.headers["ratelimit-policy"]!);
            expect(rp.ok && rp.value[0]).toEqual({ name, quota: limit, window });
            if (!d.allowed) expect(decide(d.failure!).headers).toEqual(d.headers);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("checkSync decides without a promise on a synchronous store, and refuses an async one", async () => {
    const limiter = createRateLimiter({ limit: 1, window: 60 });
    const d = limiter.checkSync("k");
    expect([d.allowed, d.remaining]).toEqual([true, 0]);
    expect(limiter.checkSync("k").allowed).toBe(false);
    expect((await limiter.check("k")).allowed).toBe(false);
    const remote = createRateLimiter({
      limit: 1,
      window: 60,
      store: { shared: true, consume: () => Promise.resolve(1) },
    });
    expect(() => remote.checkSync("k")).toThrow(TypeError);
  });

  it("a decision serializes with its derived values", () => {
    const limiter = createRateLimiter({ limit: 2, window: 10 });
    expect(JSON.parse(JSON.stringify(limiter.checkSync("k")))).toEqual({
      allowed: true,
      remaining: 1,
      reset: 5,
      retryAfter: 0,
      degraded: false,
      headers: { ratelimit: '"default";r=1;t=5', "ratelimit-policy": '"default";q=2;w=10' },
    });
  });

  it("a burst smaller than the limit spreads the quota", async () => {
    const c = clock();
    const limiter = createRateLimiter({
      limit: 60,
      window: 60,
      burst: 2,
      store: new MemoryStore({ now: c.now }),
    });
    expect((await limiter.check("k")).allowed).toBe(true);
    expect((await limiter.check("k")).allowed).toBe(true);
    const d = await limiter.check("k");
    expect([d.allowed, d.retryAfter]).toEqual([false, 1]);
    c.advance(1_000);
    expect((await limiter.check("k")).allowed).toBe(true);
  });

  it("hashes very long keys: a client cannot make the store hold its megabytes", async () => {
    const store = new MemoryStore();
    const limiter = createRateLimiter({ limit: 1, window: 60, store });
    const long = "x".repeat(1_000_000);
    expect((await limiter.check(long)).allowed).toBe(true);
    expect((await limiter.check(long)).allowed).toBe(false);
    expect((await limiter.check(`${long}y`)).allowed).toBe(true);
  });

  it.each([
    [{ limit: 0, window: 60 }, "limit"],
    [{ limit: 1.5, window: 60 }, "limit"],
    [{ limit: 10, window: 0 }, "window"],
    [{ limit: 10, window: 0.5 }, "window"],
    [{ limit: 10, window: 60, burst: 0 }, "burst"],
    [{ limit: 10, window: 60, onStoreError: "maybe" as "open" }, "onStoreError"],
    [{ limit: 10, window: 60, storeErrorRetryAfter: 0 }, "storeErrorRetryAfter"],
  ])("refuses %o (option %s)", (options, option) => {
    expect(() => createRateLimiter(options)).toThrow(new RegExp(option));
  });
});

describe("when the store cannot decide", () => {
  const broken = (how: "throw" | "reject"): RateLimitStore => ({
    shared: true,
    consume: () => {
      const e = new Error("connect ECONNREFUSED 127.0.0.1:6379");
      if (how === "throw") throw e;
      return Promise.reject(e);
    },
  });

  it.each(["throw", "reject"] as const)(
    "fails open by default (store errors: %s), counted and logged",
    async (how) => {
      const logged: string[] = [];
      const limiter = createRateLimiter({
        limit: 1,
        window: 60,
        store: broken(how),
        log: (m) => logged.push(m),
      });
      for (let i = 0; i < 3; i++) {
        const d = await limiter.check("k");
        expect(d.allowed).toBe(true);
        expect(d.degraded).toBe(true);
        expect(d.headers).toEqual({});
      }
      expect(limiter.metrics).toMatchObject({ storeErrors: 3, failedOpen: 3, failedClosed: 0 });
      expect(logged).toHaveLength(3);
      expect(logged[0]).toMatch(/admitting/);
    },
  );

  it("fails closed on request: 503 + Retry-After, never 500, never 429", async () => {
    const limiter = createRateLimiter({
      limit: 1,
      window: 60,
      store: broken("reject"),
      onStoreError: "closed",
      storeErrorRetryAfter: 7,
      log: () => {},
    });
    const d = await limiter.check("k");
    expect(d.allowed).toBe(false);
    const answer = decide(d.failure!);
    expect(answer.status).toBe(503);
    expect(answer.headers).toEqual({ "retry-after": "7" });
    expect(d.headers).toEqual(answer.headers);
    expect(limiter.metrics).toMatchObject({ storeErrors: 1, failedClosed: 1 });
  });

  it("the default log says so at most once per 10 s, with the count in between", async () => {
    const lines: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => lines.push(args);
    try {
      const limiter = createRateLimiter({ limit: 1, window: 60, store: broken("reject") });
      for (let i = 0; i < 50; i++) await limiter.check("k");
    } finally {
      console.warn = warn;
    }
    expect(lines).toHaveLength(1);
    expect(String(lines[0]![0])).toMatch(/rate-limit store failed; admitting/);
  });
});

describe("MemoryStore bound", () => {
  it("a flood of distinct keys never grows past maxKeys; idle keys go first", () => {
    const c = clock();
    const store = new MemoryStore({ maxKeys: 1_000, now: c.now });
    const T = 1_000;
    // 100 keys that keep limiting (their TAT stays ahead of now).
    for (let k = 0; k < 100; k++) store.consume(`active-${k}`, 10_000_000, 0);
    for (let i = 0; i < 200_000; i++) {
      store.consume(`flood-${i}`, T, 0); // each flood key is idle 1 s later
      if (i % 500 === 0) c.advance(2 * T);
      expect(store.size).toBeLessThanOrEqual(1_000);
    }
    // The limiting keys survived the flood: they are still refused.
    for (let k = 0; k < 100; k++)
      expect(store.consume(`active-${k}`, 10_000_000, 0)).toBeLessThan(0);
    expect(store.evictedActive).toBe(0);
  });

  it("when more than 90 % of the keys are limiting, those closest to idle are dropped (counted)", () => {
    const store = new MemoryStore({ maxKeys: 100, now: () => 0 });
    for (let i = 0; i < 1_000; i++) store.consume(`k${i}`, 60_000, 0);
    expect(store.size).toBeLessThanOrEqual(100);
    expect(store.evictedActive).toBeGreaterThan(0);
  });

  it("refuses a maxKeys that is not a positive integer", () => {
    expect(() => new MemoryStore({ maxKeys: 0 })).toThrow(RangeError);
  });
});

describe("clientKey (property)", () => {
  /** The first 64 bits of an IPv6 address, via Node's own parser (a BlockList /64 rule). */
  const same64 = (a: string, b: string) => {
    const list = new BlockList();
    list.addSubnet(a, 64, "ipv6");
    return list.check(b, "ipv6");
  };

  const isMapped = (ip: string) => {
    const list = new BlockList();
    list.addSubnet("::ffff:0.0.0.0", 96, "ipv6");
    return list.check(ip, "ipv6");
  };

  it("two IPv6 addresses share a key exactly when they share their /64; IPv4 keys are the address", () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.ipV6(), (a, b) => {
        // IPv4-mapped addresses are keyed as the IPv4 client they are (checked below).
        fc.pre(!isMapped(a) && !isMapped(b));
        expect(clientKey(a) === clientKey(b)).toBe(same64(a, b));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.ipV4(), (a) => {
        expect(clientKey(a)).toBe(a);
        expect(clientKey(`::ffff:${a}`)).toBe(a);
        const [w, x, y, z] = a.split(".").map(Number) as [number, number, number, number];
        const hex = `::ffff:${((w << 8) | x).toString(16)}:${((y << 8) | z).toString(16)}`;
        expect(clientKey(hex)).toBe(a);
      }),
    );
  });

  it("never throws, whatever the string", () => {
    fc.assert(fc.property(fc.string(), (s) => typeof clientKey(s) === "string"));
  });
});

describe("clientKey", () => {
  it.each([
    ["203.0.113.9", "203.0.113.9"],
    ["::ffff:203.0.113.9", "203.0.113.9"],
    ["2001:db8:1:2:3:4:5:6", "2001:0db8:0001:0002::/64"],
    ["2001:db8:1:2::9", "2001:0db8:0001:0002::/64"],
    ["2001:DB8:1:2:ffff::1", "2001:0db8:0001:0002::/64"],
    ["::1", "0000:0000:0000:0000::/64"],
    ["fe80::1%eth0", "fe80:0000:0000:0000::/64"],
    [undefined, "unknown"],
  ])("%s → %s", (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });
});
