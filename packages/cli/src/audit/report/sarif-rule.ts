/**
 * What the analyze, probe and lint SARIF reports say of a rule (its reportingDescriptor) and how a
 * severity maps to a SARIF level: one definition, so the three tools describe rules alike.
 */
import type { CsfCategory, Severity } from "../rule.js";
import { ruleDocsUrl, specLabel } from "./options.js";

export const SARIF_LEVEL: Readonly<Record<Severity, "error" | "warning" | "note">> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/** The part of a rule's meta a descriptor shows (analyze's and lint's rules both have it). */
export interface DescribedRule {
  readonly id: string;
  readonly meta: {
    readonly title: string;
    readonly severity: Severity;
    readonly spec: { readonly document: string; readonly section?: string };
    readonly csf: CsfCategory;
    readonly description: string;
    readonly fix: string;
  };
}

/** "no-content-with-body" → "NoContentWithBody": SARIF's name is an identifier-like form of the id. */
function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m: string, _d: string, c: string) => c.toUpperCase());
}

/** The reportingDescriptor of a rule, with the tags after "http-status" and extra properties. */
export function sarifRuleDescriptor(
  r: DescribedRule,
  tags: readonly string[] = [],
  properties: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const spec = specLabel(r.meta.spec);
  return {
    id: r.id,
    name: pascal(r.id),
    shortDescription: { text: r.meta.title },
    fullDescription: { text: r.meta.description },
    help: { text: `${r.meta.fix} (${spec})`, markdown: `${r.meta.fix}\n\nSee ${spec}.` },
    helpUri: ruleDocsUrl(r.id),
    defaultConfiguration: { level: SARIF_LEVEL[r.meta.severity] },
    properties: { tags: [r.meta.csf, "http-status", ...tags], spec, ...properties },
  };
}
