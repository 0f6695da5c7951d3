/** Building findings: one place that fills in location and redacted evidence for every rule. */
import { evidence } from "./evidence.js";
import type { Exchange, Location } from "./exchange.js";
import type { Evidence, Finding, Rule, Severity } from "./rule.js";

/**
 * A finding whose evidence (the redacted request line and excerpt) is made when first read: the
 * engine reads it only for the findings it lists (--max-findings), and counts the others.
 */
class LazyFinding implements Finding {
  #ex: Exchange | undefined;
  #excerpt: string | undefined;
  #evidence: Evidence | undefined;
  readonly location: Location;

  constructor(
    readonly ruleId: string,
    readonly severity: Severity,
    readonly message: string,
    ex: Exchange,
    excerpt: string | undefined,
  ) {
    this.location = ex.location;
    this.#ex = ex;
    this.#excerpt = excerpt;
  }

  get evidence(): Evidence {
    if (this.#evidence === undefined) {
      this.#evidence = evidence(this.#ex!, this.#excerpt);
      // The exchange is not kept once its evidence is made.
      this.#ex = undefined;
    }
    return this.#evidence;
  }

  toJSON(): Finding {
    return {
      ruleId: this.ruleId,
      severity: this.severity,
      message: this.message,
      location: this.location,
      evidence: this.evidence,
    };
  }
}

/** A finding about one exchange; `excerpt` must already be redacted (see evidence.ts). */
export function finding(
  rule: { readonly id: string; readonly meta: Rule["meta"] },
  ex: Exchange,
  message: string,
  excerpt?: string,
  severity: Severity = rule.meta.severity,
): Finding {
  return new LazyFinding(rule.id, severity, message, ex, excerpt);
}
