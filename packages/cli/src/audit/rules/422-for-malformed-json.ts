/** 422 whose body says the JSON could not be parsed: an unparseable request is a 400 (RFC 9110 §15.5.1). */
import { decide, malformed } from "truestatus";
import { excerptAround } from "../evidence.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const PARSE_FAILURE =
  /unexpected (?:token|end of (?:json|input)|character)|json(?:\.| )?parse|malformed json|invalid json|not valid json|could not parse|failed to parse|cannot parse|unable to parse|parse error|syntaxerror|json decode error|jsondecodeerror|expecting value: line/i;

const rule: Rule = defineRule({
  id: "422-for-malformed-json",
  meta: {
    title: "422 for a body that could not be parsed",
    severity: "warning",
    spec: { document: "RFC 9110", section: "15.5.1" },
    csf: "DE.CM",
    needs: ["response.body"],
    description:
      "422 (Unprocessable Content) means the server understood the content and refuses what it says. A body that is not even valid JSON was not understood: that is a 400, whatever the policy for schema errors.",
    fix: "Answer parse failures with malformed() (always 400); keep 422 for business rules (and, under validationStatus: 422, for schema errors).",
  },
  screen: (status) => status === 422,
  check(ex, ctx) {
    const res = ex.response;
    if (res?.status !== 422 || res.body === undefined) return NO_FINDINGS;
    const text = res.body.text.slice(0, 8192);
    const m = PARSE_FAILURE.exec(text);
    if (!m) return NO_FINDINGS;
    const s = decide(malformed(), ctx.policy).status;
    return [
      finding(
        rule,
        ex,
        `422 for an unparseable body: the body says "${m[0]}"; that is a ${s}`,
        excerptAround(text, m.index),
      ),
    ];
  },
});

export default rule;
