/** An operation with a request body and no 400: malformed content has no declared answer. */
import { declares, label, operations, responseKey } from "../openapi.js";
import { defineLintRule, type LintFinding, lintFinding } from "../rule.js";
import { addResponse, responseYaml } from "../suggest.js";

const rule = defineLintRule({
  id: "request-body-needs-400",
  meta: {
    title: "Request body without a 400 response",
    severity: "warning",
    spec: { document: "RFC 9110", section: "15.5.1" },
    csf: "DE.AE",
    description:
      "Every operation that reads a request body can receive one that does not parse or does not fit the schema; RFC 9110 §15.5.1 answers that with 400 (422 is for well-formed content that breaks a rule, §15.5.21). A document without the 400 hides the most common client error. A `4XX` or `default` response counts as declaring it.",
    fix: "Declare a 400 response (problem+json) on operations with a request body.",
  },
  check(doc) {
    const out: LintFinding[] = [];
    for (const op of operations(doc)) {
      if (!op.hasBody || declares(op, 400, { default: true })) continue;
      const has422 = responseKey(op, "422") !== undefined;
      out.push(
        lintFinding(
          rule,
          op.responsesAt,
          has422
            ? `${label(op)} reads a request body and declares 422 but no 400: malformed content is a 400`
            : `${label(op)} reads a request body but declares no 400 response`,
          addResponse(
            op,
            responseYaml(doc, 400, "The request content is malformed or does not match the schema"),
          ),
        ),
      );
    }
    return out;
  },
});

export default rule;
