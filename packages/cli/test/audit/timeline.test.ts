import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Analysis } from "../../src/audit/engine.js";
import {
  bucketStart,
  emptyTimeline,
  mergeTimelines,
  nextWidth,
  statusClass,
  type Timeline,
} from "../../src/audit/timeline.js";
import { ALL_CAPABILITIES, exchange } from "./helpers.js";

function timelineOf(times: readonly number[], limit: number): Timeline {
  const a = new Analysis({ timelineLimit: limit });
  const add = a.source("a.har", "har", ALL_CAPABILITIES);
  for (const [i, t] of times.entries())
    add(exchange({ time: t, status: [200, 404, 503][t % 3]!, entry: i }));
  return a.summary().timeline;
}

describe("timeline", () => {
  it("the ladder: each width divides the next", () => {
    let w = 1;
    for (let i = 0; i < 16; i++) {
      const n = nextWidth(w);
      expect(n % w).toBe(0);
      expect(n).toBeGreaterThan(w);
      w = n;
    }
  });

  it("buckets on UTC epoch boundaries, by status class", () => {
    expect(bucketStart(3599, 3600)).toBe(0);
    expect(bucketStart(3600, 3600)).toBe(3600);
    expect([204, 302, 404, 503, 101, undefined, 999].map(statusClass)).toEqual([
      "2xx",
      "3xx",
      "4xx",
      "5xx",
      "1xx",
      "none",
      "other",
    ]);
    const t = timelineOf([0, 502, 1500, 61_002], 240); // status by time % 3: 200, 404, 200, 200
    expect(t).toEqual({
      width: 1,
      buckets: { "0": { "2xx": 1, "4xx": 1 }, "1": { "2xx": 1 }, "61": { "2xx": 1 } },
    });
  });

  it("widens to the narrowest ladder width that keeps at most `limit` buckets", () => {
    const minutes = Array.from({ length: 10 }, (_, i) => i * 60_000);
    expect(timelineOf(minutes, 10).width).toBe(1);
    // 5 s, 15 s and 1 min still make 10 buckets; 5 min make 2
    expect(timelineOf(minutes, 9).width).toBe(300);
    const t = timelineOf(minutes, 1);
    expect(t.width).toBe(900);
    expect(t.buckets).toEqual({ "0": { "2xx": 10 } });
  });

  it("merging the timelines of any split equals the timeline of the whole", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 * 86_400_000 }), { maxLength: 80 }),
        fc.array(fc.boolean(), { maxLength: 80 }),
        fc.integer({ min: 1, max: 12 }),
        (times, side, limit) => {
          const a = times.filter((_, i) => side[i]);
          const b = times.filter((_, i) => !side[i]);
          const whole = timelineOf(times, limit);
          const merged = mergeTimelines(timelineOf(a, limit), timelineOf(b, limit), limit);
          expect(JSON.stringify(merged)).toBe(JSON.stringify(whole));
          expect(mergeTimelines(emptyTimeline(), whole, limit)).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});
