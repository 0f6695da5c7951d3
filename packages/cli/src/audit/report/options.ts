/** What every reporter is given besides the summary. */
import { CAPABILITY_LABELS, type Capability } from "../exchange.js";
import type { Rule } from "../rule.js";
import type { Summary } from "../summary.js";

export interface ReportOptions {
  /** The rules, to name titles, RFC sections and fixes (the registry by default). */
  readonly rules?: readonly Rule[];
  /** ANSI colour (text only): the CLI turns it on only on a TTY without NO_COLOR. */
  readonly color?: boolean;
  /** Show only findings (text): --quiet. */
  readonly quiet?: boolean;
  /** The truestatus version, for SARIF's tool.driver.version. */
  readonly version?: string;
}

export { RULE_DOCS_BASE, ruleDocsUrl } from "../../links.js";

/**
 * Exchanges not checked one by one because their record lacks what a rule needs, grouped by file
 * and what is missing: "session.har: 27 exchanges without response bodies: soft-error-2xx (12), …".
 */
export function unrecordedGaps(
  summary: Summary,
): { file: string; missing: string; rules: { id: string; count: number }[] }[] {
  const groups = new Map<
    string,
    { file: string; missing: string; rules: { id: string; count: number }[] }
  >();
  for (const [id, cov] of Object.entries(summary.coverage)) {
    for (const [file, byCap] of Object.entries(cov.notRecorded ?? {})) {
      for (const [cap, count] of Object.entries(byCap) as [Capability, number][]) {
        if (!count) continue;
        const missing = CAPABILITY_LABELS[cap];
        const key = `${file}\n${missing}`;
        let g = groups.get(key);
        if (g === undefined) {
          g = { file, missing, rules: [] };
          groups.set(key, g);
        }
        g.rules.push({ id, count });
      }
    }
  }
  return [...groups.values()];
}

/** "RFC 9110 §15.5.2" */
export function specLabel(spec: Rule["meta"]["spec"]): string {
  return spec.section === undefined ? spec.document : `${spec.document} §${spec.section}`;
}

/**
 * Coverage gaps grouped by file and missing capabilities:
 * "access.log does not record response headers: 401-needs-www-authenticate, 405-needs-allow".
 */
export function coverageGaps(
  summary: Summary,
): { file: string; missing: string; rules: string[] }[] {
  const groups = new Map<string, { file: string; missing: string; rules: string[] }>();
  for (const [id, cov] of Object.entries(summary.coverage)) {
    for (const [file, missing] of Object.entries(cov.notChecked)) {
      const text = missing.map((m) => CAPABILITY_LABELS[m]).join(", ");
      const key = `${file}\n${text}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = { file, missing: text, rules: [] };
        groups.set(key, g);
      }
      g.rules.push(id);
    }
  }
  return [...groups.values()];
}
