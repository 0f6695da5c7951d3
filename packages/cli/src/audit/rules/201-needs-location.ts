/** 201 without Location: the new resource is then taken to be the request target (RFC 9110 §15.3.2). */
import { headerValue } from "../exchange.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
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
  screen: (status) => status === 201,
  check(ex) {
    const res = ex.response;
    if (res?.status !== 201 || ex.request.method !== "POST") return NO_FINDINGS;
    if (headerValue(res.headers, "location") !== undefined) return NO_FINDINGS;
    return [
      finding(
        rule,
        ex,
        "201 to a POST without Location: the client is not told where the new resource is",
      ),
    ];
  },
});

export default rule;
