/** 401 without WWW-Authenticate: RFC 9110 §15.5.2 says the server MUST send at least one challenge. */
import { parseWwwAuthenticate, requiredHeaders } from "truestatus";
import { headerLine } from "../evidence.js";
import { headerField } from "../exchange.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "401-needs-www-authenticate",
  meta: {
    title: "401 without WWW-Authenticate",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.5.2" },
    csf: "PR.AA",
    needs: ["response.headers"],
    description:
      "A 401 tells the client to authenticate; the WWW-Authenticate challenge tells it how. Without it, clients cannot tell a missing login from a refused permission, and generic HTTP clients cannot authenticate at all.",
    fix: 'Answer 401 with a challenge, e.g. `WWW-Authenticate: Bearer realm="api"` (truestatus\' unauthenticated() always sends one); use 403 when the identity is known but not allowed.',
  },
  screen: (status) => status === 401,
  check(ex) {
    const res = ex.response;
    if (res?.status !== 401) return NO_FINDINGS;
    // The status table says which field a 401 MUST carry; the rule reads it rather than repeating it.
    const field = requiredHeaders(401, "MUST")[0]?.field ?? "WWW-Authenticate";
    const value = headerField(res.headers, field);
    if (value === undefined)
      return [
        finding(rule, ex, `401 without ${field}: the client is not told how to authenticate`),
      ];
    const parsed = parseWwwAuthenticate(value);
    if (!parsed.ok)
      return [
        finding(
          rule,
          ex,
          `401 with an unparseable ${field}: ${parsed.error.message}`,
          headerLine(res.headers, field),
        ),
      ];
    return NO_FINDINGS;
  },
});

export default rule;
