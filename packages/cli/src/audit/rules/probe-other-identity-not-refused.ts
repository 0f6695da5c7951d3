/**
 * Probe: identity B asked for (or, with --unsafe, tried to change or delete) a resource that
 * belongs to identity A and that anonymous callers may not read. The truthful answers are 403 (or
 * 404 when the policy hides what B may not see), never a success and never a 401: B is a valid
 * identity (OWASP API1:2023, broken object level authorization). A refusal after which A's
 * resource changed anyway is a finding too.
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
      "The probe found a resource of the identity that owns it (A: one A created in the scenario steps, or one in A's lists that B's lists lack), checked that A can read it and that an anonymous caller cannot (a public resource is no leak), then asked for it as a second identity (B); with --unsafe, B also tried PATCH, PUT and DELETE on it, and A read it after each. A success for B means any user can read or change any other user's data by changing an id (broken object level authorization, the first of the OWASP API Security Top 10). A 401 for B is wrong too: B's credentials are valid, and a client told to log in again will loop. A 500 hides whether the check exists at all. The truthful answers are 403, or 404 when the API hides the existence of what B may not see, and A's resource unchanged.",
    fix: "Check ownership on every object access and refuse with forbidden() (403) or notFound() (404, with hideForbidden); never return another identity's object.",
  },
  check(ex) {
    const facts = probeOf(ex, ["other-identity", "other-identity-write"]);
    const status = ex.response?.status;
    if (facts?.expect === undefined || status === undefined) return NO_FINDINGS;
    const changed = facts.changed === undefined ? "" : `; ${facts.changed}`;
    if (facts.expect.includes(status))
      return facts.changed === undefined
        ? NO_FINDINGS
        : [finding(rule, ex, `${facts.did}: ${status}, but ${facts.changed}`, undefined, "error")];
    const write = facts.scenario === "other-identity-write";
    const success = status >= 200 && status < 300;
    const why = success
      ? write
        ? "identity B was allowed to change identity A's resource"
        : "identity B was given identity A's resource"
      : status === 401
        ? "B's credentials are valid: a 401 sends it to log in again"
        : status >= 500
          ? "a server error instead of a refusal: whether B may do this is not checked, or crashes"
          : `expected ${statusList(facts.expect)}`;
    return [
      finding(
        rule,
        ex,
        `${facts.did}: ${status} (${why})${changed}`,
        undefined,
        success || status >= 500 || facts.changed !== undefined ? "error" : "warning",
      ),
    ];
  },
});

export default rule;
