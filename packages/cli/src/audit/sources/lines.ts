/**
 * Splits a byte stream into lines, in batches, with bounded memory: bytes are cut at '\n' (0x0A
 * never occurs inside a UTF-8 sequence, so each cut is a character boundary), decoded as UTF-8
 * once per chunk, and a line longer than `maxLineBytes` is reported as too long instead of being
 * held (its bytes are skipped up to the next '\n').
 */
import { isAscii } from "node:buffer";

/** Lines longer than this (in bytes) are malformed records, not memory. */
export const MAX_LINE_BYTES = 1 << 20;

export interface LineBatch {
  /** The lines, without '\n' or a trailing '\r'; null for a line longer than the limit. */
  readonly lines: readonly (string | null)[];
  /** 1-based number of lines[0]. */
  readonly firstLine: number;
}

const NL = 0x0a;

function pushLines(text: string, lines: (string | null)[]): void {
  let start = 0;
  while (true) {
    const nl = text.indexOf("\n", start);
    if (nl === -1) break;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    lines.push(text.slice(start, end));
    start = nl + 1;
  }
}

/**
 * Strings of 128 KiB or more go to V8's large-object space, where each allocation maps fresh
 * pages: decoding a 1 MiB chunk at once measured ~15× slower than in 32 KiB pieces. So complete
 * lines are looked at in pieces of about this size, each cut after a '\n'.
 */
const DECODE_PIECE = 32 * 1024;

/**
 * Pushes the lines of chunk[start, end) (end is just after a '\n'), piece by piece. Most logs are
 * ASCII (isAscii is SIMD): then each line is decoded on its own, as latin1 (the same string as
 * UTF-8 for ASCII bytes, and Node 20's latin1 decoder is the faster). A line of its own is a flat
 * string; a slice of a decoded piece is a view the parsers read ~10 % slower per line, more than
 * the separate decodes cost (bench/RESULTS.md D6). Other pieces are decoded as UTF-8 at once.
 */
function pushDecoded(chunk: Buffer, start: number, end: number, lines: (string | null)[]): void {
  let from = start;
  while (from < end) {
    let to = end;
    if (end - from > DECODE_PIECE) {
      const nl = chunk.lastIndexOf(NL, from + DECODE_PIECE - 1);
      to = nl >= from ? nl + 1 : chunk.indexOf(NL, from + DECODE_PIECE) + 1;
    }
    const part = chunk.subarray(from, to);
    if (isAscii(part)) {
      let at = from;
      while (at < to) {
        const nl = chunk.indexOf(NL, at);
        lines.push(chunk.toString("latin1", at, nl > at && chunk[nl - 1] === 13 ? nl - 1 : nl));
        at = nl + 1;
      }
    } else pushLines(part.toString("utf8"), lines);
    from = to;
  }
}

function stripCr(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}

/**
 * Batches of lines from chunks of bytes. A UTF-8 byte order mark at the very start is dropped.
 * A final line without '\n' is a line. Nothing kept points into a chunk (lines are decoded
 * strings, an unfinished line is copied), so the producer may reuse a chunk's buffer once the
 * next chunk is asked for (range.ts's rangeChunks does).
 */
export async function* lineBatches(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<LineBatch> {
  let rest: Buffer | undefined;
  let skipping = false;
  let next = 1;
  let first = true;
  for await (const raw of chunks) {
    let chunk = raw;
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf)
        chunk = chunk.subarray(3);
    }
    const lines: (string | null)[] = [];
    let pos = 0;
    if (skipping) {
      const nl = chunk.indexOf(NL);
      if (nl === -1) continue;
      skipping = false;
      pos = nl + 1;
    }
    if (rest !== undefined) {
      const nl = chunk.indexOf(NL, pos);
      if (nl === -1) {
        if (rest.length + chunk.length - pos > maxLineBytes) {
          lines.push(null);
          rest = undefined;
          skipping = true;
          next += 1;
          yield { lines, firstLine: next - 1 };
        } else rest = Buffer.concat([rest, chunk.subarray(pos)]);
        continue;
      }
      if (rest.length + nl - pos > maxLineBytes) lines.push(null);
      else lines.push(stripCr(Buffer.concat([rest, chunk.subarray(pos, nl)]).toString("utf8")));
      rest = undefined;
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= pos) {
      if (last + 1 - pos <= maxLineBytes || !hasLongLine(chunk, pos, last, maxLineBytes))
        pushDecoded(chunk, pos, last + 1, lines);
      else pushLinesChecked(chunk, pos, last, maxLineBytes, lines);
      pos = last + 1;
    }
    if (pos < chunk.length) {
      if (chunk.length - pos > maxLineBytes) {
        lines.push(null);
        skipping = true;
      } else rest = Buffer.from(chunk.subarray(pos));
    }
    if (lines.length > 0) {
      const firstLine = next;
      next += lines.length;
      yield { lines, firstLine };
    }
  }
  if (rest !== undefined && rest.length > 0) {
    yield { lines: [stripCr(rest.toString("utf8"))], firstLine: next };
  }
}

function hasLongLine(chunk: Buffer, from: number, last: number, max: number): boolean {
  let start = from;
  while (start <= last) {
    const nl = chunk.indexOf(NL, start);
    if (nl - start > max) return true;
    start = nl + 1;
  }
  return false;
}

function pushLinesChecked(
  chunk: Buffer,
  from: number,
  last: number,
  max: number,
  lines: (string | null)[],
): void {
  let start = from;
  while (start <= last) {
    const nl = chunk.indexOf(NL, start);
    if (nl - start > max) lines.push(null);
    else lines.push(stripCr(chunk.toString("utf8", start, nl)));
    start = nl + 1;
  }
}
