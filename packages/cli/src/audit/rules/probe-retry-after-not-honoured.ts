/**
 * Probe: after a 429 with Retry-After, the probe waited as long as it said and asked again; a
 * second 429 means the number was not the truth (RFC 6585 §4, RFC 9110 §10.2.3).
 */
import { finding } from "../finding.js";
import { probeOf } from "../probe-expect.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "probe-retry-after-not-honoured",
  meta: {
    title: "Retry-After not honoured",
    severity: "warning",
    spec: { document: "RFC 9110", section: "10.2.3" },
    csf: "PR.IR",
    needs: ["probe"],
    description:
      "The probe sent a short burst (only with --burst) until the API answered 429, waited exactly the Retry-After it was given, and asked once more. A second 429 means clients that do the right thing are punished: they learn to ignore Retry-After and retry at once, which is what the header was meant to prevent.",
    fix: "Compute Retry-After from the limiter's own reset time (truestatus' rate limiter sends the GCRA's exact wait), and never count rejected requests against the limit.",
  },
  check(ex) {
    const facts = probeOf(ex, ["burst-retry"]);
    if (facts === undefined || ex.response?.status !== 429) return NO_FINDINGS;
    const waited = facts.waitedMs === undefined ? "" : ` after waiting ${facts.waitedMs} ms`;
    return [finding(rule, ex, `${facts.did}: 429 again${waited}, as long as Retry-After asked`)];
  },
});

export default rule;
