/**
 * 500 while the proxy's own facts show a dependency failure: a timeout is a 504, a refused, reset
 * or invalid upstream a 502, overload or no healthy upstream a 503 (shared/reference/traffic.md §3.5).
 */
import { FAILURE_KINDS } from "truestatus";
import type { UpstreamFacts } from "../exchange.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

type Cause = { readonly status: number; readonly what: string; readonly fact: string };

const TIMEOUT = FAILURE_KINDS.gateway_timeout.status;
const BAD_GATEWAY = FAILURE_KINDS.bad_gateway.status;
const UNAVAILABLE = FAILURE_KINDS.unavailable.status;

const ENVOY: Readonly<Record<string, Omit<Cause, "fact">>> = {
  UT: { status: TIMEOUT, what: "the upstream timed out" },
  LR: { status: TIMEOUT, what: "the upstream connection timed out" },
  UF: { status: BAD_GATEWAY, what: "the upstream connection failed" },
  UC: { status: BAD_GATEWAY, what: "the upstream connection was terminated" },
  UR: { status: BAD_GATEWAY, what: "the upstream reset the connection" },
  UPE: { status: BAD_GATEWAY, what: "the upstream answered with a protocol error" },
  DF: { status: BAD_GATEWAY, what: "the upstream name did not resolve" },
  UH: { status: UNAVAILABLE, what: "no healthy upstream" },
  UO: { status: UNAVAILABLE, what: "the upstream is overloaded (circuit breaker)" },
  URX: { status: UNAVAILABLE, what: "retries to the upstream were exhausted" },
};

/** What the proxy's facts say happened upstream, or undefined when they show nothing wrong. */
export function upstreamCause(u: UpstreamFacts): Cause | undefined {
  for (const f of u.flags ?? []) {
    const c = ENVOY[f];
    if (c !== undefined) return { ...c, fact: `Envoy response flag ${f}` };
  }
  const t = u.termination;
  if (t !== undefined && t.length >= 2 && (t[0] === "s" || t[0] === "S")) {
    const fact = `HAProxy termination state ${t.slice(0, 2)}`;
    if (t[0] === "s" && (t[1] === "H" || t[1] === "D" || t[1] === "C"))
      return { status: TIMEOUT, what: "the server timed out", fact };
    if (t[0] === "s" && t[1] === "Q")
      return { status: UNAVAILABLE, what: "the request timed out in the queue", fact };
    if (t[0] === "S")
      return { status: BAD_GATEWAY, what: "the server aborted or refused the connection", fact };
  }
  if (u.targetStatus === null)
    return {
      status: BAD_GATEWAY,
      what: "the target never answered",
      fact: "ALB target_status_code -",
    };
  const attempts = u.attempts ?? [];
  const last = attempts[attempts.length - 1];
  if (last !== undefined) {
    const list = attempts.map((a) => (a.status === undefined ? "-" : String(a.status))).join(", ");
    const fact = `upstream status ${list}`;
    if (last.status === 504) return { status: TIMEOUT, what: "the upstream timed out", fact };
    if (last.status === 502 || last.status === undefined)
      return { status: BAD_GATEWAY, what: "the upstream failed to answer", fact };
    if (last.status === 503)
      return { status: UNAVAILABLE, what: "the upstream was unavailable", fact };
  }
  return undefined;
}

function describe(c: Cause): string {
  return `500 while ${c.what} (${c.fact}): answer ${c.status} so clients and dashboards see a dependency failure, not a bug`;
}

const rule: Rule = defineRule({
  id: "500-masks-upstream-failure",
  meta: {
    title: "500 hiding an upstream timeout, failure or overload",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.6" },
    csf: "DE.AE",
    needs: ["upstream"],
    description:
      "A 500 says the server has a bug. When the proxy's own facts show the upstream timed out, refused, reset or was overloaded, the truthful answers are 504, 502 and 503: clients retry those differently, and dashboards then separate dependency failures from bugs.",
    fix: "Classify upstream errors (truestatus' upstream classifier maps ECONNREFUSED → 502, timeouts → 504, overload → 503 with Proxy-Status) instead of letting them fall through to a generic 500.",
  },
  screen: (status) => status === 500,
  check(ex) {
    if (ex.response?.status !== 500 || ex.upstream === undefined) return NO_FINDINGS;
    // The upstream answered this 500 itself and the proxy passed it on (Envoy via_upstream): a
    // bug upstream, not a failure the proxy turned into a 500.
    if (ex.upstream.generatedBy === "upstream") return NO_FINDINGS;
    const c = upstreamCause(ex.upstream);
    return c === undefined ? NO_FINDINGS : [finding(rule, ex, describe(c), c.fact)];
  },
});

export default rule;
