/** 429 without Retry-After or a RateLimit reset: RFC 6585 §4 says MAY, so this is a warning. */
import { parseRateLimit, parseRetryAfter } from "truestatus";
import { headerLine } from "../evidence.js";
import { headerField } from "../exchange.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

/** Vendor and older-draft reset fields accepted as a hint of when to come back. */
const RESET_FIELDS = ["ratelimit-reset", "x-ratelimit-reset", "x-rate-limit-reset"];

const rule: Rule = defineRule({
  id: "429-needs-retry-after",
  meta: {
    title: "429 without Retry-After",
    severity: "warning",
    spec: { document: "RFC 6585", section: "4" },
    csf: "PR.IR",
    needs: ["response.headers"],
    description:
      "A 429 that does not say when to come back makes every client guess: most retry at once, which keeps them over the limit. RFC 6585 §4 says the response MAY include Retry-After; a RateLimit field with a reset (t=) or the vendor X-RateLimit-Reset is accepted as the same hint.",
    fix: "Send `Retry-After: <seconds>` with every 429, and RateLimit / RateLimit-Policy (truestatus' rateLimited({ retryAfter }) sends all three).",
  },
  screen: (status) => status === 429,
  check(ex) {
    const res = ex.response;
    if (res?.status !== 429) return NO_FINDINGS;
    const h = res.headers;
    const retryAfter = headerField(h, "retry-after");
    if (retryAfter !== undefined) {
      const r = parseRetryAfter(retryAfter);
      if (r.ok) return NO_FINDINGS;
      return [
        finding(
          rule,
          ex,
          `429 with an invalid Retry-After: ${r.error.message}`,
          headerLine(h, "Retry-After"),
        ),
      ];
    }
    const rl = headerField(h, "ratelimit");
    if (rl !== undefined) {
      const r = parseRateLimit(rl);
      if (r.ok && r.value.some((l) => l.reset !== undefined)) return NO_FINDINGS;
    }
    if (RESET_FIELDS.some((f) => headerField(h, f) !== undefined)) return NO_FINDINGS;
    return [
      finding(
        rule,
        ex,
        "429 without Retry-After (or a RateLimit reset): clients cannot tell when to retry",
      ),
    ];
  },
});

export default rule;
