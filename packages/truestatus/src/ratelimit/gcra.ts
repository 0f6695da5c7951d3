/**
 * GCRA, the generic cell rate algorithm (ITU-T I.371; the "virtual scheduling" form), as used by
 * every store. One number per key: the theoretical arrival time (TAT) of the next request.
 *
 * Why GCRA rather than a sliding window: one number per key in memory and in Redis (a sliding log
 * keeps one entry per request, O(limit) per key), exact Retry-After and remaining counts from that
 * number alone, no boundary burst of a fixed window (2× the quota across a window edge), and an
 * idle key holds no information (TAT in the past = a full bucket), so evicting idle keys never
 * changes a decision.
 *
 * With an emission interval T = window / limit and a tolerance τ = (burst − 1) · T, a request at
 * `now` is admitted iff max(TAT, now) − now ≤ τ; then TAT ← max(TAT, now) + T.
 *
 * Guarantee (what the property tests check): over any interval of L ms, at most
 * burst + ⌊L / T + 0.001⌋ requests are admitted (TAT is a float: the comparison allows a
 * thousandth of T for rounding, so that `burst` requests at one instant are all admitted; stores
 * keep TATs relative to an epoch near now so the floats stay fine-grained); so at most `limit` in any window when burst = 1, and on
 * average no more than `limit` per `window` whatever the burst. A client that saved its quota can
 * spend `burst` at once.
 *
 * The result of one decision is one signed number (no allocation): d > 0, admitted, with d = the
 * ms until the bucket is full again (new TAT − now); d < 0, refused, with −d = TAT − now.
 */

/** Rounding allowance of the comparison, as a fraction of T (the Lua script uses the same). */
export const EPSILON = 1e-3;

/** Emission interval and tolerance, in ms, of a limit per window (seconds) with a burst. */
export interface GcraParams {
  /** T: ms "cost" of one request. */
  readonly interval: number;
  /** τ: how far ahead of now the TAT may run and still admit. */
  readonly tolerance: number;
}

export function gcraParams(limit: number, windowSeconds: number, burst: number): GcraParams {
  const interval = (windowSeconds * 1000) / limit;
  return { interval, tolerance: (burst - 1) * interval };
}

/**
 * One decision on a stored TAT (undefined: never seen or evicted). Returns the signed result and
 * writes nothing: `newTat(now, d)` gives what to store after an admission.
 */
export function gcra(tat: number | undefined, now: number, p: GcraParams): number {
  const t = tat === undefined || tat < now ? now : tat;
  const ahead = t - now;
  if (ahead - p.tolerance > p.interval * EPSILON) return -ahead;
  return ahead + p.interval;
}

/** Requests still admissible at once after an admission whose result was `d` (> 0). */
export function remainingAfter(d: number, p: GcraParams): number {
  // Another request is admitted while (d + k·T) − T ≤ τ.
  const r = Math.floor((p.tolerance - d + p.interval) / p.interval + EPSILON);
  return Math.max(r, 0);
}

/** Ms until a refused request (result `d` < 0) would be admitted. Always > 0. */
export function waitAfter(d: number, p: GcraParams): number {
  return -d - p.tolerance;
}
