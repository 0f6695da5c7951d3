/** A redirect without Location: the client is told to go elsewhere but not where (RFC 9110 §15.4). */
import { requiredHeaders, statusInfo } from "truestatus";
import { headerValue } from "../exchange.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const rule: Rule = defineRule({
  id: "redirect-needs-location",
  meta: {
    title: "Redirect without Location",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.4" },
    csf: "DE.CM",
    needs: ["response.headers"],
    description:
      "301, 302, 303, 307 and 308 send the client to another URI, given in Location (RFC 9110 says the server SHOULD generate it). Without it a browser shows an empty page and an API client has nowhere to go.",
    fix: "Send `Location` with every redirect, or answer with the status that describes what happened (200, 404...).",
  },
  screen: (status) => REDIRECTS.has(status),
  check(ex) {
    const res = ex.response;
    if (res === undefined || !REDIRECTS.has(res.status)) return NO_FINDINGS;
    if (headerValue(res.headers, "location") !== undefined) return NO_FINDINGS;
    const req = requiredHeaders(res.status, "MAY").find((h) => h.field === "Location");
    const where = req?.source ?? `RFC 9110 §${statusInfo(res.status)?.spec.section ?? "15.4"}`;
    return [
      finding(
        rule,
        ex,
        `${res.status} without Location (${where}): the client is not told where to go`,
      ),
    ];
  },
});

export default rule;
