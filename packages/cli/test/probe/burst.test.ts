/**
 * The burst scenario against real limiters: one that tells the truth in Retry-After, one that
 * names a wait and keeps refusing after it, one that never limits.
 */
import { describe, expect, it } from "vitest";
import { runProbe } from "../../src/probe/probe.js";
import { json, target } from "./target.js";

/** A fixed window of `limit` requests; `honour`: whether the window really ends when Retry-After says. */
function limiter(limit: number, honour: boolean) {
  let count = 0;
  let resetAt = 0;
  return target((_req, res) => {
    const now = Date.now();
    if (resetAt === 0 || (honour && now >= resetAt)) {
      count = 0;
      resetAt = now + 1000;
    }
    if (++count > limit)
      return json(res, 429, { title: "Too Many Requests" }, { "retry-after": "1" });
    json(res, 200, [{ id: "a1" }]);
  });
}

const probe = (url: string) =>
  runProbe({ target: url, routes: ["GET /things"], burst: 8, rate: 1000 });

describe("burst", () => {
  it("a limiter whose Retry-After is the truth: 429s with Retry-After, and the retry after the wait passes", async () => {
    const t = await limiter(3, true);
    try {
      const r = await probe(t.url);
      expect(
        r.requests.filter((q) => q.scenario === "burst" && q.status === 429).length,
      ).toBeGreaterThan(0);
      expect(r.requests.filter((q) => q.scenario === "burst-retry").map((q) => q.status)).toEqual([
        200,
      ]);
      expect(Object.keys(r.summary.findings)).not.toContain("429-needs-retry-after");
      expect(Object.keys(r.summary.findings)).not.toContain("probe-retry-after-not-honoured");
    } finally {
      await t.close();
    }
  });

  it("a limiter that names a wait and keeps refusing after it → probe-retry-after-not-honoured", async () => {
    const t = await limiter(3, false);
    try {
      const r = await probe(t.url);
      expect(r.requests.filter((q) => q.scenario === "burst-retry").map((q) => q.status)).toEqual([
        429,
      ]);
      expect(r.summary.findings["probe-retry-after-not-honoured"]?.samples[0]?.message).toMatch(
        /^GET \/things after the Retry-After \(1\) of a 429: 429 again after waiting \d+ ms/,
      );
    } finally {
      await t.close();
    }
  });

  it("no limit within the burst: no finding, a note", async () => {
    const t = await limiter(1000, true);
    try {
      const r = await probe(t.url);
      expect(r.requests.filter((q) => q.scenario === "burst")).toHaveLength(8);
      expect(Object.keys(r.summary.findings)).not.toContain("429-needs-retry-after");
      expect(Object.keys(r.summary.findings)).not.toContain("probe-retry-after-not-honoured");
      expect(r.notes).toContain("burst: 8 requests to GET /things were all answered without a 429");
    } finally {
      await t.close();
    }
  });
});
