/** The reporters, keyed by `--format`: pure functions from a Summary to the text to write. */
import type { Summary } from "../summary.js";
import { htmlReport } from "./html.js";
import { jsonReport } from "./json.js";
import type { ReportOptions } from "./options.js";
import { sarifReport } from "./sarif.js";
import { textReport } from "./text.js";

export type { ReportOptions } from "./options.js";

export type Reporter = (summary: Summary, options?: ReportOptions) => string;

export const REPORTERS = {
  text: textReport,
  json: jsonReport,
  sarif: sarifReport,
  html: htmlReport,
} as const satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof REPORTERS;

export function isReportFormat(value: string): value is ReportFormat {
  return Object.hasOwn(REPORTERS, value);
}
