/** The JSON reporter: the Summary itself (schema: docs/analyze-json.md), which `--merge` reads back. */
import type { Summary } from "../summary.js";
import type { ReportOptions } from "./options.js";

export function jsonReport(summary: Summary, _options: ReportOptions = {}): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
