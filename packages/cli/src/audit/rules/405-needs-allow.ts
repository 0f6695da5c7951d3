/** 405 without Allow: RFC 9110 §15.5.6 says the server MUST list the supported methods. */
import { parseAllow, requiredHeaders } from "truestatus";
import { headerLine } from "../evidence.js";
import { col, eq, isNull, notNull } from "../table/expr.js";
import { defineTableRule } from "../table/form.js";

const FIELD = requiredHeaders(405, "MUST")[0]?.field ?? "Allow";
const value = col("allow");

const rule = defineTableRule({
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
  table: {
    about: eq(col("status"), 405),
    when: isNull(value),
    check: {
      inputs: [value],
      applies: notNull(value),
      judge([v]) {
        const r = parseAllow(String(v));
        return r.ok ? undefined : r.error.message;
      },
    },
    message: (_row, detail) =>
      detail === undefined
        ? `405 without ${FIELD}: the client is not told which methods are supported`
        : `405 with an invalid ${FIELD}: ${detail}`,
    excerpt: (row, detail) =>
      detail === undefined ? undefined : headerLine({ [FIELD.toLowerCase()]: [row.allow!] }, FIELD),
  },
});

export default rule;
