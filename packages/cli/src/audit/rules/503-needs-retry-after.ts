/** 503 without Retry-After: RFC 9110 §15.6.4 says MAY; a hint that helps clients back off. */
import { parseRetryAfter } from "truestatus";
import { headerLine } from "../evidence.js";
import { headerField } from "../exchange.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "503-needs-retry-after",
  meta: {
    title: "503 without Retry-After",
    severity: "info",
    spec: { document: "RFC 9110", section: "15.6.4" },
    csf: "PR.IR",
    needs: ["response.headers"],
    description:
      "A 503 says the service is temporarily unable to answer. When the delay is known (maintenance, load shedding with a queue estimate), Retry-After lets clients wait instead of adding load to an overloaded service.",
    fix: "Send `Retry-After` when the delay is known (truestatus' unavailable({ retryAfter })).",
  },
  screen: (status) => status === 503,
  check(ex) {
    const res = ex.response;
    if (res?.status !== 503) return NO_FINDINGS;
    const value = headerField(res.headers, "retry-after");
    if (value === undefined)
      return [finding(rule, ex, "503 without Retry-After: clients are not told when to come back")];
    const r = parseRetryAfter(value);
    return r.ok
      ? NO_FINDINGS
      : [
          finding(
            rule,
            ex,
            `503 with an invalid Retry-After: ${r.error.message}`,
            headerLine(res.headers, "Retry-After"),
          ),
        ];
  },
});

export default rule;
