/** 400 whose body says the request broke a business rule (duplicate, state conflict): that is 422 (or 409). */
import { conflict, decide, type Failure, unprocessable } from "truestatus";
import { jsonBody } from "../body.js";
import { excerptAround } from "../evidence.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const DUPLICATE =
  /already[ _-]?(?:exists?|taken|registered|in use|been used)|\bduplicate\b|\bduplicated\b|\bnot unique\b|unique constraint/i;
const STATE =
  /invalid[ _-]state|state transition|cannot be (?:cancel+ed|deleted|modified|updated|changed) (?:in|from|while)|is already (?:cancel+ed|closed|completed|paid|shipped|deleted|archived)|not allowed in (?:the )?(?:current )?state/i;
const CONFLICT =
  /\b(?:edit|version|write) conflict\b|\bconflict(?:s|ed|ing)? with\b|\bstale (?:version|object|data)\b/i;

/** What the body may say, what it means, and the failure that says it truthfully. */
const SIGNALS: readonly (readonly [RegExp, string, Failure])[] = [
  [DUPLICATE, "a duplicate", unprocessable({ reason: "duplicate" })],
  [STATE, "a state conflict", unprocessable({ reason: "invalid_state" })],
  [CONFLICT, "an edit conflict", conflict()],
];

/** Message-like strings of a JSON body (its top-level string members), or the text itself. */
function messages(text: string, json: unknown): string {
  if (typeof json === "object" && json !== null && !Array.isArray(json)) {
    const parts: string[] = [];
    for (const v of Object.values(json as Record<string, unknown>)) {
      if (typeof v === "string") parts.push(v);
      else if (typeof v === "object" && v !== null) parts.push(JSON.stringify(v).slice(0, 2048));
    }
    return parts.join(" | ");
  }
  return text.slice(0, 4096);
}

const rule: Rule = defineRule({
  id: "400-for-business-rule",
  meta: {
    title: "400 for a duplicate or a state conflict",
    severity: "warning",
    spec: { document: "RFC 9110", section: "15.5.21" },
    csf: "DE.CM",
    needs: ["response.body"],
    description:
      "400 says the request itself is malformed, so resending it unchanged is pointless and the client's code is at fault. A duplicate or a forbidden state transition is a well-formed request that breaks a rule of the API: 422 (or 409 under the duplicate policy, or 409 for an edit conflict). Clients and dashboards can then tell bugs in the client from business outcomes.",
    fix: 'Raise unprocessable({ reason: "duplicate" }) or unprocessable({ reason: "invalid_state" }) (422; duplicateStatus: 409 if you prefer), and conflict() for edit conflicts.',
  },
  screen: (status) => status === 400,
  check(ex, ctx) {
    const res = ex.response;
    if (res?.status !== 400 || res.body === undefined) return NO_FINDINGS;
    const text = messages(res.body.text, jsonBody(res.body));
    for (const [re, what, failure] of SIGNALS) {
      const m = re.exec(text);
      if (m === null) continue;
      // The status the decision model gives this failure under the policy in force.
      const s = decide(failure, ctx.policy).status;
      return [
        finding(
          rule,
          ex,
          `400 for ${what}: the body says "${m[0]}"; that is a ${s}`,
          excerptAround(text, m.index),
        ),
      ];
    }
    return NO_FINDINGS;
  },
});

export default rule;
