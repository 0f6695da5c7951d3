/** A 401 response that does not declare WWW-Authenticate: RFC 9110 §15.5.2 says a 401 MUST carry one. */
import { declaredHeader, operations, response, responseKey } from "../openapi.js";
import { defineLintRule, type LintFinding, lintFinding } from "../rule.js";
import { addHeader, challengeExample, headerYaml } from "../suggest.js";

const rule = defineLintRule({
  id: "401-needs-www-authenticate",
  meta: {
    title: "401 without WWW-Authenticate",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.5.2" },
    csf: "PR.AA",
    description:
      "A 401 response must carry a WWW-Authenticate challenge that tells the client how to authenticate. A document whose 401 does not declare the header describes an answer that breaks HTTP, and code generated from it will not send the challenge either.",
    fix: "Declare `WWW-Authenticate` under the 401 response's `headers` (one declaration in components.responses serves every operation).",
  },
  check(doc) {
    const out: LintFinding[] = [];
    for (const op of operations(doc)) {
      const key = responseKey(op, "401");
      if (key === undefined) continue;
      const res = response(op, key);
      if (res === undefined) continue;
      if (declaredHeader(res, "WWW-Authenticate") !== undefined) continue;
      const at = [...op.responsesAt, key];
      out.push(
        lintFinding(
          rule,
          at,
          "the 401 response does not declare a WWW-Authenticate header: clients are not told how to authenticate",
          addHeader(
            res,
            at,
            headerYaml(
              "WWW-Authenticate",
              "The challenge: how to authenticate (RFC 9110 §11.6.1)",
              challengeExample(op.schemes),
            ),
          ),
        ),
      );
    }
    return out;
  },
});

export default rule;
