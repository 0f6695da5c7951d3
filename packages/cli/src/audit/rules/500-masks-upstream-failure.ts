/**
 * 500 while the proxy's own facts show a dependency failure: a timeout is a 504, a refused, reset
 * or invalid upstream a 502, overload or no healthy upstream a 503 (shared/reference/traffic.md §3.5).
 */
import { FAILURE_KINDS } from "truestatus";
import {
  and,
  caseWhen,
  charAt,
  col,
  compileJs,
  concat,
  differs,
  type Expr,
  eq,
  firstOf,
  isIn,
  lastStatus,
  lit,
  notNull,
} from "../table/expr.js";
import { defineTableRule } from "../table/form.js";
import type { ExchangeRow } from "../table/schema.js";

type Cause = { readonly status: number; readonly what: string };

const TIMEOUT = FAILURE_KINDS.gateway_timeout.status;
const BAD_GATEWAY = FAILURE_KINDS.bad_gateway.status;
const UNAVAILABLE = FAILURE_KINDS.unavailable.status;

const ENVOY: Readonly<Record<string, Cause>> = {
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

/** Causes other than an Envoy flag, by the key `cause` gives them. */
const OTHER: Readonly<Record<string, Cause>> = {
  "haproxy:timeout": { status: TIMEOUT, what: "the server timed out" },
  "haproxy:queue": { status: UNAVAILABLE, what: "the request timed out in the queue" },
  "haproxy:aborted": { status: BAD_GATEWAY, what: "the server aborted or refused the connection" },
  "alb:-": { status: BAD_GATEWAY, what: "the target never answered" },
  "attempt:504": { status: TIMEOUT, what: "the upstream timed out" },
  "attempt:502": { status: BAD_GATEWAY, what: "the upstream failed to answer" },
  "attempt:-": { status: BAD_GATEWAY, what: "the upstream failed to answer" },
  "attempt:503": { status: UNAVAILABLE, what: "the upstream was unavailable" },
};

const termination = col("termination");
const first = charAt(termination, 0);
const second = charAt(termination, 1);
const last = lastStatus(col("upstream_status"));

/**
 * What the proxy's facts say happened upstream, as a key ("flag:UT", "haproxy:timeout",
 * "alb:-", "attempt:504"), or NULL when they show nothing wrong. In order: the first Envoy flag
 * that is a cause, the HAProxy termination state, an ALB target that never answered, the last
 * nginx attempt.
 */
export const cause: Expr = caseWhen(
  [
    [
      notNull(firstOf(col("upstream_flags"), Object.keys(ENVOY))),
      concat(lit("flag:"), firstOf(col("upstream_flags"), Object.keys(ENVOY))),
    ],
    [and(eq(first, "s"), isIn(second, ["H", "D", "C"])), lit("haproxy:timeout")],
    [and(eq(first, "s"), eq(second, "Q")), lit("haproxy:queue")],
    [and(eq(first, "S"), differs(second, "")), lit("haproxy:aborted")],
    [eq(col("target_status"), "-"), lit("alb:-")],
    [isIn(last, ["504", "502", "-", "503"]), concat(lit("attempt:"), last)],
  ],
  lit(null),
);

const causeOf = compileJs(cause);

/** The logged fact that the upstream never answered, in the words of the source that logged it. */
function noAnswerFact(row: ExchangeRow): string {
  const d = row.upstream_details;
  switch (row.format) {
    case "alb":
      return "ALB target_status_code -";
    case "elb":
      return "ELB backend_status_code -";
    case "traefik":
      return "Traefik logged no OriginStatus";
    case "cloudflare":
      return "Cloudflare OriginResponseStatus 0";
    default:
      return d === null || d === undefined ? "no upstream status logged" : `proxy detail ${d}`;
  }
}

/** The cause and the fact that shows it, for a row whose `cause` is not NULL. */
function explain(row: ExchangeRow): Cause & { readonly fact: string } {
  const key = String(causeOf(row));
  if (key.startsWith("flag:")) {
    const f = key.slice(5);
    return { ...ENVOY[f]!, fact: `Envoy response flag ${f}` };
  }
  const c = OTHER[key]!;
  if (key.startsWith("haproxy:"))
    return { ...c, fact: `HAProxy termination state ${row.termination!.slice(0, 2)}` };
  if (key === "alb:-") return { ...c, fact: noAnswerFact(row) };
  return { ...c, fact: `upstream status ${row.upstream_status}` };
}

const rule = defineTableRule({
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
  table: {
    about: eq(col("status"), 500),
    // The upstream answered this 500 itself and the proxy passed it on (Envoy via_upstream): a
    // bug upstream, not a failure the proxy turned into a 500.
    when: and(differs(col("generated_by"), "upstream"), notNull(cause)),
    message(row) {
      const c = explain(row);
      return `500 while ${c.what} (${c.fact}): answer ${c.status} so clients and dashboards see a dependency failure, not a bug`;
    },
    excerpt: (row) => explain(row).fact,
    shows: ["format", "termination", "upstream_details", "upstream_status"],
  },
});

export default rule;
