/**
 * The in-process store: one Map from key to TAT, bounded. A key whose TAT is in the past holds no
 * information (its bucket is full), so such idle keys are dropped first when the Map reaches
 * `maxKeys`; only if more than 90 % of `maxKeys` are still limiting at that moment are those
 * closest to idle dropped too (each such drop errs towards admitting, and is counted in
 * `evictedActive`). Memory therefore stays bounded whatever the flood of distinct keys, with no
 * timer: pruning runs on insertion, amortised O(1) for idle keys.
 */
import { EPSILON } from "../gcra.js";
import type { RateLimitStore } from "../store.js";

export interface MemoryStoreOptions {
  /** Most keys kept. Default 100,000 (about 10 MB). */
  readonly maxKeys?: number;
  /** The clock, in ms. Default Date.now. */
  readonly now?: () => number;
}

/** One key's state. A mutable object, so that an update is a field write, not a Map.set. */
class Entry {
  tat: number;
  constructor(tat: number) {
    this.tat = tat;
  }
}

export class MemoryStore implements RateLimitStore {
  readonly shared = false;
  readonly synchronous = true;
  readonly maxKeys: number;
  /** Keys dropped while still limiting (the Map was full of active keys). */
  evictedActive = 0;
  private readonly map = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly low: number;
  /** TATs are kept relative to this (ms), so that they stay small floats with a fine ulp. */
  private readonly epoch: number;

  constructor(options: MemoryStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1)
      throw new RangeError("memory store option maxKeys: must be a positive integer");
    this.maxKeys = maxKeys;
    this.low = Math.max(1, Math.floor(maxKeys * 0.9));
    this.now = options.now ?? Date.now;
    this.epoch = this.now();
  }

  /** Keys held now (idle ones included until the next prune). */
  get size(): number {
    return this.map.size;
  }

  consume(key: string, interval: number, tolerance: number): number {
    const now = this.now() - this.epoch;
    const entry = this.map.get(key);
    if (entry === undefined) {
      // A key never seen (or evicted) has a full bucket: burst ≥ 1, so it is admitted.
      if (this.map.size >= this.maxKeys) this.prune(now);
      this.map.set(key, new Entry(now + interval));
      return interval;
    }
    const tat = Math.max(entry.tat, now);
    const ahead = tat - now;
    if (ahead - tolerance > interval * EPSILON) return -ahead;
    entry.tat = tat + interval;
    return ahead + interval;
  }

  /** Forgets one key (its bucket is full again). */
  reset(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  private prune(now: number): void {
    // `now` is relative to the epoch, as the TATs are.
    for (const [key, entry] of this.map) if (entry.tat <= now) this.map.delete(key);
    if (this.map.size <= this.low) return;
    // Still too many: drop the keys closest to idle (their TAT nearest to now), which lose the
    // least; long-limited keys are kept. O(n log n) once per n/10 insertions: amortised O(log n).
    const excess = this.map.size - this.low;
    const tats = new Float64Array(this.map.size);
    let i = 0;
    for (const entry of this.map.values()) tats[i++] = entry.tat;
    tats.sort();
    const cutoff = tats[excess - 1]!;
    let left = excess;
    for (const [key, entry] of this.map) {
      if (left === 0) break;
      if (entry.tat <= cutoff) {
        this.map.delete(key);
        left--;
        this.evictedActive++;
      }
    }
  }
}
