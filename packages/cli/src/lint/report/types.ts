/** What the lint reporters are given: the result, and what the baseline made of it. */
import type { LintResult, PlacedFinding } from "../lint.js";

export interface LintReportInput {
  readonly result: LintResult;
  /** Fingerprints found in the baseline (`--baseline`): those findings are reported as known. */
  readonly known?: ReadonlySet<PlacedFinding>;
}

export interface LintReportOptions {
  readonly color?: boolean;
  /** Print the YAML each finding suggests (--fix-suggestions): text only. */
  readonly fixSuggestions?: boolean;
  /** The truestatus version, for SARIF's tool.driver.version. */
  readonly version?: string;
}
