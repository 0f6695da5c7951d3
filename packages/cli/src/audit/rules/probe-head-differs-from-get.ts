/** Probe: HEAD must answer as GET would, without content (RFC 9110 §9.3.2). */

import { finding } from "../finding.js";
import { probeOf } from "../probe-expect.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "probe-head-differs-from-get",
  meta: {
    title: "HEAD answered differently from GET",
    severity: "warning",
    spec: { document: "RFC 9110", section: "9.3.2" },
    csf: "DE.CM",
    needs: ["probe"],
    description:
      "HEAD is GET without the content: the same status and header fields. Caches, link checkers and download managers rely on it. A HEAD that answers 404 or 405 where GET answers 200 means HEAD is routed separately (or not at all).",
    fix: "Let the framework derive HEAD from GET (Express, Fastify and Hono do by default) instead of routing it yourself.",
  },
  check(ex) {
    const facts = probeOf(ex, ["head"]);
    const status = ex.response?.status;
    if (facts?.getStatus === undefined || status === undefined || status === facts.getStatus)
      return NO_FINDINGS;
    return [
      finding(
        rule,
        ex,
        `${facts.did}: HEAD answered ${status} where GET answered ${facts.getStatus}`,
      ),
    ];
  },
});

export default rule;
