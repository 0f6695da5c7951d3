/**
 * A rule: one file, one default export, pure. It reads an exchange and returns findings; the
 * engine aggregates. `needs` names the exchange fields it reads, so the engine can skip a rule
 * a source cannot feed and say so.
 */
import type { Policy } from "../semantics/policy.js";
import type { Capability, Exchange, Location } from "./exchange.js";

export type Severity = "error" | "warning" | "info";

/** NIST CSF 2.0 categories the findings map to (shared/reference/standards.md §5). */
export type CsfCategory = "PR.AA" | "PR.DS" | "PR.IR" | "DE.CM" | "DE.AE";

export interface RuleMeta {
  readonly title: string;
  readonly severity: Severity;
  /** The RFC (or guide) section the rule rests on, e.g. { document: "RFC 9110", section: "15.5.2" }. */
  readonly spec: { readonly document: string; readonly section?: string };
  readonly csf: CsfCategory;
  readonly needs: readonly Capability[];
  /** One paragraph: what is wrong and why it matters. */
  readonly description: string;
  /** How to fix it, in a sentence or two. */
  readonly fix: string;
}

export interface Evidence {
  readonly request: string;
  readonly status?: number;
  /** Redacted excerpts: header lines or a body excerpt. Never secrets. */
  readonly excerpt?: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: Location;
  readonly evidence: Evidence;
}

export interface RuleContext {
  readonly policy: Policy;
}

export interface Rule {
  readonly id: string;
  readonly meta: RuleMeta;
  check(exchange: Exchange, context: RuleContext): readonly Finding[];
}

/** Types a rule and checks its id once, at definition (kebab-case, stable: it names the docs page). */
export function defineRule(rule: Rule): Rule {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(rule.id))
    throw new TypeError(`rule id "${rule.id}" is not kebab-case`);
  return Object.freeze(rule);
}
