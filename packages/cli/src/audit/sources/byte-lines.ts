/**
 * The lines of a byte stream, visited where they lie in the chunks: no string per line. The same
 * lines, numbered the same way, as lineBatches gives (a property test holds them equal): a UTF-8
 * byte order mark at the very start is dropped, a '\r' before '\n' is not part of the line, a
 * final line without '\n' is a line, and a line longer than `maxLineBytes` is visited as
 * (start = end = -1) instead of being held (its bytes are skipped up to the next '\n').
 */
import { isAscii } from "node:buffer";
import { MAX_LINE_BYTES } from "./lines.js";

/** A line's text as lineBatches decodes it: latin1 when ASCII (the same string, faster), else UTF-8. */
export function decodeLine(bytes: Buffer, start: number, end: number): string {
  return isAscii(bytes.subarray(start, end))
    ? bytes.toString("latin1", start, end)
    : bytes.toString("utf8", start, end);
}

/** Called for each line: bytes[start, end) (valid only during the call), its 1-based number. */
export type LineVisitor = (bytes: Buffer, start: number, end: number, n: number) => void;

const NL = 0x0a;

/** Visits the lines of `chunks`; returns how many there were. A chunk may be reused once visited. */
export async function visitLines(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  visit: LineVisitor,
  maxLineBytes: number = MAX_LINE_BYTES,
): Promise<number> {
  let rest: Buffer | undefined;
  let skipping = false;
  let n = 0;
  let first = true;
  const line = (b: Buffer, start: number, nl: number): void => {
    n++;
    if (nl - start > maxLineBytes) visit(b, -1, -1, n);
    else visit(b, start, nl > start && b[nl - 1] === 13 ? nl - 1 : nl, n);
  };
  for await (const raw of chunks) {
    let chunk = raw;
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf)
        chunk = chunk.subarray(3);
    }
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
          n++;
          visit(chunk, -1, -1, n);
          rest = undefined;
          skipping = true;
        } else rest = Buffer.concat([rest, chunk.subarray(pos)]);
        continue;
      }
      const joined = Buffer.concat([rest, chunk.subarray(pos, nl)]);
      rest = undefined;
      line(joined, 0, joined.length);
      pos = nl + 1;
    }
    let at = pos;
    while (at < chunk.length) {
      const nl = chunk.indexOf(NL, at);
      if (nl === -1) break;
      line(chunk, at, nl);
      at = nl + 1;
    }
    if (at < chunk.length) {
      if (chunk.length - at > maxLineBytes) {
        n++;
        visit(chunk, -1, -1, n);
        skipping = true;
      } else rest = Buffer.from(chunk.subarray(at));
    }
  }
  if (rest !== undefined && rest.length > 0) line(rest, 0, rest.length);
  return n;
}
