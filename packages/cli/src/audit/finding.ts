/** Building findings: one place that fills in location and redacted evidence for every rule. */
import { evidence } from "./evidence.js";
import type { Exchange } from "./exchange.js";
import type { Finding, Rule, Severity } from "./rule.js";

/** A finding about one exchange; `excerpt` must already be redacted (see evidence.ts). */
export function finding(
  rule: { readonly id: string; readonly meta: Rule["meta"] },
  ex: Exchange,
  message: string,
  excerpt?: string,
  severity: Severity = rule.meta.severity,
): Finding {
  return {
    ruleId: rule.id,
    severity,
    message,
    location: ex.location,
    evidence: evidence(ex, excerpt),
  };
}
