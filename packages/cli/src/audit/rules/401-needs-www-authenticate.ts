/** 401 without WWW-Authenticate: RFC 9110 §15.5.2 says the server MUST send at least one challenge. */
import { parseWwwAuthenticate, requiredHeaders } from "truestatus";
import { headerLine } from "../evidence.js";
import { col, eq, isNull, notNull } from "../table/expr.js";
import { defineTableRule } from "../table/form.js";

// The status table says which field a 401 MUST carry; the rule reads it rather than repeating it.
const FIELD = requiredHeaders(401, "MUST")[0]?.field ?? "WWW-Authenticate";
const value = col("www_authenticate");

const rule = defineTableRule({
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
  table: {
    about: eq(col("status"), 401),
    when: isNull(value),
    check: {
      inputs: [value],
      applies: notNull(value),
      judge([v]) {
        const parsed = parseWwwAuthenticate(String(v));
        return parsed.ok ? undefined : parsed.error.message;
      },
    },
    message: (_row, detail) =>
      detail === undefined
        ? `401 without ${FIELD}: the client is not told how to authenticate`
        : `401 with an unparseable ${FIELD}: ${detail}`,
    excerpt: (row, detail) =>
      detail === undefined
        ? undefined
        : headerLine({ [FIELD.toLowerCase()]: [row.www_authenticate!] }, FIELD),
  },
});

export default rule;
