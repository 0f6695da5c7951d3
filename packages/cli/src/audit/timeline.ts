/**
 * Status classes over time, in buckets that merge exactly. A bucket is a fixed-width interval
 * aligned on the UTC epoch (`[k·width, (k+1)·width)` seconds); its key is its start in epoch
 * seconds. The width comes from a fixed ladder in which each width divides the next
 * (1 s, 5 s, 15 s, 1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 1 d, 7 d, then doubling), so that a count
 * at one width re-buckets exactly into any wider one. The width is the narrowest on the ladder,
 * at least the widths already used, that keeps at most `limit` buckets: the same rule in one pass
 * and in a merge of any split, so that merging gives the same timeline as one run (docs/analyze-json.md).
 */
/** Counts by name (the same shape as the Summary's). */
type Counts = Record<string, number>;

/** Buckets kept at most (the width grows until the data fits). */
export const TIMELINE_LIMIT = 240;

const LADDER = [1, 5, 15, 60, 300, 900, 3600, 10800, 21600, 86400, 604800] as const;

/** The ladder's first width, in seconds. */
export const FIRST_WIDTH = LADDER[0];

/** The width after `w` on the ladder (each divides the next). */
export function nextWidth(w: number): number {
  const i = LADDER.indexOf(w as (typeof LADDER)[number]);
  return i >= 0 && i < LADDER.length - 1 ? LADDER[i + 1]! : w * 2;
}

export interface Timeline {
  /** Bucket width in seconds, from the ladder. */
  width: number;
  /** Bucket start (epoch seconds, as a decimal string) → counts by status class. */
  buckets: Record<string, Counts>;
}

export function emptyTimeline(): Timeline {
  return { width: FIRST_WIDTH, buckets: {} };
}

/** "2xx" for 204, "none" without a response, "other" outside 100..599. */
const STATUS_CLASSES = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"] as const;

/** "2xx" for 204, "none" without a response, "other" outside 100..599 (no allocation: hot path). */
export function statusClass(status: number | undefined): string {
  if (status === undefined) return "none";
  if (status < 100 || status > 599) return "other";
  return STATUS_CLASSES[Math.floor(status / 100)]!;
}

/** The start (epoch seconds) of the bucket of width `width` that holds `seconds`. */
export function bucketStart(seconds: number, width: number): number {
  return Math.floor(seconds / width) * width;
}

function add(into: Map<number, Counts>, key: number, counts: Counts): void {
  const b = into.get(key);
  if (b === undefined) {
    into.set(key, { ...counts });
    return;
  }
  for (const k of Object.keys(counts)) b[k] = (b[k] ?? 0) + counts[k]!;
}

/**
 * Re-buckets to `width` (a multiple of the current one), then widens until at most `limit`
 * buckets remain. Returns the new width; `buckets` is replaced in place.
 */
export function fitBuckets(
  buckets: Map<number, Counts>,
  width: number,
  limit: number,
  from: number,
): number {
  let w = width;
  let current = from;
  for (;;) {
    if (w !== current) {
      const old = [...buckets];
      buckets.clear();
      for (const [k, c] of old) add(buckets, bucketStart(k, w), c);
      current = w;
    }
    if (buckets.size <= limit) return w;
    w = nextWidth(w);
  }
}

const byNumber = (a: string, b: string): number => Number(a) - Number(b);

/** The JSON form: keys in numeric order, counts' keys sorted. */
export function toTimeline(buckets: ReadonlyMap<number, Counts>, width: number): Timeline {
  const out: Record<string, Counts> = {};
  for (const k of [...buckets.keys()].sort((a, b) => a - b)) {
    const c = buckets.get(k)!;
    const sorted: Counts = {};
    for (const name of Object.keys(c).sort()) sorted[name] = c[name]!;
    out[String(k)] = sorted;
  }
  return { width, buckets: out };
}

/** Merges two timelines exactly (associative, commutative; the empty timeline is the identity). */
export function mergeTimelines(a: Timeline, b: Timeline, limit = TIMELINE_LIMIT): Timeline {
  const width = Math.max(a.width, b.width);
  const buckets = new Map<number, Counts>();
  for (const t of [a, b])
    for (const k of Object.keys(t.buckets).sort(byNumber))
      add(buckets, bucketStart(Number(k), width), t.buckets[k]!);
  return toTimeline(buckets, fitBuckets(buckets, width, limit, width));
}
