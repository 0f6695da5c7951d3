/**
 * A streaming splitter for HAR documents: it walks the bytes once, understands only the shallow
 * structure (`{ "log": { "creator": …, "entries": [ … ] } }`), and hands out each entry's bytes
 * for the native JSON.parse. Memory stays bounded whatever the file size:
 * - a string longer than `maxString` bytes inside an entry is cut at a safe point (never inside an
 *   escape or a UTF-8 sequence) and closed with the marker `\u0000` (TRUNCATION_MARK), so a
 *   1 GB base64 body costs `maxString` bytes;
 * - an entry larger than `maxEntry` bytes even so is dropped and reported as oversized;
 * - everything else (pages, custom members) is skipped without being kept.
 * Why not a streaming JSON library: they build every string of the document as it comes (a huge
 * body is held whole) and run a tokenizer in JavaScript over every byte; here the bytes of an
 * entry are copied once and parsed natively, and strings are skipped with Buffer.indexOf.
 */

/** Appended (as a JSON escape) to a string the splitter cut. */
export const TRUNCATION_MARK = "\u0000";
const MARK_BYTES = Buffer.from("\\u0000");

export type HarEvent =
  | { readonly kind: "creator"; readonly json: string }
  | {
      readonly kind: "entry";
      readonly index: number;
      readonly json: string;
      readonly offset: number;
    }
  | {
      readonly kind: "oversized";
      readonly index: number;
      readonly offset: number;
      /** "larger than …" or "nested deeper than …". */
      readonly reason: string;
    };

/** Entries nested deeper than this are not parsed (JSON.parse slows down on deep nesting). */
export const MAX_ENTRY_DEPTH = 128;

export class HarSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly entries: number,
  ) {
    super(message);
  }
}

enum Ctx {
  Root,
  Log,
  Entries,
}

enum St {
  ExpectRoot,
  ExpectKeyOrEnd,
  InKey,
  ExpectColon,
  ExpectValue,
  AfterValue,
  ShallowString,
  Primitive,
  Capture,
  Done,
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export interface SplitterOptions {
  readonly maxString?: number;
  readonly maxEntry?: number;
  /** HARP (HAR Viewer's JSONP form): `callback({...});` around the document. */
  readonly jsonp?: boolean;
}

export class HarSplitter {
  readonly events: HarEvent[] = [];
  private readonly maxString: number;
  private readonly maxEntry: number;
  private st: St = St.ExpectRoot;
  private readonly stack: Ctx[] = [];
  private key = "";
  private keyBytes: number[] = [];
  /** Absolute offset of the start of the current chunk. */
  private base = 0;
  private entryIndex = 0;
  private sawEntries = false;
  private sawLog = false;

  // Capture state.
  private capKind: "entry" | "creator" | "skip" = "skip";
  private capDepth = 0;
  private capInString = false;
  private capEscape = false;
  private capHex = 0;
  private capParts: Buffer[] = [];
  private capSize = 0;
  private capStart = 0;
  private capStore = false;
  private capStringStart = 0;
  private capDropping = false;
  private capOversized = false;
  private capReason = "";
  private capIsPrimitive = false;
  private shallowEscape = false;

  /** HARP: the callback name and "(" still to skip (0: none), then ")" and ";" after the document. */
  private jsonp: 0 | 1 | 2 = 0;
  private closedJsonp = false;

  constructor(options: SplitterOptions = {}) {
    this.maxString = options.maxString ?? 512 * 1024;
    this.maxEntry = options.maxEntry ?? 32 * 1024 * 1024;
    if (options.jsonp === true) this.jsonp = 1;
  }

  /** How many entries have been handed out (or reported oversized). */
  get entries(): number {
    return this.entryIndex;
  }

  /** True once the whole document was read. */
  get done(): boolean {
    return this.st === St.Done && this.jsonp !== 2;
  }

  /** True when log.entries was found. */
  get hasEntries(): boolean {
    return this.sawEntries;
  }

  get hasLog(): boolean {
    return this.sawLog;
  }

  /** Where the reader is, for messages: "inside entry 12", "before log.entries", … */
  describe(): string {
    if (this.st === St.Capture && this.capKind === "entry")
      return `inside entry ${this.entryIndex}`;
    if (this.stack.includes(Ctx.Entries)) return `after entry ${this.entryIndex - 1}`;
    return this.sawEntries ? "after log.entries" : "before log.entries";
  }

  private fail(message: string, at: number): never {
    throw new HarSyntaxError(message, this.base + at, this.entryIndex);
  }

