/**
 * The fast route from a scanned path to what its endpoint keeps: an open-addressing table keyed by
 * the method label and the template's hash (template.ts's scan), each entry holding the template's
 * signature so that a hit is exact (scannedIs), never a guess from the hash. One probe and one
 * pass over the path's static text a line, where maps keyed by label, then hash, then a string
 * comparison with the template took three lookups and a string walk.
 */
import { scannedIs } from "./template.js";

export class TemplateCache<T> {
  private readonly mask: number;
  /** Slot → entry + 1 (0: empty). */
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;
  private readonly labels: Int32Array;
  private readonly signatures: Uint8Array[] = [];
  private readonly values: T[] = [];

  /** At most `limit` entries; the table is emptied when full (bounded memory). */
  constructor(private readonly limit: number) {
    let size = 16;
    while (size < limit * 2) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size);
    this.hashes = new Int32Array(limit);
    this.labels = new Int32Array(limit);
  }

  get size(): number {
    return this.values.length;
  }

  /** What was stored for the template of the last scan (`h`: its hash) under `label`, or undefined. */
  get(label: number, h: number): T | undefined {
    const mask = this.mask;
    let i = slotOf(label, h) & mask;
    for (;;) {
      const e = this.slots[i]!;
      if (e === 0) return undefined;
      if (
        this.hashes[e - 1] === h &&
        this.labels[e - 1] === label &&
        scannedIs(this.signatures[e - 1]!)
      )
        return this.values[e - 1];
      i = (i + 1) & mask;
    }
  }

  /** Stores `value` for the template of hash `h` and `signature` (scannedSignature) under `label`. */
  set(label: number, h: number, signature: Uint8Array, value: T): void {
    if (this.values.length >= this.limit) this.clear();
    const mask = this.mask;
    let i = slotOf(label, h) & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    const e = this.values.length;
    this.hashes[e] = h;
    this.labels[e] = label;
    this.signatures.push(signature);
    this.values.push(value);
    this.slots[i] = e + 1;
  }

  clear(): void {
    this.slots.fill(0);
    this.signatures.length = 0;
    this.values.length = 0;
  }
}

/** Spreads labels over the table (a template's hash alone is the same under each method). */
function slotOf(label: number, h: number): number {
  return h ^ Math.imul(label + 1, 0x9e3779b1);
}
