/** 401 whose challenge says insufficient_scope: RFC 6750 §3.1 maps that error to 403. */
import { parseWwwAuthenticate } from "truestatus";
import { headerLine } from "../evidence.js";
import { headerField } from "../exchange.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "401-with-insufficient-scope",
  meta: {
    title: "401 for a token that only lacks a scope",
    severity: "error",
    spec: { document: "RFC 6750", section: "3.1" },
    csf: "PR.AA",
    needs: ["response.headers"],
    description:
      'The challenge says error="insufficient_scope": the token was valid, it only lacks a permission. RFC 6750 §3.1 says that is a 403. A 401 makes clients throw away a good token and log in again, in a loop.',
    fix: 'Answer 403 with `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."` (truestatus\' forbidden({ scope }) does).',
  },
  screen: (status) => status === 401,
  check(ex) {
    const res = ex.response;
    if (res?.status !== 401) return NO_FINDINGS;
    const value = headerField(res.headers, "www-authenticate");
    if (value === undefined) return NO_FINDINGS;
    const parsed = parseWwwAuthenticate(value);
    if (!parsed.ok) return NO_FINDINGS;
    const scoped = parsed.value.some(
      (c) => c.scheme.toLowerCase() === "bearer" && c.params.error === "insufficient_scope",
    );
    return scoped
      ? [
          finding(
            rule,
            ex,
            '401 with error="insufficient_scope": the token is valid but lacks a scope, which is a 403',
            headerLine(res.headers, "WWW-Authenticate"),
          ),
        ]
      : NO_FINDINGS;
  },
});

export default rule;
