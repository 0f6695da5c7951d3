import { describe, expect, it } from "vitest";
import { isReportFormat, REPORT_FORMATS } from "../../../src/audit/report/formats.js";
import { REPORTERS } from "../../../src/audit/report/index.js";

describe("report formats", () => {
  it("the formats the CLI accepts are exactly the reporters", () => {
    expect(Object.keys(REPORTERS).sort()).toEqual([...REPORT_FORMATS].sort());
    for (const f of REPORT_FORMATS) expect(isReportFormat(f)).toBe(true);
    for (const f of ["xml", "", "toString", "constructor", "JSON"])
      expect(isReportFormat(f)).toBe(false);
  });
});
