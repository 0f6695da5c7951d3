/** 401 whose challenge says insufficient_scope: RFC 6750 §3.1 maps that error to 403. */
import { parseWwwAuthenticate } from "truestatus";
import { headerLine } from "../evidence.js";
import { col, eq, lit, notNull } from "../table/expr.js";
import { defineTableRule } from "../table/form.js";

const value = col("www_authenticate");

const rule = defineTableRule({
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
  table: {
    about: eq(col("status"), 401),
    // Only a parsed challenge says it: SQL passes the values on.
    when: lit(false),
    check: {
      inputs: [value],
      applies: notNull(value),
      judge([v]) {
        const parsed = parseWwwAuthenticate(String(v));
        if (!parsed.ok) return undefined;
        const scoped = parsed.value.some(
          (c) => c.scheme.toLowerCase() === "bearer" && c.params.error === "insufficient_scope",
        );
        return scoped ? "" : undefined;
      },
    },
    message: () =>
      '401 with error="insufficient_scope": the token is valid but lacks a scope, which is a 403',
    excerpt: (row) =>
      headerLine({ "www-authenticate": [row.www_authenticate!] }, "WWW-Authenticate"),
  },
});

export default rule;
