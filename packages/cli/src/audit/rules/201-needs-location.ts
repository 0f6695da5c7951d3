/** 201 without Location: the new resource is then taken to be the request target (RFC 9110 §15.3.2). */
import { and, col, eq, isNull } from "../table/expr.js";
import { defineTableRule } from "../table/form.js";

const rule = defineTableRule({
  id: "201-needs-location",
  meta: {
    title: "201 without Location",
    severity: "info",
    spec: { document: "RFC 9110", section: "15.3.2" },
    csf: "DE.CM",
    needs: ["response.headers"],
    description:
      "A 201 identifies the created resource by Location; without it, the request target is assumed. For a POST to a collection that is wrong (the new item is not the collection), so clients must dig the id out of the body.",
    fix: "Send `Location: /orders/123` with a 201 created by a POST to a collection.",
  },
  table: {
    about: eq(col("status"), 201),
    when: and(eq(col("method"), "POST"), isNull(col("location"))),
    message: () =>
      "201 to a POST without Location: the client is not told where the new resource is",
  },
});

export default rule;
