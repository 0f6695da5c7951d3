/** 405 without Allow: RFC 9110 §15.5.6 says the server MUST list the supported methods. */
import { parseAllow, requiredHeaders } from "truestatus";
import { headerLine } from "../evidence.js";
import { headerField } from "../exchange.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "405-needs-allow",
  meta: {
    title: "405 without Allow",
    severity: "warning",
    spec: { document: "RFC 9110", section: "15.5.6" },
    csf: "DE.CM",
    needs: ["response.headers"],
    description:
      "A 405 says the resource exists but not for this method. The Allow field is what tells the client which methods it does support; without it the answer cannot be acted on.",
    fix: "Send `Allow: GET, HEAD, PUT` with every 405 (truestatus' methodNotAllowed({ allow }) requires the list).",
  },
  screen: (status) => status === 405,
  check(ex) {
    const res = ex.response;
    if (res?.status !== 405) return NO_FINDINGS;
    const field = requiredHeaders(405, "MUST")[0]?.field ?? "Allow";
    const value = headerField(res.headers, field);
    if (value === undefined)
      return [
        finding(
          rule,
          ex,
          `405 without ${field}: the client is not told which methods are supported`,
        ),
      ];
    const r = parseAllow(value);
    return r.ok
      ? NO_FINDINGS
      : [
          finding(
            rule,
            ex,
            `405 with an invalid ${field}: ${r.error.message}`,
            headerLine(res.headers, field),
          ),
        ];
  },
});

export default rule;
