/**
 * Probe: identity B asked for a resource that belongs to identity A. The truthful answers are 403
 * (or 404 when the policy hides what B may not see), never a success and never a 401: B is a
 * valid identity (OWASP API1:2023, broken object level authorization).
 */

import { finding } from "../finding.js";
import { probeOf, statusList } from "../probe-expect.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "probe-other-identity-not-refused",
  meta: {
    title: "Another identity's resource not refused",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.5.4" },
    csf: "PR.AA",
    needs: ["probe"],
    description:
      "The probe read a resource with the identity that owns it (A), then asked for the same resource with a second identity (B). A success for B means any user can read any other user's data by changing an id (broken object level authorization, the first of the OWASP API Security Top 10). A 401 for B is wrong too: B's credentials are valid, and a client told to log in again will loop. The truthful answers are 403, or 404 when the API hides the existence of what B may not see.",
    fix: "Check ownership on every object access and refuse with forbidden() (403) or notFound() (404, with hideForbidden); never return another identity's object.",
  },
  check(ex) {
    const facts = probeOf(ex, ["other-identity"]);
    const status = ex.response?.status;
    if (facts?.expect === undefined || status === undefined || facts.expect.includes(status))
      return NO_FINDINGS;
    const why =
      status >= 200 && status < 300
        ? "identity B was given identity A's resource"
        : status === 401
          ? "B's credentials are valid: a 401 sends it to log in again"
          : `expected ${statusList(facts.expect)}`;
    return [
      finding(
        rule,
        ex,
        `${facts.did}: ${status} (${why})`,
        undefined,
        status >= 200 && status < 300 ? "error" : "warning",
      ),
    ];
  },
});

export default rule;