  private startCapture(kind: "entry" | "creator" | "skip", chunk: Buffer, i: number): void {
    this.st = St.Capture;
    this.capKind = kind;
    this.capStore = kind !== "skip";
    this.capDepth = 0;
    this.capInString = false;
    this.capEscape = false;
    this.capHex = 0;
    this.capParts = [];
    this.capSize = 0;
    this.capStart = i;
    this.capDropping = false;
    this.capOversized = false;
    this.capReason = "";
    const c = chunk[i]!;
    this.capIsPrimitive = c !== 0x7b && c !== 0x5b && c !== 0x22;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (!this.capStore || to <= from) return;
    this.capSize += to - from;
    if (this.capSize > this.maxEntry) {
      this.drop(
        `larger than ${Math.round(this.maxEntry / 1048576)} MiB (after cutting long strings)`,
      );
      return;
    }
    // Copy: the chunk's memory is reused by the stream.
    this.capParts.push(Buffer.from(chunk.subarray(from, to)));
  }

  private drop(reason: string): void {
    this.capStore = false;
    this.capOversized = true;
    this.capReason = reason;
    this.capParts = [];
  }

  private finishCapture(chunk: Buffer, end: number): void {
    this.keep(chunk, this.capStart, end);
    const offset = this.base + end;
    if (this.capKind === "entry") {
      const index = this.entryIndex++;
      if (this.capOversized)
        this.events.push({ kind: "oversized", index, offset, reason: this.capReason });
      else
        this.events.push({
          kind: "entry",
          index,
          json: Buffer.concat(this.capParts).toString("utf8"),
          offset,
        });
    } else if (this.capKind === "creator" && !this.capOversized) {
      this.events.push({ kind: "creator", json: Buffer.concat(this.capParts).toString("utf8") });
    }
    this.capParts = [];
    this.st = St.AfterValue;
  }

  /** Runs the capture over chunk[i..]; returns the index after it, or chunk.length. */
  private capture(chunk: Buffer, from: number): number {
    let i = from;
    const len = chunk.length;
    if (this.capIsPrimitive) {
      while (i < len) {
        const c = chunk[i]!;
        if (c === 0x2c || c === 0x5d || c === 0x7d || isWs(c)) {
          this.finishCapture(chunk, i);
          return i;
        }
        i++;
      }
      this.keep(chunk, this.capStart, len);
      this.capStart = 0;
      return len;
    }
    while (i < len) {
      if (this.capInString) {
        if (this.capEscape) {
          this.capEscape = false;
          if (chunk[i] === 0x75 /* u */) this.capHex = 4;
          i++;
          continue;
        }
        if (this.capHex > 0) {
          this.capHex--;
          i++;
          continue;
        }
        // Jump to the next quote or backslash.
        const q = chunk.indexOf(0x22, i);
        const b = chunk.indexOf(0x5c, i);
        let next = q === -1 ? b : b === -1 ? q : Math.min(q, b);
        if (next === -1) next = len;
        if (this.capStore && !this.capDropping) {
          const strLen = this.base + next - this.capStringStart;
          if (strLen > this.maxString) {
            // Cut inside this plain run, at the cap, backed up to a UTF-8 boundary.
            let cut = Math.max(i, this.capStringStart + this.maxString - this.base);
            while (cut > i && (chunk[cut]! & 0xc0) === 0x80) cut--;
            this.keep(chunk, this.capStart, cut);
            this.capDropping = true;
          }
        }
        if (next === len) {
          i = len;
          break;
        }
        if (next === b && (q === -1 || b < q)) {
          this.capEscape = true;
          i = b + 1;
          continue;
        }
        // Closing quote.
        this.capInString = false;
        if (this.capDropping) {
          this.capDropping = false;
          if (this.capStore) {
            this.capSize += MARK_BYTES.length;
            this.capParts.push(MARK_BYTES);
          }
          this.capStart = q;
        }
        i = q + 1;
        if (this.capDepth === 0) {
          this.finishCapture(chunk, i);
          return i;
        }
        continue;
      }
      const c = chunk[i]!;
      if (c === 0x22) {
        this.capInString = true;
        this.capStringStart = this.base + i + 1;
      } else if (c === 0x7b || c === 0x5b) {
        if (++this.capDepth > MAX_ENTRY_DEPTH && this.capStore)
          this.drop(`nested deeper than ${MAX_ENTRY_DEPTH} levels`);
      } else if (c === 0x7d || c === 0x5d) {
        this.capDepth--;
        if (this.capDepth === 0) {
          this.finishCapture(chunk, i + 1);
          return i + 1;
        }
      }
      i++;
    }
    if (!this.capDropping) this.keep(chunk, this.capStart, len);
    this.capStart = 0;
    return len;
  }

