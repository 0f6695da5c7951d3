/** 429 without Retry-After or a RateLimit reset: RFC 6585 §4 says MAY, so this is a warning. */
import { parseRateLimit, parseRetryAfter } from "truestatus";
import { headerLine } from "../evidence.js";
import { and, col, eq, isNull, not, notNull, or } from "../table/expr.js";
import { defineTableRule } from "../table/form.js";

const retryAfter = col("retry_after");
const rateLimit = col("ratelimit");
/** Vendor and older-draft reset fields accepted as a hint of when to come back. */
const RESET_FIELDS = [col("ratelimit_reset"), col("x_ratelimit_reset"), col("x_rate_limit_reset")];
/** Nothing that says when to come back: no Retry-After, no RateLimit, no reset field. */
const nothing = and(isNull(retryAfter), isNull(rateLimit), ...RESET_FIELDS.map(isNull));

const rule = defineTableRule({
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
  table: {
    about: eq(col("status"), 429),
    when: nothing,
    check: {
      inputs: [retryAfter, rateLimit, or(...RESET_FIELDS.map(notNull))],
      applies: not(nothing),
      judge([ra, rl, reset]) {
        if (ra !== null) {
          const r = parseRetryAfter(String(ra));
          return r.ok ? undefined : r.error.message;
        }
        if (rl !== null) {
          const r = parseRateLimit(String(rl));
          if (r.ok && r.value.some((l) => l.reset !== undefined)) return undefined;
        }
        return reset === true || reset === 1 ? undefined : "";
      },
    },
    message: (_row, detail) =>
      detail === undefined || detail === ""
        ? "429 without Retry-After (or a RateLimit reset): clients cannot tell when to retry"
        : `429 with an invalid Retry-After: ${detail}`,
    excerpt: (row, detail) =>
      detail === undefined || detail === ""
        ? undefined
        : headerLine({ "retry-after": [row.retry_after!] }, "Retry-After"),
  },
});

export default rule;
