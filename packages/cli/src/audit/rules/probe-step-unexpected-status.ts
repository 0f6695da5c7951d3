/**
 * Probe: a step of a user's scenario file (what only the user knows: a duplicate, a state the
 * order cannot leave) was answered with a status the user did not expect.
 */
import { commonWhy, unexpectedStatus } from "../probe-expect.js";
import { defineRule, type Rule } from "../rule.js";

const rule: Rule = defineRule({
  id: "probe-step-unexpected-status",
  meta: {
    title: "Scenario step answered with an unexpected status",
    severity: "error",
    spec: { document: "RFC 9110", section: "15" },
    csf: "DE.CM",
    needs: ["probe"],
    description:
      "Scenario files (--scenario) describe what only the API's owner knows: creating the same user twice is a duplicate (422, or 409 by policy), cancelling a delivered order breaks a state rule (422), an order whose shipping quote times out upstream is a 504. A step answered otherwise is reported with the request that showed it.",
    fix: 'Raise the failure the step expects: unprocessable({ reason: "duplicate" | "invalid_state" }), conflict(), or let the upstream classifier turn a timeout into 504.',
  },
  check(ex) {
    return unexpectedStatus(rule, ex, ["step"], commonWhy);
  },
});

export default rule;
