/** application/problem+json whose "status" member differs from the HTTP status (RFC 9457 §3.1.2: MUST match). */
import { parseProblem } from "truestatus";
import { responseMediaType } from "../body.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "problem-status-mismatch",
  meta: {
    title: "problem+json status member differs from the HTTP status",
    severity: "error",
    spec: { document: "RFC 9457", section: "3.1.2" },
    csf: "DE.CM",
    needs: ["response.body"],
    description:
      "The status member of a problem document is advisory; the HTTP status is what clients, proxies and caches act on. RFC 9457 §3.1.2 says generators MUST use the same status in both. A mismatch usually means a framework rewrote one and not the other (often a 200 carrying a 500 problem).",
    fix: "Build the status and the problem body from one decision (truestatus' decide() returns both; serializeProblem() writes the same status).",
  },
  screen: (status) => status >= 0,
  check(ex) {
    const res = ex.response;
    const body = res?.body;
    if (res === undefined || body === undefined || body.truncated) return NO_FINDINGS;
    if (responseMediaType(ex) !== "application/problem+json") return NO_FINDINGS;
    const parsed = parseProblem(body.text, { status: res.status });
    if (!parsed.ok) return NO_FINDINGS;
    const issue = parsed.value.issues.find((i) => i.code === "status_mismatch");
    if (issue === undefined) return NO_FINDINGS;
    return [
      finding(
        rule,
        ex,
        `problem+json says status ${String(parsed.value.problem.status)} but the response is ${res.status}`,
        `status: ${String(parsed.value.problem.status)}`,
      ),
    ];
  },
});

export default rule;
