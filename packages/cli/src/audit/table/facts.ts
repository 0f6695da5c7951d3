/**
 * What the summary counts besides findings, as expressions over the exchanges table: the failure
 * class (classify.ts), the timeline's status class (timeline.ts) and the endpoint's method label
 * (template.ts). Those modules stay the streaming engine's hot path; a property test holds these
 * expressions to them on generated exchanges (test/audit/table/facts.property.test.ts).
 */
import {
  and,
  caseWhen,
  charAt,
  col,
  differs,
  type Expr,
  eq,
  gt,
  hasAny,
  isIn,
  isNull,
  lastStatus,
  lit,
  lt,
  matches,
  ne,
  notNull,
  or,
  upperAscii,
} from "./expr.js";

const status = col("status");
const flags = col("upstream_flags");
const termination = col("termination");

/** classify.ts's ENVOY_DEPENDENCY. */
const ENVOY_DEPENDENCY = ["UT", "UF", "UH", "UC", "UR", "URX", "DF", "UPE", "LR", "UMSDR"];

/** classify.ts's upstreamFailed: the upstream facts say a dependency (not the app) failed. */
export const upstreamFailed: Expr = and(
  // The upstream's own answer, passed on (Envoy via_upstream): whatever the flags, it answered.
  differs(col("generated_by"), "upstream"),
  or(
    hasAny(flags, ENVOY_DEPENDENCY),
    and(
      notNull(col("upstream_details")),
      ne(col("upstream_details"), "via_upstream"),
      matches(col("upstream_details"), "upstream|connection|timeout|reset", true),
    ),
    eq(col("target_status"), "-"),
    isIn(charAt(termination, 0), ["s", "S"]),
    isIn(lastStatus(col("upstream_status")), ["-", "502", "504"]),
  ),
);

/** classify.ts's clientAborted. */
export const clientAborted: Expr = or(
  eq(col("client_aborted"), lit(true)),
  isIn(status, [499, 460]),
  hasAny(flags, ["DC"]),
  isIn(charAt(termination, 0), ["C", "c"]),
);

/** classify.ts's classify, with the body's verdict in `body_class`; NULL for plain successes. */
export const failureClass: Expr = caseWhen(
  [
    [clientAborted, lit("client_abort")],
    [
      isNull(status),
      caseWhen(
        [
          [notNull(col("network_error")), lit("network_error")],
          // No response because the dependency failed (Envoy "0 UF,URX"): not the client's doing.
          [upstreamFailed, lit("dependency")],
        ],
        lit("client_abort"),
      ),
    ],
    [hasAny(flags, ["UAEX"]), lit("auth")],
    [hasAny(flags, ["RL"]), lit("throttling")],
    [hasAny(flags, ["NR"]), lit("not_found")],
    [hasAny(flags, ["UO"]), lit("overload")],
    [lt(status, 400), caseWhen([[eq(status, 294), lit("partial")]], col("body_class"))],
    [isIn(status, [401, 403, 407, 511, 561]), lit("auth")],
    [isIn(status, [404, 410]), lit("not_found")],
    [eq(status, 429), lit("throttling")],
    [lt(status, 500), lit("validation")],
    [isIn(status, [502, 504]), lit("dependency")],
    [upstreamFailed, lit("dependency")],
    [eq(status, 503), lit("overload")],
  ],
  lit("server_bug"),
);

/** The body verdict of a table that has no bodies: the engine's verdict for a 207. */
export const bodyClassWithoutBodies: Expr = caseWhen(
  [[eq(status, 207), lit("partial")]],
  lit(null),
);

/** timeline.ts's statusClass: "2xx" for 204, "none" without a response, "other" outside 100..599. */
export const timeClass: Expr = caseWhen(
  [
    [isNull(status), lit("none")],
    [or(lt(status, 100), gt(status, 599)), lit("other")],
    [lt(status, 200), lit("1xx")],
    [lt(status, 300), lit("2xx")],
    [lt(status, 400), lit("3xx")],
    [lt(status, 500), lit("4xx")],
  ],
  lit("5xx"),
);

/** template.ts's KNOWN_METHODS. */
const KNOWN_METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "TRACE",
  "CONNECT",
];

/** template.ts's methodLabel (for ASCII methods: SQL's upper() and JavaScript's differ beyond). */
export const methodLabel: Expr = caseWhen(
  [
    [isIn(col("method"), KNOWN_METHODS), col("method")],
    [isIn(upperAscii(col("method")), KNOWN_METHODS), upperAscii(col("method"))],
  ],
  lit("_OTHER"),
);
