/**
 * Probe: a secured operation called without credentials, or with a garbage or expired-looking
 * token, must answer 401 (RFC 9110 §15.5.2); with the Bearer scheme the challenge says
 * error="invalid_token" when a token was refused (RFC 6750 §3.1).
 */
import { findChallenge, parseWwwAuthenticate } from "truestatus";
import { headerLine } from "../evidence.js";
import { headerField } from "../exchange.js";
import { finding } from "../finding.js";
import { commonWhy, probeOf, unexpectedStatus, worstIsError } from "../probe-expect.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const SCENARIOS = ["no-credentials", "invalid-token"] as const;

const rule: Rule = defineRule({
  id: "probe-unauthenticated-not-401",
  meta: {
    title: "Missing or invalid credentials not answered 401",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.5.2" },
    csf: "PR.AA",
    needs: ["probe"],
    description:
      'The probe called a secured operation without credentials, with a garbage token and with an expired-looking JWT. Each must be a 401 with a WWW-Authenticate challenge: a 403 says the identity is known and refused, a 404 hides the route, a 200 means the operation is not secured at all, and a 500 means the auth layer crashes on bad input. For Bearer tokens, a refused token says error="invalid_token" so that clients refresh it instead of giving up.',
    fix: 'Authenticate before anything else and answer unauthenticated({ reason: "missing" }) or ({ reason: "invalid" | "expired" }) (truestatus\' requireAuth does both, with the challenge).',
  },
  check(ex) {
    const wrong = unexpectedStatus(
      rule,
      ex,
      SCENARIOS,
      (s) =>
        s === 403
          ? "403 says the identity is known and refused; there is none"
          : s === 404
            ? "the route hides behind a 404 instead of asking for credentials"
            : commonWhy(s),
      worstIsError("error"),
    );
    if (wrong.length > 0) return wrong;
    const facts = probeOf(ex, ["invalid-token"]);
    const res = ex.response;
    if (facts === undefined || res?.status !== 401 || facts.scheme?.toLowerCase() !== "bearer")
      return NO_FINDINGS;
    const value = headerField(res.headers, "www-authenticate");
    // A 401 without any challenge is 401-needs-www-authenticate's finding.
    if (value === undefined) return NO_FINDINGS;
    const parsed = parseWwwAuthenticate(value);
    const bearer = parsed.ok ? findChallenge(parsed.value, "Bearer") : undefined;
    if (bearer?.params.error === "invalid_token") return NO_FINDINGS;
    return [
      finding(
        rule,
        ex,
        `${facts.did}: 401 without error="invalid_token" in the Bearer challenge: the client cannot tell a refused token from a missing one`,
        headerLine(res.headers, "WWW-Authenticate"),
        "warning",
      ),
    ];
  },
});

export default rule;
