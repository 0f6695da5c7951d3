/**
 * Which representation of a problem the client gets, from its Accept header (RFC 9110 §12.5.1):
 * application/problem+json by default, application/json for a client that accepts only that, and
 * plain text otherwise. An error is never answered 406: a client that accepts none of the three
 * still gets the plain-text fallback. Bounded: at most 32 media ranges of a 2,048-character header.
 */
export type ProblemMedia = "problem" | "json" | "text";

export const MEDIA_TYPES: { readonly [M in ProblemMedia]: string } = {
  problem: "application/problem+json",
  json: "application/json",
  text: "text/plain; charset=utf-8",
};

const MAX_ACCEPT = 2048;
const MAX_RANGES = 32;

function quality(params: readonly string[]): number {
  for (const p of params) {
    const eq = p.indexOf("=");
    if (eq === -1 || p.slice(0, eq).trim().toLowerCase() !== "q") continue;
    const q = Number(p.slice(eq + 1).trim());
    return Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0;
  }
  return 1;
}

/** The representation to send for an Accept header value (undefined: no header). */
export function negotiateProblem(accept: string | undefined): ProblemMedia {
  if (accept === undefined || accept === "" || accept === "*/*") return "problem";
  // The common cases without parsing: no q-values to weigh.
  if (!accept.includes(";")) {
    if (accept.includes("application/problem+json") || accept.includes("*/*")) return "problem";
  }
  // For each candidate, the q of the most specific range that matches it (RFC 9110 §12.5.1):
  // specificity 3 = exact type, 2 = type/*, 1 = */*, 0 = no range matched (q 0).
  const spec = [0, 0, 0];
  const q = [0, 0, 0];
  const candidates = ["application/problem+json", "application/json", "text/plain"] as const;
  const ranges = accept.slice(0, MAX_ACCEPT).split(",", MAX_RANGES);
  for (const range of ranges) {
    const [type = "", ...params] = range.split(";");
    const t = type.trim().toLowerCase();
    for (let i = 0; i < 3; i++) {
      const c = candidates[i]!;
      const s =
        t === c ? 3 : t === "*/*" ? 1 : t.endsWith("/*") && c.startsWith(t.slice(0, -1)) ? 2 : 0;
      if (s > spec[i]!) {
        spec[i] = s;
        q[i] = quality(params);
      }
    }
  }
  const [p = 0, j = 0, t = 0] = q;
  if (p > 0 && p >= j && p >= t) return "problem";
  if (j > 0 && j >= t) return "json";
  return "text";
}
