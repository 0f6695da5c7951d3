/**
 * The JSON reporter: the Summary itself (schema: docs/analyze-json.md), which `--merge` reads back,
 * plus `rules`: title, severity and docs page of each rule with findings, and how many of its
 * findings are listed and how many were cut (ignored by --merge).
 */
import { RULES } from "../rules/index.js";
import type { Summary } from "../summary.js";
import { type ReportOptions, ruleDocsUrl } from "./options.js";

export interface RuleLink {
  readonly title: string;
  readonly severity: string;
  readonly docs: string;
  /** Findings listed in `findings[id].samples`. */
  readonly listed: number;
  /** Findings counted but not listed (cut at `maxFindings`, or by a cross-exchange rule's own bound). */
  readonly omitted: number;
}

export function jsonReport(summary: Summary, options: ReportOptions = {}): string {
  const known = new Map((options.rules ?? RULES).map((r) => [r.id, r]));
  const rules: Record<string, RuleLink> = {};
  for (const [id, f] of Object.entries(summary.findings)) {
    const r = known.get(id);
    rules[id] = {
      title: r?.meta.title ?? id,
      severity: r?.meta.severity ?? "warning",
      docs: ruleDocsUrl(id),
      listed: f.samples.length,
      omitted: f.count - f.samples.length,
    };
  }
  return `${JSON.stringify({ ...summary, rules }, null, 2)}\n`;
}
