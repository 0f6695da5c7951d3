/** A secured operation that declares no 401: the answer to missing or bad credentials is undocumented. */
import { declares, label, operations } from "../openapi.js";
import { defineLintRule, type LintFinding, lintFinding } from "../rule.js";
import { addResponse, challengeExample, headerYaml, responseYaml } from "../suggest.js";

const rule = defineLintRule({
  id: "secured-operation-needs-401",
  meta: {
    title: "Secured operation without a 401 response",
    severity: "warning",
    spec: { document: "RFC 9110", section: "15.5.2" },
    csf: "PR.AA",
    description:
      "An operation that requires credentials will answer 401 when they are missing, invalid or expired; a document that does not declare the 401 hides that answer and its WWW-Authenticate challenge from clients and generators. Operations whose security is optional (`security: [{}, ...]`) or mutual TLS only are not flagged; a `4XX` or `default` response counts as declaring it.",
    fix: "Declare a 401 response with a `WWW-Authenticate` header (shared from components.responses).",
  },
  check(doc) {
    const out: LintFinding[] = [];
    for (const op of operations(doc)) {
      if (op.auth !== "required" || op.tlsOnly) continue;
      if (declares(op, 401, { default: true })) continue;
      out.push(
        lintFinding(
          rule,
          op.responsesAt,
          `${label(op)} requires credentials but declares no 401 response`,
          addResponse(
            op,
            responseYaml(doc, 401, "Missing, invalid or expired credentials", [
              headerYaml(
                "WWW-Authenticate",
                "The challenge: how to authenticate (RFC 9110 §11.6.1)",
                challengeExample(op.schemes),
              ),
            ]),
          ),
        ),
      );
    }
    return out;
  },
});

export default rule;
