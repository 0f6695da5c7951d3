import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { negotiateProblem } from "../../src/server/negotiate.js";

describe("negotiateProblem", () => {
  it.each([
    [undefined, "problem"],
    ["", "problem"],
    ["*/*", "problem"],
    ["application/problem+json", "problem"],
    ["application/json, application/problem+json", "problem"],
    ["application/json", "json"],
    ["Application/JSON", "json"],
    ["application/*", "problem"],
    ["application/json, application/problem+json;q=0", "json"],
    ["application/problem+json;q=0.1, application/json", "json"],
    ["text/plain", "text"],
    ["text/*", "text"],
    ["text/html", "text"],
    ["image/png", "text"],
    ["text/html, */*;q=0.1", "problem"],
    ["text/plain, application/json;q=0.5", "text"],
    ["*/*;q=0, application/json", "json"],
    ["application/json;q=0, text/plain;q=0", "text"],
  ] as const)("%s → %s", (accept, media) => {
    expect(negotiateProblem(accept)).toBe(media);
  });

  it("never throws and always picks one of the three, for any header", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), (accept) => {
        expect(["problem", "json", "text"]).toContain(negotiateProblem(accept));
      }),
      { numRuns: 2000 },
    );
  });

  it("an exact range wins over a wildcard, whatever their order", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1, noNaN: true }), fc.boolean(), (q, first) => {
        const ranges = [
          "*/*;q=1",
          `application/json;q=${q.toFixed(3)}`,
          "application/problem+json;q=0",
        ];
        const accept = (first ? ranges : ranges.reverse()).join(", ");
        // problem+json is refused (q=0) even though */* would allow it; text/plain gets */*'s 1.
        expect(negotiateProblem(accept)).toBe(Number(q.toFixed(3)) >= 1 ? "json" : "text");
      }),
    );
  });
});
