import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildRateLimit,
  buildRateLimitPolicy,
  parseRateLimit,
  parseRateLimitPolicy,
  type RateLimit,
  type RateLimitPolicy,
} from "../../../src/semantics/headers/ratelimit.js";
import type { BareItem } from "../../../src/semantics/headers/structured-fields.js";
import {
  anyString,
  bareItem,
  mutated,
  plainRecord,
  RATELIMIT_KEYS,
  RATELIMIT_POLICY_KEYS,
  rateLimit,
  rateLimitPolicy,
  refusalViolation,
  resultViolation,
  SF_MAX_INTEGER,
  sfKey,
  sfString,
  withCrLfNul,
} from "./arbitraries.js";

const RUNS = { numRuns: 500 };
const POLICY_KEYS = RATELIMIT_POLICY_KEYS;
const LIMIT_KEYS = RATELIMIT_KEYS;
const policy = rateLimitPolicy;
const limit = rateLimit;
const nonNegInt = fc.integer({ min: 0, max: SF_MAX_INTEGER });

function plain<T extends { params?: Readonly<Record<string, BareItem>> }>(x: T) {
  return { ...x, params: plainRecord(x.params) };
}

describe("RateLimit-Policy", () => {
  it("round trip: parse(build(policies)) equals policies", () => {
    fc.assert(
      fc.property(fc.array(policy, { minLength: 1, maxLength: 4 }), (ps) => {
        const r = parseRateLimitPolicy(buildRateLimitPolicy(ps));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value.map(plain)).toEqual(ps.map(plain));
      }),
      RUNS,
    );
  });

  it("whatever the extra parameters, the builder refuses or its output parses back", () => {
    const anyParams = fc
      .uniqueArray(fc.tuple(fc.oneof(fc.constantFrom(...POLICY_KEYS), sfKey), bareItem), {
        selector: ([k]) => k,
        minLength: 1,
        maxLength: 3,
      })
      .map((pairs) => Object.fromEntries(pairs));
    fc.assert(
      fc.property(policy, anyParams, (p, params) => {
        const candidate = { ...p, params };
        let text: string;
        try {
          text = buildRateLimitPolicy(candidate);
        } catch {
          expect(refusalViolation(() => buildRateLimitPolicy(candidate))).toBeUndefined();
          return;
        }
        const r = parseRateLimitPolicy(text);
        expect(r.ok, `${text} → ${JSON.stringify(r)}`).toBe(true);
        if (r.ok) expect(r.value.map(plain)).toEqual([plain(candidate)]);
      }),
      RUNS,
    );
  });

  it("never throws, and every error is well formed", () => {
    const input = fc.oneof(
      anyString,
      mutated(fc.array(policy, { minLength: 1, maxLength: 3 }).map(buildRateLimitPolicy)),
    );
    fc.assert(
      fc.property(input, (s) => {
        expect(resultViolation(s, parseRateLimitPolicy(s))).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses CR, LF or NUL in the name, the unit, or an extra parameter", () => {
    fc.assert(
      fc.property(withCrLfNul, (bad) => {
        const cases: RateLimitPolicy[] = [
          { name: bad, quota: 1 },
          { name: "n", quota: 1, unit: bad },
          { name: "n", quota: 1, params: { x: bad } },
          { name: "n", quota: 1, params: { [bad]: 1 } },
        ];
        for (const c of cases)
          expect(refusalViolation(() => buildRateLimitPolicy(c))).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("refuses a quota or window that is not a non-negative (positive) integer in range", () => {
    const badQuota = fc.oneof(
      fc.integer({ min: -1e9, max: -1 }),
      fc.double({ noInteger: true }),
      fc.integer({ min: SF_MAX_INTEGER + 1, max: Number.MAX_SAFE_INTEGER }),
    );
    fc.assert(
      fc.property(badQuota, fc.integer({ min: -1e9, max: 0 }), (quota, window) => {
        expect(refusalViolation(() => buildRateLimitPolicy({ name: "n", quota }))).toBeUndefined();
        expect(
          refusalViolation(() => buildRateLimitPolicy({ name: "n", quota: 1, window })),
        ).toBeUndefined();
      }),
      RUNS,
    );
  });
});

describe("RateLimit", () => {
  it("round trip: parse(build(limits)) equals limits", () => {
    fc.assert(
      fc.property(fc.array(limit, { minLength: 1, maxLength: 4 }), (ls) => {
        const r = parseRateLimit(buildRateLimit(ls));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value.map(plain)).toEqual(ls.map(plain));
      }),
      RUNS,
    );
  });

  it("whatever the extra parameters, the builder refuses or its output parses back", () => {
    const anyParams = fc
      .uniqueArray(fc.tuple(fc.oneof(fc.constantFrom(...LIMIT_KEYS), sfKey), bareItem), {
        selector: ([k]) => k,
        minLength: 1,
        maxLength: 3,
      })
      .map((pairs) => Object.fromEntries(pairs));
    fc.assert(
      fc.property(limit, anyParams, (l, params) => {
        const candidate = { ...l, params };
        let text: string;
        try {
          text = buildRateLimit(candidate);
        } catch {
          expect(refusalViolation(() => buildRateLimit(candidate))).toBeUndefined();
          return;
        }
        const r = parseRateLimit(text);
        expect(r.ok, `${text} → ${JSON.stringify(r)}`).toBe(true);
        if (r.ok) expect(r.value.map(plain)).toEqual([plain(candidate)]);
      }),
      RUNS,
    );
  });

  it("never throws, and every error is well formed", () => {
    const input = fc.oneof(
      anyString,
      mutated(fc.array(limit, { minLength: 1, maxLength: 3 }).map(buildRateLimit)),
    );
    fc.assert(
      fc.property(input, (s) => {
        expect(resultViolation(s, parseRateLimit(s))).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses CR, LF or NUL in the name or an extra parameter", () => {
    fc.assert(
      fc.property(withCrLfNul, (bad) => {
        const cases: RateLimit[] = [
          { name: bad, remaining: 1 },
          { name: "n", remaining: 1, params: { x: bad } },
          { name: "n", remaining: 1, params: { [bad]: 1 } },
        ];
        for (const c of cases) expect(refusalViolation(() => buildRateLimit(c))).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("reads a hand-written field: name unescaped, r and t as integers", () => {
    fc.assert(
      fc.property(sfString, nonNegInt, nonNegInt, (name, r, t) => {
        const quoted = `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;
        const parsed = parseRateLimit(`${quoted};r=${r};t=${t}`);
        expect(parsed.ok && parsed.value).toEqual([{ name, remaining: r, reset: t }]);
      }),
      RUNS,
    );
  });
});
