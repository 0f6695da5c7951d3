/**
 * Durations ("250ms", "5s", "1m", "1h", or a number of milliseconds) and sizes ("512b", "16kb",
 * "10mb", "1gb", or a number of bytes) as the gateway config writes them. Total: bad input gives
 * undefined, never a throw. Anchored, linear regexes (no backtracking).
 */

const DURATION = /^(\d{1,9}(?:\.\d{1,3})?)\s?(ms|s|m|h)$/;
const DURATION_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

const SIZE = /^(\d{1,12}(?:\.\d{1,3})?)\s?(b|kb|mb|gb|kib|mib|gib)?$/i;
const SIZE_BYTES = {
  b: 1,
  kb: 1_024,
  mb: 1_048_576,
  gb: 1_073_741_824,
  kib: 1_024,
  mib: 1_048_576,
  gib: 1_073_741_824,
} as const;

/** Milliseconds, at least 1; undefined when not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number")
    return Number.isFinite(value) && value >= 1 && value <= 2_147_483_647
      ? Math.round(value)
      : undefined;
  if (typeof value !== "string" || value.length > 32) return undefined;
  const m = DURATION.exec(value.trim());
  if (m === null) return undefined;
  const ms = Math.round(Number(m[1]) * DURATION_MS[m[2] as keyof typeof DURATION_MS]);
  return ms >= 1 && ms <= 2_147_483_647 ? ms : undefined;
}

/** Bytes, at least 1; undefined when not a size. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === "number")
    return Number.isSafeInteger(value) && value >= 1 ? value : undefined;
  if (typeof value !== "string" || value.length > 32) return undefined;
  const m = SIZE.exec(value.trim());
  if (m === null) return undefined;
  const unit = (m[2] ?? "b").toLowerCase() as keyof typeof SIZE_BYTES;
  const bytes = Math.floor(Number(m[1]) * SIZE_BYTES[unit]);
  return bytes >= 1 && Number.isSafeInteger(bytes) ? bytes : undefined;
}
