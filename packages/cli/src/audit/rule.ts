/**
 * A rule: one file, one default export, pure. It reads an exchange and returns findings; the
 * engine aggregates. `needs` names the exchange fields it reads, so the engine can skip a rule
 * a source cannot feed and say so.
 */
import type { Policy } from "truestatus";
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

/** Findings a rule concludes from state gathered across exchanges: the exact count and the first ones. */
export interface Conclusion {
  readonly count: number;
  /** At most `limit` (see {@link Aggregation.conclude}), ordered by location. */
  readonly samples: readonly Finding[];
}

/**
 * The aggregation hook, for a rule whose judgement needs more than one exchange (a token accepted
 * on one route and refused on another; a route that is JSON everywhere but in its error pages).
 * The rule stays pure: it extracts a small, JSON-serializable fact from each exchange; the engine
 * keeps the state, merges it (also across worker threads and `--merge`), and asks the rule to
 * conclude. `merge` must be associative and commutative, so that any split of the input gives the
 * same conclusion.
 */
export interface Aggregation<S> {
  /** The state one exchange contributes, or undefined for none. */
  observe(exchange: Exchange, context: RuleContext): S | undefined;
  /**
   * Combines two states; may update and return `into`, never changes `from`. The state must not
   * depend on `--max-findings` (summaries of different limits merge): bound what it keeps to list
   * findings by a fixed number of its own, and cut to the limit in `conclude`.
   */
  merge(into: S, from: S): S;
  /** The findings: the exact count, and at most `limit` of them, the first by location. */
  conclude(state: S, limit: number): Conclusion;
}

/**
 * Whether a rule has anything to say about an exchange with this status (-1: no response), method
 * and body size, before it reads fields that a source may not have recorded. The size is given as
 * its sign (-1: not recorded, 0: no body, 1: some bytes), so that the engine can remember the
 * answers (screen.ts).
 * A rule without one is about every exchange. The engine counts an exchange as checked by the rule
 * only when the rule is not about it, or when everything the rule needs was recorded for it
 * (docs/analyze-json.md, coverage); and it reads a log line whole only when a rule is about it
 * (LineFormat.readFlat).
 */
export type Screen = (status: number, method: string, size: number) => boolean;

export interface Rule {
  readonly id: string;
  readonly meta: RuleMeta;
  /** See {@link Screen}; must be true for every exchange `check` (or `observe`) can report on. */
  readonly screen?: Screen;
  check(exchange: Exchange, context: RuleContext): readonly Finding[];
  /** Cross-exchange judgement (optional): see {@link Aggregation}. */
  readonly aggregate?: Aggregation<unknown>;
}

export interface RuleDefinition<S> {
  readonly id: string;
  readonly meta: RuleMeta;
  readonly screen?: Screen;
  check(exchange: Exchange, context: RuleContext): readonly Finding[];
  readonly aggregate?: Aggregation<S>;
}

/** Types a rule and checks its id once, at definition (kebab-case, stable: it names the docs page). */
export function defineRule<S = never>(rule: RuleDefinition<S>): Rule {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(rule.id))
    throw new TypeError(`rule id "${rule.id}" is not kebab-case`);
  // The engine hands each rule back only the state that rule produced, so erasing S is sound.
  return Object.freeze(rule) as unknown as Rule;
}

/** Rules check nothing most of the time: share one empty result instead of allocating. */
export const NO_FINDINGS: readonly Finding[] = Object.freeze([]);
