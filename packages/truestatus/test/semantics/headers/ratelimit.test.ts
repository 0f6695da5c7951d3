import { describe, expect, it } from "vitest";
import { HeaderValueError } from "../../../src/semantics/errors.js";
import {
  buildRateLimit,
  buildRateLimitPolicy,
  parseRateLimitPolicy,
} from "../../../src/semantics/headers/ratelimit.js";

describe("regressions found by the property tests", () => {
  it("a reserved parameter passed through params is refused even when its property is unset", () => {
    // `{ params: { w: "abc" } }` used to be sent as `"n";q=1;w="abc"`, which the parser rejects.
    expect(() => buildRateLimitPolicy({ name: "n", quota: 1, params: { w: "abc" } })).toThrow(
      HeaderValueError,
    );
    expect(() => buildRateLimitPolicy({ name: "n", quota: 1, params: { pk: 0 } })).toThrow(
      HeaderValueError,
    );
    expect(() => buildRateLimit({ name: "n", remaining: 1, params: { t: false } })).toThrow(
      HeaderValueError,
    );
  });

  it("unreserved extra parameters are still sent and read back", () => {
    const text = buildRateLimitPolicy({ name: "n", quota: 1, params: { x: "abc" } });
    expect(text).toBe('"n";q=1;x="abc"');
    const r = parseRateLimitPolicy(text);
    expect(r.ok && r.value[0]!.params).toEqual({ x: "abc" });
  });
});
