/** The lint reporters, keyed by `--format`. */
import { lintJsonReport } from "./json.js";
import { lintSarifReport } from "./sarif.js";
import { lintTextReport } from "./text.js";
import type { LintReportInput, LintReportOptions } from "./types.js";

export type { LintReportInput, LintReportOptions } from "./types.js";

export const LINT_FORMATS = ["text", "json", "sarif"] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

export const LINT_REPORTERS = {
  text: lintTextReport,
  json: lintJsonReport,
  sarif: lintSarifReport,
} as const satisfies Record<
  LintFormat,
  (input: LintReportInput, options?: LintReportOptions) => string
>;
