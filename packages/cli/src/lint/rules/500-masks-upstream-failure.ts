/** An operation that calls upstreams with 500 as its only server error: 502/503/504 undeclared. */
import { declares, label, type OperationView, operations, responseKey } from "../openapi.js";
import { defineLintRule, type LintFinding, type LintOptions, lintFinding } from "../rule.js";
import { addResponse, headerYaml, responseYaml } from "../suggest.js";

/** Marks an operation as calling upstreams: `x-truestatus-upstream: true` (or the upstreams' names). */
export const UPSTREAM_EXTENSION = "x-truestatus-upstream";
/** The document's own list: `x-truestatus-upstream-operations: [getQuote, "GET /rates"]`. */
export const UPSTREAM_OPERATIONS_EXTENSION = "x-truestatus-upstream-operations";

function callsUpstream(op: OperationView, listed: ReadonlySet<string>): boolean {
  const x = op.op[UPSTREAM_EXTENSION];
  if (x === true || (typeof x === "string" && x !== "") || (Array.isArray(x) && x.length > 0))
    return true;
  if (op.id !== undefined && listed.has(op.id)) return true;
  return listed.has(`${op.method} ${op.path}`);
}

function listedOperations(
  doc: Readonly<Record<string, unknown>>,
  options: LintOptions,
): Set<string> {
  const norm = (s: string) =>
    s.trim().replace(/^([a-z]+)\s+/i, (_m, m: string) => `${m.toUpperCase()} `);
  const set = new Set(options.upstreamOperations.map(norm));
  const ext = doc[UPSTREAM_OPERATIONS_EXTENSION];
  if (Array.isArray(ext)) for (const s of ext) if (typeof s === "string") set.add(norm(s));
  return set;
}

const rule = defineLintRule({
  id: "500-masks-upstream-failure",
  meta: {
    title: "500 for an upstream failure",
    severity: "error",
    spec: { document: "RFC 9110", section: "15.6" },
    csf: "DE.AE",
    description:
      "An operation that calls other services fails in ways that are not bugs: the dependency answered garbage (502), is down or overloaded (503), or timed out (504). A document that declares only 500 for such an operation tells clients and on-call engineers every failure is a bug here. Operations are known to call upstreams by the `x-truestatus-upstream` extension, the document's `x-truestatus-upstream-operations` list or `--upstream-operation`.",
    fix: "Declare 502, 503 (with Retry-After) and 504 on operations that call upstreams, and answer them (truestatus/upstream classifies the failures).",
  },
  check(doc, options) {
    const listed = listedOperations(doc, options);
    const out: LintFinding[] = [];
    for (const op of operations(doc)) {
      if (!callsUpstream(op, listed)) continue;
      if ([502, 503, 504].some((c) => declares(op, c))) continue;
      const k500 = responseKey(op, "500");
      const suggestion = addResponse(
        op,
        [
          responseYaml(doc, 502, "An upstream answered with something invalid or failed"),
          responseYaml(doc, 503, "A dependency is unavailable", [
            headerYaml("Retry-After", "Seconds to wait before retrying", "30"),
          ]),
          responseYaml(doc, 504, "An upstream timed out"),
        ].join("\n"),
      );
      out.push(
        lintFinding(
          rule,
          k500 !== undefined ? [...op.responsesAt, k500] : op.responsesAt,
          k500 !== undefined
            ? `${label(op)} calls upstreams but 500 is its only server error: 502, 503 and 504 are undeclared`
            : `${label(op)} calls upstreams but declares none of 502, 503 and 504`,
          suggestion,
        ),
      );
    }
    return out;
  },
});

export default rule;
