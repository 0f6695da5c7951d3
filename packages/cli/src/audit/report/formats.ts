/**
 * The report formats (`--format`), apart from the reporters: the CLI checks its flags with these
 * and loads the reporters (HTML and SARIF are a few dozen modules) while the analysis runs.
 */
export const REPORT_FORMATS = ["text", "json", "sarif", "html"] as const;

export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
