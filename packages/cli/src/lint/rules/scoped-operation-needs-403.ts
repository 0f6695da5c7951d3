/** An operation that requires scopes and declares no 403: RFC 6750 §3.1 answers insufficient_scope with 403. */
import { declares, label, operations } from "../openapi.js";
import { defineLintRule, type LintFinding, lintFinding } from "../rule.js";
import { addResponse, responseYaml } from "../suggest.js";

const rule = defineLintRule({
  id: "scoped-operation-needs-403",
  meta: {
    title: "Operation with scopes without a 403 response",
    severity: "warning",
    spec: { document: "RFC 6750", section: "3.1" },
    csf: "PR.AA",
    description:
      "An operation that requires OAuth scopes (or roles) refuses a valid token that lacks them with 403 (RFC 6750 §3.1 insufficient_scope; RFC 9110 §15.5.4). A document without that 403 leaves clients unable to tell a missing permission from a bad login. With the policy `hideForbidden`, a declared 404 counts instead; a `4XX` or `default` response counts as declaring it.",
    fix: "Declare a 403 response (problem+json) on operations that require scopes.",
  },
  check(doc, options) {
    const out: LintFinding[] = [];
    for (const op of operations(doc)) {
      if (op.auth === "none" || op.scopes.length === 0) continue;
      if (declares(op, 403, { default: true })) continue;
      if (options.policy.hideForbidden && declares(op, 404)) continue;
      out.push(
        lintFinding(
          rule,
          op.responsesAt,
          `${label(op)} requires scopes (${op.scopes.slice(0, 3).join(", ")}${op.scopes.length > 3 ? ", ..." : ""}) but declares no 403 response`,
          addResponse(op, responseYaml(doc, 403, "The credentials lack a required scope")),
        ),
      );
    }
    return out;
  },
});

export default rule;
