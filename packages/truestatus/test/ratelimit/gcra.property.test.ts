/**
 * The limiter's promises, as fast-check properties over random policies and random request
 * times (a fake clock drives the memory store):
 * - it never admits more than the policy allows: over any interval of L ms, at most
 *   burst + ⌊L·limit / window⌋ (so at most `limit` in any window when burst = 1);
 * - a refusal's Retry-After is never 0 and never longer than the window, and is exact: a retry
 *   after that wait is admitted;
 * - `remaining` is exact: that many more requests at the same instant are admitted, then no more;
 * - the store agrees with the pure GCRA model (gcra.ts), which the Redis script mirrors.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gcra, gcraParams } from "../../src/ratelimit/gcra.js";
import { createRateLimiter } from "../../src/ratelimit/limiter.js";
import { MemoryStore } from "../../src/ratelimit/stores/memory.js";

const policy = fc
  .record({
    limit: fc.integer({ min: 1, max: 40 }),
    window: fc.integer({ min: 1, max: 120 }),
    burstFactor: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 2, noNaN: true })),
  })
  .map(({ limit, window, burstFactor }) => ({
    limit,
    window,
    burst: Math.max(1, Math.round(limit * burstFactor)),
  }));

/** Request times (ms, sorted) for a few keys: bursts at one instant and spread-out arrivals. */
const arrivals = fc
  .array(
    fc.record({
      gap: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ max: 200_000, min: 0 }),
      ),
      key: fc.constantFrom("a", "b", "c"),
    }),
    { minLength: 1, maxLength: 300 },
  )
  .map((xs) => {
    let t = 1_750_000_000_000;
    return xs.map(({ gap, key }) => {
      t += gap;
      return { t, key };
    });
  });

interface Outcome {
  t: number;
  key: string;
  allowed: boolean;
  retryAfter: number;
  remaining: number;
}

async function run(
  p: { limit: number; window: number; burst: number },
  xs: { t: number; key: string }[],
) {
  let now = xs[0]!.t;
  const store = new MemoryStore({ now: () => now });
  const limiter = createRateLimiter({ ...p, store });
  const out: Outcome[] = [];
  for (const x of xs) {
    now = x.t;
    const d = await limiter.check(x.key);
    out.push({
      t: x.t,
      key: x.key,
      allowed: d.allowed,
      retryAfter: d.retryAfter,
      remaining: d.remaining,
    });
  }
  return { out, limiter, store, setNow: (t: number) => (now = t) };
}

describe("rate limiter properties (memory store, fake clock)", () => {
  it("never admits more than burst + ⌊L·limit/window⌋ in any interval of L ms", async () => {
    await fc.assert(
      fc.asyncProperty(policy, arrivals, async (p, xs) => {
        const { out } = await run(p, xs);
        const T = (p.window * 1000) / p.limit;
        for (const key of ["a", "b", "c"]) {
          const admitted = out.filter((o) => o.key === key && o.allowed).map((o) => o.t);
          // Every interval that matters starts and ends at an admission.
          for (let i = 0; i < admitted.length; i++) {
            for (let j = i; j < admitted.length; j++) {
              const L = admitted[j]! - admitted[i]!;
              expect(j - i + 1).toBeLessThanOrEqual(p.burst + Math.floor(L / T + 1e-3));
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("with burst = 1, never more than `limit` in any window", async () => {
    await fc.assert(
      fc.asyncProperty(policy, arrivals, async (p0, xs) => {
        const p = { ...p0, burst: 1 };
        const { out } = await run(p, xs);
        for (const key of ["a", "b", "c"]) {
          const admitted = out.filter((o) => o.key === key && o.allowed).map((o) => o.t);
          for (let i = 0; i < admitted.length; i++) {
            const end = admitted[i]! + p.window * 1000; // the window [t, t + w)
            const inWindow = admitted.filter((t) => t >= admitted[i]! && t < end).length;
            expect(inWindow).toBeLessThanOrEqual(p.limit);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("Retry-After is ≥ 1, ≤ the window, and a retry after it is admitted", async () => {
    await fc.assert(
      fc.asyncProperty(policy, arrivals, async (p, xs) => {
        const { out, limiter, setNow } = await run(p, xs);
        for (const o of out) {
          if (o.allowed) continue;
          expect(o.retryAfter).toBeGreaterThanOrEqual(1);
          expect(o.retryAfter).toBeLessThanOrEqual(p.window);
        }
        // The last refusal of each key: retrying after its Retry-After (nothing in between) works.
        for (const key of ["a", "b", "c"]) {
          const mine = out.filter((o) => o.key === key);
          const last = mine.at(-1);
          if (last === undefined || last.allowed) continue;
          setNow(last.t + last.retryAfter * 1000);
          expect((await limiter.check(key)).allowed).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("`remaining` is exact: that many more at the same instant, then a refusal", async () => {
    await fc.assert(
      fc.asyncProperty(policy, arrivals, async (p, xs) => {
        const { out, limiter } = await run(p, xs);
        const last = out.at(-1)!;
        if (!last.allowed) return;
        for (let k = 0; k < last.remaining; k++)
          expect((await limiter.check(last.key)).allowed, `extra ${k + 1}`).toBe(true);
        expect((await limiter.check(last.key)).allowed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("the memory store makes the decisions of the pure GCRA model", async () => {
    await fc.assert(
      fc.asyncProperty(policy, arrivals, async (p, xs) => {
        const params = gcraParams(p.limit, p.window, p.burst);
        // The store keeps TATs relative to its creation time; so does the model.
        const epoch = xs[0]!.t;
        let now = epoch;
        const store = new MemoryStore({ now: () => now });
        const model = new Map<string, number>();
        for (const x of xs) {
          now = x.t;
          const rel = now - epoch;
          const expected = gcra(model.get(x.key), rel, params);
          const prev = model.get(x.key);
          if (expected > 0)
            model.set(x.key, (prev === undefined || prev < rel ? rel : prev) + params.interval);
          const got = store.consume(x.key, params.interval, params.tolerance);
          expect(Math.sign(got)).toBe(Math.sign(expected));
          expect(Math.abs(got - expected)).toBeLessThanOrEqual(params.interval * 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });
});
