/**
 * Probe: a body that is not JSON, or JSON that misses a required field or has one of the wrong
 * type (from the OpenAPI schema), must be refused as the client's mistake: 400 (RFC 9110 §15.5.1),
 * or 422 for schema errors under that policy; never a 5xx, never a success.
 */
import { commonWhy, unexpectedStatus, worstIsError } from "../probe-expect.js";
import { defineRule, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "probe-bad-body-not-400",
  meta: {
    title: "Unparseable or invalid body not answered 400",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.5.1" },
    csf: "DE.CM",
    needs: ["probe"],
    description:
      "The probe sent bodies an operation must reject before doing anything: truncated JSON, and JSON missing a required field or with a field of the wrong type. A 500 means the parser's exception reaches the error handler as a bug (and pages whoever is on call for a client's typo); a 2xx means the input was accepted; a 422 for unparseable JSON claims the server understood content it could not read.",
    fix: "Parse and validate before any effect and answer malformed() (400) for unparseable bodies and invalid() (400, or 422 with validationStatus: 422) for schema errors; truestatus' adapters recognize body-parser, Ajv and Zod errors.",
  },
  check(ex) {
    return unexpectedStatus(
      rule,
      ex,
      ["malformed-body", "invalid-body"],
      (s) => (s === 422 ? "422 for content that could not even be parsed" : commonWhy(s)),
      worstIsError("warning"),
    );
  },
});

export default rule;
