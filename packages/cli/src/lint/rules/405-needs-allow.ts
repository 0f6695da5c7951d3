/** A 405 response that does not declare Allow: RFC 9110 §15.5.6 says the server MUST send it. */
import { declaredHeader, operations, response, responseKey } from "../openapi.js";
import { defineLintRule, type LintFinding, lintFinding } from "../rule.js";
import { addHeader, headerYaml } from "../suggest.js";

const rule = defineLintRule({
  id: "405-needs-allow",
  meta: {
    title: "405 without Allow",
    severity: "warning",
    spec: { document: "RFC 9110", section: "15.5.6" },
    csf: "DE.AE",
    description:
      "A 405 must list the methods the resource does support in an Allow header. A document whose 405 response does not declare it describes an answer that breaks HTTP.",
    fix: "Declare `Allow` under the 405 response's `headers`.",
  },
  check(doc) {
    const out: LintFinding[] = [];
    for (const op of operations(doc)) {
      const key = responseKey(op, "405");
      if (key === undefined) continue;
      const res = response(op, key);
      if (res === undefined) continue;
      if (declaredHeader(res, "Allow") !== undefined) continue;
      const at = [...op.responsesAt, key];
      out.push(
        lintFinding(
          rule,
          at,
          "the 405 response does not declare an Allow header: clients are not told which methods work",
          addHeader(
            res,
            at,
            headerYaml(
              "Allow",
              "The methods the resource supports (RFC 9110 §10.2.1)",
              "GET, HEAD",
            ),
          ),
        ),
      );
    }
    return out;
  },
});

export default rule;
