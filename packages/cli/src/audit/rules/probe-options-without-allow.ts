/** Probe: OPTIONS on a path should list its methods in Allow (RFC 9110 §9.3.7). */
import { parseAllow } from "truestatus";
import { headerField } from "../exchange.js";
import { finding } from "../finding.js";
import { probeOf } from "../probe-expect.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "probe-options-without-allow",
  meta: {
    title: "OPTIONS without Allow",
    severity: "info",
    spec: { document: "RFC 9110", section: "9.3.7" },
    csf: "DE.CM",
    needs: ["probe"],
    description:
      "OPTIONS asks which communication options a resource has. A server that answers it should say which methods the path takes in Allow (a 2xx), or refuse OPTIONS with 405 and Allow. Without it, tools that discover an API by OPTIONS see nothing.",
    fix: "Let the framework answer OPTIONS (Express does, with Allow), or answer 204 with `Allow: GET, HEAD, POST` for each route.",
  },
  check(ex) {
    const facts = probeOf(ex, ["options"]);
    const res = ex.response;
    if (facts === undefined || res === undefined) return NO_FINDINGS;
    // 405 without Allow is 405-needs-allow's; a 404 for OPTIONS hides the path from discovery.
    if (res.status === 405) return NO_FINDINGS;
    const value = headerField(res.headers, "allow");
    if (res.status >= 200 && res.status < 300 && value !== undefined && parseAllow(value).ok)
      return NO_FINDINGS;
    return [
      finding(
        rule,
        ex,
        `${facts.did}: ${res.status} ${value === undefined ? "without Allow" : "with an invalid Allow"}: the methods of the path are not listed`,
      ),
    ];
  },
});

export default rule;
