/**
 * Probe: a body in a media type the operation does not take must be refused with 415 (RFC 9110
 * §15.5.16); an Accept the operation cannot satisfy may be answered 406 (info: many APIs answer
 * their one type anyway, which RFC 9110 §12.5.1 allows).
 */
import { commonWhy, unexpectedStatus } from "../probe-expect.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "probe-media-type-not-refused",
  meta: {
    title: "Unsupported Content-Type not answered 415",
    severity: "warning",
    spec: { document: "RFC 9110", section: "15.5.16" },
    csf: "DE.CM",
    needs: ["probe"],
    description:
      "The probe sent a body as text/plain to an operation that takes JSON, and asked for a media type (Accept) the operation does not produce. The first must be a 415 with Accept (or Accept-Post/Accept-Patch) naming what is taken: a 400 or 500 hides that only the label was wrong. The second is reported only when the answer is neither a 406 nor a 2xx: sending the one type the API has is allowed (RFC 9110 §12.5.1), a 400 or 500 is not.",
    fix: 'Check Content-Type before parsing and answer unsupportedMediaType({ accept: ["application/json"] }) (truestatus\' requireContentType); answer notAcceptable() when Accept excludes every type you produce.',
  },
  check(ex) {
    // RFC 9110 §12.5.1: a server may disregard Accept and send what it has; only 4xx/5xx other
    // than 406 are wrong answers to an unacceptable Accept.
    const s = ex.response?.status;
    if (ex.probe?.scenario === "not-acceptable" && s !== undefined && s >= 200 && s < 300)
      return NO_FINDINGS;
    return unexpectedStatus(
      rule,
      ex,
      ["unsupported-media-type", "not-acceptable"],
      (s) => commonWhy(s),
      (s, f) =>
        s >= 500 || s < 300 ? "error" : f.scenario === "not-acceptable" ? "info" : "warning",
    );
  },
});

export default rule;
