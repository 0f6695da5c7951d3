/** The fast series are exposed exactly as prom-client's own metrics would be. */
import fc from "fast-check";
import { Counter, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { FastCounter, FastHistogram } from "../../src/gateway/fast-metrics.js";

const BUCKETS = [0.001, 0.01, 0.1, 1];

describe("fast metrics", () => {
  it("a histogram and a counter print what prom-client's print for the same observations", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom("GET", "POST"),
            fc.constantFrom("200", "502"),
            fc.double({ min: 0, max: 5, noNaN: true }),
          ),
          { maxLength: 40 },
        ),
        async (obs) => {
          const ours = new Registry();
          const theirs = new Registry();
          const h = new FastHistogram("d_seconds", "help", ["method", "status"], BUCKETS, ours);
          const c = new FastCounter("n_total", "help", ["method"], ours);
          const ph = new Histogram({
            name: "d_seconds",
            help: "help",
            labelNames: ["method", "status"],
            buckets: BUCKETS,
            registers: [theirs],
          });
          const pc = new Counter({
            name: "n_total",
            help: "help",
            labelNames: ["method"],
            registers: [theirs],
          });
          for (const [m, s, v] of obs) {
            h.of(m, s).observe(v);
            c.inc(m);
            ph.labels(m, s).observe(v);
            pc.labels(m).inc();
          }
          expect(await ours.metrics()).toBe(await theirs.metrics());
        },
      ),
      { numRuns: 50 },
    );
  });
});