  /** Feeds the next chunk; events pile up in `events` (the caller empties it). */
  feed(chunk: Buffer): void {
    let i = 0;
    const len = chunk.length;
    if (this.base === 0 && len >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf)
      i = 3;
    while (i < len) {
      switch (this.st) {
        case St.Capture:
          i = this.capture(chunk, i);
          break;
        case St.ShallowString: {
          // A string value outside captures (e.g. "version": "1.2"): skip it.
          while (i < len) {
            const c = chunk[i]!;
            if (this.shallowEscape) this.shallowEscape = false;
            else if (c === 0x5c) this.shallowEscape = true;
            else if (c === 0x22) {
              this.st = St.AfterValue;
              i++;
              break;
            }
            i++;
          }
          break;
        }
        case St.InKey: {
          while (i < len) {
            const c = chunk[i]!;
            if (this.shallowEscape) {
              this.shallowEscape = false;
              if (this.keyBytes.length < 64) this.keyBytes.push(c);
            } else if (c === 0x5c) this.shallowEscape = true;
            else if (c === 0x22) {
              this.key = Buffer.from(this.keyBytes).toString("utf8");
              this.st = St.ExpectColon;
              i++;
              break;
            } else if (this.keyBytes.length < 64) this.keyBytes.push(c);
            i++;
          }
          break;
        }
        case St.Primitive: {
          while (i < len) {
            const c = chunk[i]!;
            if (c === 0x2c || c === 0x5d || c === 0x7d || isWs(c)) {
              this.st = St.AfterValue;
              break;
            }
            i++;
          }
          break;
        }
        default:
          i = this.structural(chunk, i);
      }
    }
    this.base += len;
  }

  /** One structural byte (outside strings and captures). */
  private structural(chunk: Buffer, i: number): number {
    const c = chunk[i]!;
    if (isWs(c)) return i + 1;
    const ctx = this.stack[this.stack.length - 1];
    switch (this.st) {
      case St.ExpectRoot:
        if (this.jsonp === 1 && c !== 0x7b) {
          // HARP: onInputData( — a name made of JavaScript identifier characters, then "(".
          if (c === 0x28) this.jsonp = 2;
          else if (
            !(
              c === 0x24 ||
              c === 0x2e ||
              c === 0x5f ||
              ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) ||
              (c >= 0x30 && c <= 0x39)
            )
          )
            this.fail(
              `a HARP document starts with a callback name and "(", not "${String.fromCharCode(c)}"`,
              i,
            );
          return i + 1;
        }
        if (this.jsonp === 1)
          this.fail('a HARP document opens its callback with "(" before "{"', i);
        if (c !== 0x7b)
          this.fail(`a HAR document starts with "{", not "${String.fromCharCode(c)}"`, i);
        this.stack.push(Ctx.Root);
        this.st = St.ExpectKeyOrEnd;
        return i + 1;
      case St.Done:
        // HARP: ");" closes the callback.
        if (this.jsonp === 2 && c === 0x29) {
          this.jsonp = 0;
          this.closedJsonp = true;
          return i + 1;
        }
        if (this.jsonp === 0 && this.closedJsonp && c === 0x3b) {
          this.closedJsonp = false;
          return i + 1;
        }
        this.fail("text after the end of the HAR document", i);
        break;
      case St.ExpectKeyOrEnd:
        if (c === 0x22) {
          this.keyBytes = [];
          this.shallowEscape = false;
          this.st = St.InKey;
          return i + 1;
        }
        if (c === 0x7d) return this.close(i);
        this.fail(`expected a member name or "}"`, i);
        break;
      case St.ExpectColon:
        if (c !== 0x3a) this.fail(`expected ":" after "${this.key}"`, i);
        this.st = St.ExpectValue;
        return i + 1;
      case St.ExpectValue:
        return this.value(chunk, i, ctx);
      case St.AfterValue:
        if (c === 0x2c) {
          this.st = ctx === Ctx.Entries ? St.ExpectValue : St.ExpectKeyOrEnd;
          return i + 1;
        }
        if ((c === 0x7d && ctx !== Ctx.Entries) || (c === 0x5d && ctx === Ctx.Entries))
          return this.close(i);
        this.fail(
          `expected "," or the end of ${ctx === Ctx.Entries ? "log.entries" : "an object"}`,
          i,
        );
        break;
      default:
        break;
    }
    return i + 1;
  }

  private close(i: number): number {
    this.stack.pop();
    this.st = this.stack.length === 0 ? St.Done : St.AfterValue;
    return i + 1;
  }

  private value(chunk: Buffer, i: number, ctx: Ctx | undefined): number {
    const c = chunk[i]!;
    if (ctx === Ctx.Entries) {
      if (c === 0x5d) return this.close(i); // empty array
      this.startCapture("entry", chunk, i);
      return i;
    }
    if (ctx === Ctx.Root && this.key === "log" && c === 0x7b) {
      this.sawLog = true;
      this.stack.push(Ctx.Log);
      this.st = St.ExpectKeyOrEnd;
      return i + 1;
    }
    if (ctx === Ctx.Log && this.key === "entries" && c === 0x5b) {
      this.sawEntries = true;
      this.stack.push(Ctx.Entries);
      this.st = St.ExpectValue;
      return i + 1;
    }
    if (c === 0x7b || c === 0x5b) {
      this.startCapture(ctx === Ctx.Log && this.key === "creator" ? "creator" : "skip", chunk, i);
      return i;
    }
    if (c === 0x22) {
      this.shallowEscape = false;
      this.st = St.ShallowString;
      return i + 1;
    }
    if (c === 0x7d || c === 0x5d || c === 0x2c || c === 0x3a) this.fail("expected a value", i);
    this.st = St.Primitive;
    return i;
  }
}
