/**
 * A lint rule: one file, one default export, pure. It reads the resolved OpenAPI document (plain
 * JSON values, every local $ref replaced by its target) and returns findings that point at a path in
 * it; the linter maps paths to file:line:column. The same functions run inside Spectral
 * (`truestatus lint --export spectral`), which hands them the same resolved document.
 */
import type { Policy } from "truestatus";
import type { CsfCategory, Severity } from "../audit/rule.js";

export type { Severity };
export type JsonPath = readonly (string | number)[];

export interface LintRuleMeta {
  readonly title: string;
  readonly severity: Severity;
  /** The RFC (or guide) section the rule rests on. */
  readonly spec: { readonly document: string; readonly section?: string };
  readonly csf: CsfCategory;
  /** One paragraph: what is wrong in the document and why it matters. */
  readonly description: string;
  /** How to fix it in the document, in a sentence or two. */
  readonly fix: string;
}

/** YAML to add at `path` (a mapping member of the node the finding is about), for --fix-suggestions. */
export interface Suggestion {
  /** Where the YAML goes: a path of the resolved document whose node is a mapping. */
  readonly path: JsonPath;
  readonly yaml: string;
}

export interface LintFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  /** The node the finding is about, as a path in the resolved document. */
  readonly path: JsonPath;
  readonly suggestion?: Suggestion;
}

export interface LintOptions {
  readonly policy: Policy;
  /** Error media types accepted besides application/problem+json (a documented policy exception). */
  readonly errorMediaTypes: readonly string[];
  /** Operations known to call upstreams: operationIds or "METHOD /path" (besides x-truestatus-upstream). */
  readonly upstreamOperations: readonly string[];
}

export interface LintRule {
  readonly id: string;
  readonly meta: LintRuleMeta;
  check(doc: Readonly<Record<string, unknown>>, options: LintOptions): readonly LintFinding[];
}

/** Types a lint rule and checks its id once, at definition (kebab-case: it names the docs page). */
export function defineLintRule(rule: LintRule): LintRule {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(rule.id))
    throw new TypeError(`rule id "${rule.id}" is not kebab-case`);
  return Object.freeze(rule);
}

/** A finding of `rule` at `path`, with the rule's severity. */
export function lintFinding(
  rule: { readonly id: string; readonly meta: LintRuleMeta },
  path: JsonPath,
  message: string,
  suggestion?: Suggestion,
): LintFinding {
  return {
    ruleId: rule.id,
    severity: rule.meta.severity,
    message,
    path,
    ...(suggestion !== undefined ? { suggestion } : {}),
  };
}
