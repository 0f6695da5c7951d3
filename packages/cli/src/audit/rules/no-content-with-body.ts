/** 204, 205 or 304 with a body: these responses cannot carry content (RFC 9110 §15.3.5, §15.3.6, §15.4.5). */
import { contentAllowed, statusInfo } from "truestatus";
import { and, col, isIn, isNull, ne, notNull, or } from "../table/expr.js";
import { defineTableRule } from "../table/form.js";

/** Statuses of a final response that cannot carry content (204, 205, 304), as the library says. */
export const NO_CONTENT_STATUSES: readonly number[] = Array.from(
  { length: 400 },
  (_, i) => 200 + i,
).filter((s) => !contentAllowed(s));

const size = col("size");

const rule = defineTableRule({
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
  table: {
    about: and(isIn(col("status"), NO_CONTENT_STATUSES), or(isNull(size), ne(size, 0))),
    // Bytes of body the source logged as sent (the rule runs only where that is evidence).
    when: and(notNull(size), ne(size, 0)),
    message: (row) =>
      `${row.status} ${statusInfo(row.status!)?.reason ?? ""} sent ${row.size} bytes of body; it cannot carry content`,
  },
});

export default rule;
