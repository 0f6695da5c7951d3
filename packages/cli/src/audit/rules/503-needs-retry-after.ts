/** 503 without Retry-After: RFC 9110 §15.6.4 says MAY; a hint that helps clients back off. */
import { parseRetryAfter } from "truestatus";
import { headerLine } from "../evidence.js";
import { col, eq, isNull, notNull } from "../table/expr.js";
import { defineTableRule } from "../table/form.js";

const value = col("retry_after");

const rule = defineTableRule({
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
  table: {
    about: eq(col("status"), 503),
    when: isNull(value),
    check: {
      inputs: [value],
      applies: notNull(value),
      judge([v]) {
        const r = parseRetryAfter(String(v));
        return r.ok ? undefined : r.error.message;
      },
    },
    message: (_row, detail) =>
      detail === undefined
        ? "503 without Retry-After: clients are not told when to come back"
        : `503 with an invalid Retry-After: ${detail}`,
    excerpt: (row, detail) =>
      detail === undefined
        ? undefined
        : headerLine({ "retry-after": [row.retry_after!] }, "Retry-After"),
  },
});

export default rule;
