/**
 * The fast route from a scanned path to what its endpoint keeps: an open-addressing table keyed by
 * the method label and the template's two hashes (template.ts, SEEDS). One probe a line, where
 * maps keyed by label, then hash, then a walk comparing the path with the template took three
 * lookups and a second pass over the path.
 */
export class TemplateCache<T> {
  private readonly mask: number;
  /** Slot → entry + 1 (0: empty). */
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;
  private readonly checks: Int32Array;
  private readonly labels: Int32Array;
  private readonly values: T[] = [];

  /** At most `limit` entries; the table is emptied when full (bounded memory). */
  constructor(private readonly limit: number) {
    let size = 16;
    while (size < limit * 2) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size);
    this.hashes = new Int32Array(limit);
    this.checks = new Int32Array(limit);
    this.labels = new Int32Array(limit);
  }

  get size(): number {
    return this.values.length;
  }

  /** What was stored for the template of hashes `h` and `check` under `label`, or undefined. */
  get(label: number, h: number, check: number): T | undefined {
    const mask = this.mask;
    let i = slotOf(label, h) & mask;
    for (;;) {
      const e = this.slots[i]!;
      if (e === 0) return undefined;
      if (this.hashes[e - 1] === h && this.checks[e - 1] === check && this.labels[e - 1] === label)
        return this.values[e - 1];
      i = (i + 1) & mask;
    }
  }

  /** Stores `value` for the template of hashes `h` and `check` under `label`. */
  set(label: number, h: number, check: number, value: T): void {
    if (this.values.length >= this.limit) this.clear();
    const mask = this.mask;
    let i = slotOf(label, h) & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    const e = this.values.length;
    this.hashes[e] = h;
    this.checks[e] = check;
    this.labels[e] = label;
    this.values.push(value);
    this.slots[i] = e + 1;
  }

  clear(): void {
    this.slots.fill(0);
    this.values.length = 0;
  }
}

/** Spreads labels over the table (a template's hash alone is the same under each method). */
function slotOf(label: number, h: number): number {
  return h ^ Math.imul(label + 1, 0x9e3779b1);
}
