/**
 * Probe: a path the API does not have, and an id that does not exist, must be a 404 (RFC 9110
 * §15.5.5): not a 200 fallback page, not a 200 with an error body, not a 500.
 */
import { commonWhy, unexpectedStatus, worstIsError } from "../probe-expect.js";
import { defineRule, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "probe-not-found-not-404",
  meta: {
    title: "Unknown path or id not answered 404",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.5.5" },
    csf: "DE.CM",
    needs: ["probe"],
    description:
      'The probe asked for a path no API has and for an id that does not exist. A 200 (a single-page-app fallback, or a body saying "not found") is cached, indexed and counted as success; a 500 is counted as an outage. Only a 404 (or 410 for what is gone for good) tells clients and monitoring that the thing is not there.',
    fix: "Let unknown routes fall through to notFound() and throw notFound() when a lookup finds nothing; serve the SPA fallback only for HTML navigation, not under the API prefix.",
  },
  check(ex) {
    return unexpectedStatus(
      rule,
      ex,
      ["unknown-path", "unknown-id"],
      commonWhy,
      worstIsError("error"),
    );
  },
});

export default rule;
