/**
 * The JSON reporter: the Summary itself (schema: docs/analyze-json.md), which `--merge` reads back,
 * plus `rules`: title, severity and docs page of each rule with findings (ignored by --merge).
 */
import { RULES } from "../rules/index.js";
import type { Summary } from "../summary.js";
import { type ReportOptions, ruleDocsUrl } from "./options.js";

export interface RuleLink {
  readonly title: string;
  readonly severity: string;
  readonly docs: string;
}

export function jsonReport(summary: Summary, options: ReportOptions = {}): string {
  const known = new Map((options.rules ?? RULES).map((r) => [r.id, r]));
  const rules: Record<string, RuleLink> = {};
  for (const id of Object.keys(summary.findings)) {
    const r = known.get(id);
    rules[id] = {
      title: r?.meta.title ?? id,
      severity: r?.meta.severity ?? "warning",
      docs: ruleDocsUrl(id),
    };
  }
  return `${JSON.stringify({ ...summary, rules }, null, 2)}\n`;
}
