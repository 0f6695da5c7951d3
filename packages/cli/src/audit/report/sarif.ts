/**
 * The SARIF 2.1.0 reporter (OASIS; what code-scanning tools read): one run, the rules as
 * reportingDescriptors, one result per finding listed (every finding, up to --max-findings per
 * rule; each with the rule's exact total in its properties), and coverage gaps and cut lists as
 * tool execution notifications. Validated in the tests against the official schema.
 */

import { REPOSITORY_URL } from "../../links.js";
import { CAPABILITY_LABELS } from "../exchange.js";
import { RULES } from "../rules/index.js";
import type { Summary } from "../summary.js";
import { type ReportOptions, unrecordedGaps } from "./options.js";
import { SARIF_LEVEL, sarifRuleDescriptor } from "./sarif-rule.js";

export function sarifReport(summary: Summary, options: ReportOptions = {}): string {
  const rules = options.rules ?? RULES;
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: unknown[] = [];
  for (const [id, rf] of Object.entries(summary.findings)) {
    const i = index.get(id);
    for (const s of rf.samples) {
      const region =
        s.location.line !== undefined ? { region: { startLine: s.location.line } } : {};
      const excerpt = s.evidence.excerpt === undefined ? "" : ` Evidence: ${s.evidence.excerpt}`;
      results.push({
        ruleId: id,
        ...(i !== undefined ? { ruleIndex: i } : {}),
        level: SARIF_LEVEL[s.severity],
        message: {
          text: `${s.message} (${s.evidence.request}${s.evidence.status !== undefined ? ` → ${s.evidence.status}` : ""}).${excerpt}`,
        },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: encodeURI(s.location.file) }, ...region },
          },
        ],
        properties: {
          totalFindingsOfRule: rf.count,
          ...(s.location.entry !== undefined ? { harEntry: s.location.entry } : {}),
          evidence: s.evidence,
        },
      });
    }
  }
  const notifications: unknown[] = [];
  for (const [id, cov] of Object.entries(summary.coverage)) {
    for (const [file, missing] of Object.entries(cov.notChecked)) {
      notifications.push({
        level: "note",
        message: {
          text: `${id}: not checked, ${file} does not record ${missing.map((m) => CAPABILITY_LABELS[m]).join(", ")}`,
        },
        descriptor: { id },
      });
    }
  }
  for (const g of unrecordedGaps(summary))
    for (const r of g.rules)
      notifications.push({
        level: "note",
        message: {
          text: `${r.id}: ${r.count} exchange${r.count === 1 ? "" : "s"} of ${g.file} not checked: ${r.count === 1 ? "it does" : "they do"} not record ${g.missing}`,
        },
        descriptor: { id: r.id },
      });
  const omitted: Record<string, number> = {};
  for (const [id, rf] of Object.entries(summary.findings)) {
    const cut = rf.count - rf.samples.length;
    if (cut <= 0) continue;
    omitted[id] = cut;
    notifications.push({
      level: "warning",
      message: {
        text: `${id}: ${rf.count} findings, ${rf.samples.length} listed as results (the first by location; --max-findings ${summary.maxFindings ?? "?"}): ${cut} not listed`,
      },
      descriptor: { id },
    });
  }
  for (const [file, src] of Object.entries(summary.sources)) {
    if (src.partial)
      notifications.push({
        level: "error",
        message: { text: `${file}: partial: ${src.error ?? "the input ended early"}` },
      });
  }
  for (const x of summary.skipped ?? [])
    notifications.push({
      level: "warning",
      message: { text: `${x.file}: skipped, not analysed: ${x.reason}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(x.file) } } }],
      properties: { code: x.code },
    });
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "truestatus",
            ...(options.version !== undefined
              ? { version: options.version, semanticVersion: options.version }
              : {}),
            informationUri: REPOSITORY_URL,
            rules: rules.map((r) => sarifRuleDescriptor(r, [], { needs: r.meta.needs })),
          },
        },
        invocations: [
          { executionSuccessful: !summary.partial, toolExecutionNotifications: notifications },
        ],
        artifacts: Object.keys(summary.sources).map((file) => ({
          location: { uri: encodeURI(file) },
        })),
        results,
        properties: {
          exchanges: summary.exchanges,
          ...(summary.maxFindings !== undefined ? { maxFindings: summary.maxFindings } : {}),
          // Findings counted but not listed as results, by rule (only rules that were cut).
          omittedFindings: omitted,
          malformed: summary.malformed.count,
          partial: summary.partial,
          ...(summary.skipped?.length ? { skipped: summary.skipped } : {}),
          statuses: summary.statuses,
          classes: summary.classes,
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
