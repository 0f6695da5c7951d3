/** A problem schema whose `status` is not a number: RFC 9457 §3.1.2 makes it the HTTP status, a JSON number. */
import { types } from "../openapi.js";
import { problemContents } from "../problem.js";
import { defineLintRule, type LintFinding, lintFinding } from "../rule.js";

const rule = defineLintRule({
  id: "problem-status-not-integer",
  meta: {
    title: "Problem status that is not an integer",
    severity: "error",
    spec: { document: "RFC 9457", section: "3.1.2" },
    csf: "DE.AE",
    description:
      'The `status` member of a problem details object is the HTTP status code as a JSON number (RFC 9457 §3.1.2). A schema that types it as a string ("404") or an object makes every generic problem+json client misread it, and generated clients fail to parse the error.',
    fix: "Type the problem's `status` as `integer` (minimum 100, maximum 599).",
  },
  check(doc) {
    const out: LintFinding[] = [];
    for (const p of problemContents(doc)) {
      for (const part of p.schema.properties.status ?? []) {
        const t = types(part.schema);
        if (t.length === 0 || t.includes("integer") || t.includes("number")) continue;
        out.push(
          lintFinding(
            rule,
            part.at,
            `the problem schema types status as ${t.join(" or ")}, not an integer`,
            {
              path: part.at,
              yaml: "type: integer\nminimum: 100\nmaximum: 599",
            },
          ),
        );
      }
    }
    return out;
  },
});

export default rule;
