/** The reporters, keyed by `--format`: pure functions from a Summary to the text to write. */
import type { Summary } from "../summary.js";
import type { ReportFormat } from "./formats.js";
import { htmlReport } from "./html.js";
import { jsonReport } from "./json.js";
import type { ReportOptions } from "./options.js";
import { sarifReport } from "./sarif.js";
import { textReport } from "./text.js";

export { isReportFormat, type ReportFormat } from "./formats.js";
export type { ReportOptions } from "./options.js";

export type Reporter = (summary: Summary, options?: ReportOptions) => string;

export const REPORTERS = {
  text: textReport,
  json: jsonReport,
  sarif: sarifReport,
  html: htmlReport,
} as const satisfies Record<ReportFormat, Reporter>;
