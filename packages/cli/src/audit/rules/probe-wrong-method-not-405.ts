/**
 * Probe: a method the path does not support must be a 405 (RFC 9110 §15.5.6): the resource exists,
 * the method does not. A 404 says the resource is missing; a 500 a bug.
 */
import { commonWhy, unexpectedStatus, worstIsError } from "../probe-expect.js";
import { defineRule, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "probe-wrong-method-not-405",
  meta: {
    title: "Wrong method on an existing path not answered 405",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.5.6" },
    csf: "DE.CM",
    needs: ["probe"],
    description:
      "The probe sent a method the OpenAPI document does not list for a path that exists. The answer must be 405 with Allow: a 404 tells the client the resource does not exist (so it checks ids and URLs, not its method), and a 2xx means an undocumented method is live.",
    fix: "Answer methodNotAllowed({ allow }) for known paths with other methods (truestatus' adapters do it from the router's table).",
  },
  check(ex) {
    return unexpectedStatus(
      rule,
      ex,
      ["wrong-method"],
      (s) =>
        s === 404
          ? "404 says the resource does not exist; the method is the problem"
          : commonWhy(s),
      worstIsError("error"),
    );
  },
});

export default rule;
