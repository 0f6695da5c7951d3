/** 422 declared where there is no request content to process, or as the operation's only error. */
import { errorCodes, label, operations, responseCodes, responseKey } from "../openapi.js";
import { defineLintRule, type LintFinding, lintFinding } from "../rule.js";

const rule = defineLintRule({
  id: "422-as-generic-error",
  meta: {
    title: "422 as a generic error",
    severity: "warning",
    spec: { document: "RFC 9110", section: "15.5.21" },
    csf: "DE.AE",
    description:
      "422 means the request content was well-formed but could not be processed (RFC 9110 §15.5.21). Declared on an operation without a request body (invalid query or path parameters are a 400), or as the only error an operation declares, it stands for every failure: clients cannot tell a bad request from a broken rule, a missing resource or a server fault.",
    fix: "Declare 400 for invalid parameters and malformed content, 422 only for well-formed content that breaks a business rule, and the other errors the operation can answer (401, 404, 409, 5xx).",
  },
  check(doc) {
    const out: LintFinding[] = [];
    for (const op of operations(doc)) {
      const key = responseKey(op, "422");
      if (key === undefined) continue;
      const at = [...op.responsesAt, key];
      if (!op.hasBody) {
        out.push(
          lintFinding(
            rule,
            at,
            `${label(op)} has no request body but declares 422: invalid parameters are a 400`,
          ),
        );
        continue;
      }
      const others = errorCodes(op).filter((k) => k !== "422");
      if (others.length === 0 && !responseCodes(op).includes("default"))
        out.push(
          lintFinding(
            rule,
            at,
            `${label(op)} declares 422 as its only error response: every failure would be a 422`,
          ),
        );
    }
    return out;
  },
});

export default rule;
