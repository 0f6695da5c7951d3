/** A 503 response that does not declare Retry-After: RFC 9110 §15.6.4 says the server MAY send one. */
import { declaredHeader, operations, response, responseKey } from "../openapi.js";
import { defineLintRule, type LintFinding, lintFinding } from "../rule.js";
import { addHeader, headerYaml } from "../suggest.js";

const rule = defineLintRule({
  id: "503-needs-retry-after",
  meta: {
    title: "503 without Retry-After",
    severity: "info",
    spec: { document: "RFC 9110", section: "15.6.4" },
    csf: "PR.IR",
    description:
      "A 503 is temporary; Retry-After tells clients how long to back off (RFC 9110 §15.6.4: the server MAY send it). A document whose 503 does not declare it leaves clients to guess, and client generators will not read it.",
    fix: "Declare `Retry-After` under the 503 response's `headers` and send it when the wait is known (maintenance window, overload shedding).",
  },
  check(doc) {
    const out: LintFinding[] = [];
    for (const op of operations(doc)) {
      const key = responseKey(op, "503");
      if (key === undefined) continue;
      const res = response(op, key);
      if (res === undefined) continue;
      if (declaredHeader(res, "Retry-After") !== undefined) continue;
      const at = [...op.responsesAt, key];
      out.push(
        lintFinding(
          rule,
          at,
          "the 503 response does not declare Retry-After: clients cannot tell how long to back off",
          addHeader(
            res,
            at,
            headerYaml("Retry-After", "Seconds to wait before retrying (RFC 9110 §10.2.3)", "120"),
          ),
        ),
      );
    }
    return out;
  },
});

export default rule;
