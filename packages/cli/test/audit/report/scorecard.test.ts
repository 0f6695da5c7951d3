import { describe, expect, it } from "vitest";
import { analyzeExchanges } from "../../../src/audit/engine.js";
import { formatShare, gradeOf, scorecard } from "../../../src/audit/report/scorecard.js";
import { emptySummary } from "../../../src/audit/summary.js";
import { ALL_CAPABILITIES, exchange, json } from "../helpers.js";

describe("scorecard", () => {
  it("grades the truthful share at the documented thresholds", () => {
    expect([1, 0.99, 0.9899, 0.95, 0.9, 0.75, 0.7499, 0].map(gradeOf)).toEqual([
      "A",
      "A",
      "B",
      "B",
      "C",
      "D",
      "F",
      "F",
    ]);
  });

  it("never rounds up to 100% or down to 0%", () => {
    expect(formatShare(0.99996)).toBe("99.99%");
    expect(formatShare(1)).toBe("100.0%");
    expect(formatShare(0.972)).toBe("97.2%");
    expect(formatShare(0.00004)).toBe("0.00%");
    expect(formatShare(0.0004)).toBe("0.04%");
  });

  it("counts answered failures, and those not answered truthfully", () => {
    const s = analyzeExchanges(
      [
        exchange({ status: 401, entry: 0 }), // no WWW-Authenticate: untruthful
        exchange({ status: 401, entry: 1, resHeaders: { "www-authenticate": "Bearer" } }),
        exchange({ status: 404, entry: 2 }),
        json(200, { error: "nope" }, { entry: 3 }), // soft error: untruthful
        exchange({ noResponse: true, networkError: "net::ERR_FAILED", entry: 4 }), // not answered
        exchange({ status: 200, entry: 5 }),
      ],
      { file: "a.har", format: "har", capabilities: ALL_CAPABILITIES },
    );
    const card = scorecard(s);
    expect(card.answered).toBe(4);
    expect(card.untruthful).toBe(2);
    expect(card.truthfulShare).toBe(0.5);
    expect(card.grade).toBe("F");
    expect(card.classes).toMatchObject({ auth: 2, not_found: 1, soft_error: 1, throttling: 0 });
    expect(card.findings.error).toBeGreaterThanOrEqual(1);
    expect(card.rulesRan).toBe(card.rulesTotal);
  });

  it("has no grade without answered failures", () => {
    expect(scorecard(emptySummary())).toMatchObject({ grade: undefined, answered: 0 });
  });
});
