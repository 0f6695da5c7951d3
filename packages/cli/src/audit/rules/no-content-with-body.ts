/** 204, 205 or 304 with a body: these responses cannot carry content (RFC 9110 §15.3.5, §15.3.6, §15.4.5). */
import { contentAllowed, statusInfo } from "truestatus";
import type { Exchange } from "../exchange.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

/** Bytes of body the source logged as sent (the rules run only where that is evidence). */
export function bodyBytes(ex: Exchange): number {
  return ex.response?.size ?? 0;
}

const rule: Rule = defineRule({
  id: "no-content-with-body",
  meta: {
    title: "204 / 205 / 304 with a body",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.3.5" },
    csf: "DE.CM",
    needs: ["response.size"],
    description:
      "A 204, 205 or 304 ends at its header section: it cannot contain content. Bytes sent after it are read as the start of the next response on a keep-alive connection, which desynchronises clients and proxies (and is a request-smuggling ingredient).",
    fix: "Send no body with 204, 205 and 304; if there is something to say, answer 200.",
  },
  screen: (status, _method, size) =>
    (status === 204 || status === 205 || status === 304) && size !== 0,
  check(ex) {
    const res = ex.response;
    if (res === undefined || res.status < 200 || contentAllowed(res.status)) return NO_FINDINGS;
    const n = bodyBytes(ex);
    if (n === 0) return NO_FINDINGS;
    return [
      finding(
        rule,
        ex,
        `${res.status} ${statusInfo(res.status)?.reason ?? ""} sent ${n} bytes of body; it cannot carry content`,
      ),
    ];
  },
});

export default rule;
