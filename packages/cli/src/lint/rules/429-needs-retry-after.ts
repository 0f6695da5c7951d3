/** A 429 response that declares neither Retry-After nor a RateLimit field: clients cannot tell when to retry. */
import { declaredHeader, operations, response, responseKey } from "../openapi.js";
import { defineLintRule, type LintFinding, lintFinding } from "../rule.js";
import { addHeader, headerYaml } from "../suggest.js";

/** Fields that tell a client when it may come back (the analyze rule accepts the same ones). */
const WHEN = [
  "Retry-After",
  "RateLimit",
  "RateLimit-Reset",
  "X-RateLimit-Reset",
  "X-Rate-Limit-Reset",
];

const rule = defineLintRule({
  id: "429-needs-retry-after",
  meta: {
    title: "429 without Retry-After",
    severity: "warning",
    spec: { document: "RFC 6585", section: "4" },
    csf: "PR.IR",
    description:
      "A 429 that does not say when to come back makes every client guess: most retry at once, which keeps them over the limit. RFC 6585 §4 says the response MAY include Retry-After; a RateLimit field with a reset (t=) or the vendor X-RateLimit-Reset is accepted as the same hint.",
    fix: "Declare `Retry-After` (and `RateLimit` / `RateLimit-Policy`) under the 429 response's `headers`.",
  },
  check(doc) {
    const out: LintFinding[] = [];
    for (const op of operations(doc)) {
      const key = responseKey(op, "429");
      if (key === undefined) continue;
      const res = response(op, key);
      if (res === undefined) continue;
      if (WHEN.some((h) => declaredHeader(res, h) !== undefined)) continue;
      const at = [...op.responsesAt, key];
      out.push(
        lintFinding(
          rule,
          at,
          "the 429 response declares no Retry-After (nor RateLimit): clients cannot tell when to retry",
          addHeader(
            res,
            at,
            headerYaml("Retry-After", "Seconds to wait before retrying (RFC 9110 §10.2.3)", "30"),
          ),
        ),
      );
    }
    return out;
  },
});

export default rule;
