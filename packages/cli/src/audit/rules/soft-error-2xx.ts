/**
 * A 2xx whose body says the request failed (RFC 9110 §15.3: 2xx means success). Structure, not
 * words: see body.ts for the signals and the false-positive traps it avoids.
 */
import { inspectSuccessBody } from "../body.js";
import { redactText } from "../evidence.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "soft-error-2xx",
  meta: {
    title: "2xx answering a failure (soft error)",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.3" },
    csf: "DE.CM",
    needs: ["response.body"],
    description:
      'A 2xx says the request succeeded. A body like {"error": ...}, {"success": false}, a problem document or an error page says it failed. Caches keep it, retries never happen, and every dashboard counts it as a success: the failure is invisible to monitoring. GraphQL partial results (data with errors), JSON-RPC errors and bulk results are protocol conventions and are counted in their own classes instead; a health endpoint reporting down is only a hint.',
    fix: "Throw the failure (truestatus' HttpFailure) and let the adapter answer 4xx/5xx with a problem body. For GraphQL over HTTP, use application/graphql-response+json and a 4xx/5xx when there is no data.",
  },
  screen: (status) => status >= 200 && status <= 299,
  check(ex) {
    const res = ex.response;
    if (res === undefined || res.status < 200 || res.status > 299 || res.body === undefined)
      return NO_FINDINGS;
    const v = inspectSuccessBody(ex);
    if (v.kind === "error")
      return [
        finding(
          rule,
          ex,
          `${res.status} with a body that says the request failed: ${v.signal}`,
          redactText(v.excerpt),
          // Structure (JSON that says it failed) is evidence; text and the legacy GraphQL
          // convention only likely (docs/rules/soft-error-2xx.md#severity).
          v.weak ? "warning" : "error",
        ),
      ];
    if (v.kind === "hint")
      return [
        finding(
          rule,
          ex,
          `${res.status} while the ${v.signal} (deliberate for a liveness probe?)`,
          redactText(v.excerpt),
          "info",
        ),
      ];
    return NO_FINDINGS;
  },
});

export default rule;
