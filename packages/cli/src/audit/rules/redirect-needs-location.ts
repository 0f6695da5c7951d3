/** A redirect without Location: the client is told to go elsewhere but not where (RFC 9110 §15.4). */
import { requiredHeaders, statusInfo } from "truestatus";
import { col, isIn, isNull } from "../table/expr.js";
import { defineTableRule } from "../table/form.js";

const REDIRECTS = [301, 302, 303, 307, 308];

const rule = defineTableRule({
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
  table: {
    about: isIn(col("status"), REDIRECTS),
    when: isNull(col("location")),
    message(row) {
      const status = row.status!;
      const req = requiredHeaders(status, "MAY").find((h) => h.field === "Location");
      const where = req?.source ?? `RFC 9110 §${statusInfo(status)?.spec.section ?? "15.4"}`;
      return `${status} without Location (${where}): the client is not told where to go`;
    },
  },
});

export default rule;
