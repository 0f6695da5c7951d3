import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { parseAllow } from "../../../src/semantics/headers/allow.js";
import { MAX_FIELD_LENGTH } from "../../../src/semantics/headers/result.js";

/** "0,1,…,z,10,11,…": as many distinct method tokens as fit in `length` characters. */
function distinctMethods(length: number): { text: string; count: number } {
  const parts: string[] = [];
  let size = -1;
  for (let i = 0; size + 1 + i.toString(36).length <= length; i++) {
    parts.push(i.toString(36));
    size += 1 + i.toString(36).length;
  }
  return { text: parts.join(","), count: parts.length };
}

describe("regressions found by bench/fuzz.ts", () => {
  it("a field of thousands of distinct methods parses in linear time", () => {
    // Deduplicating with methods.includes() made this ~250 ms (quadratic: ~13,000 methods);
    // with a Set it is a few ms. The bound leaves a wide margin for a slow or busy machine.
    const { text, count } = distinctMethods(MAX_FIELD_LENGTH);
    expect(count).toBeGreaterThan(12_000);
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      const r = parseAllow(text);
      best = Math.min(best, performance.now() - t0);
      expect(r.ok && r.value.length).toBe(count);
    }
    expect(best).toBeLessThan(60);
  });

  it("still keeps the first occurrence of each method, in order", () => {
    expect(parseAllow("GET, PUT, GET, get, PUT, POST")).toEqual({
      ok: true,
      value: ["GET", "PUT", "get", "POST"],
    });
  });
});
