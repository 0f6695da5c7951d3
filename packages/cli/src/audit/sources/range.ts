/**
 * Reading a byte range of a plain (non-gzip) line file, for worker threads: a line belongs to the
 * range its first byte lies in, so ranges that tile a file give every line exactly once.
 */
import { readSync } from "node:fs";
import { open } from "node:fs/promises";
import type { LineFormat, SourceRecord } from "../source.js";
import { malformed, safeParse } from "./fields.js";
import { lineBatches, MAX_LINE_BYTES } from "./lines.js";

export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** The offset just after the first '\n' at or after `from`, or `size`. */
async function afterNewline(file: string, from: number, size: number): Promise<number> {
  if (from >= size) return size;
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    let pos = from;
    while (pos < size) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) return size;
      const nl = buf.subarray(0, bytesRead).indexOf(10);
      if (nl !== -1) return pos + nl + 1;
      pos += bytesRead;
    }
    return size;
  } finally {
    await fh.close();
  }
}

/**
 * Moves a range's ends to line starts: `start` (unless 0) and `end` (unless at the end of the
 * file) to just after the first '\n' at or after their byte - 1. Ranges that tile the file stay
 * tiled.
 */
export async function alignRange(file: string, range: ByteRange, size: number): Promise<ByteRange> {
  const start = range.start <= 0 ? 0 : await afterNewline(file, range.start - 1, size);
  const end = range.end >= size ? size : await afterNewline(file, range.end - 1, size);
  return { start, end: Math.max(start, end) };
}

/** Splits [0, size) into `parts` ranges of about equal size (not yet aligned). */
export function splitRanges(size: number, parts: number): ByteRange[] {
  const n = Math.max(1, Math.min(parts, Math.ceil(size / 65536)));
  const out: ByteRange[] = [];
  for (let i = 0; i < n; i++)
    out.push({ start: Math.floor((size * i) / n), end: Math.floor((size * (i + 1)) / n) });
  return out;
}

/** Bytes read at a time from a range. */
export const RANGE_CHUNK = 1 << 20;

/**
 * The bytes of file[range.start, range.end) in chunks, all read into ONE buffer: a chunk is valid
 * only until the next one is asked for (lineBatches copies what it keeps: decoded lines and the
 * bytes of an unfinished line). A file stream allocates a fresh buffer per read instead, and on
 * big files the page faults of those fresh pages cost more than the reading (the bare line split
 * of bench/split-lines.mjs on 341 MB: 0.8 s of system time with fresh buffers, 0.15 s reused).
 * A file that ends before range.end ends the chunks there.
 */
export async function* rangeChunks(
  file: string,
  range: ByteRange,
  chunkBytes: number = RANGE_CHUNK,
): AsyncGenerator<Buffer> {
  if (range.end <= range.start) return;
  // A FileHandle, not a bare descriptor: should a consumer drop the iterator half-way, the
  // handle is closed when collected.
  const fh = await open(file, "r");
  try {
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(chunkBytes, range.end - range.start)));
    let pos = range.start;
    while (pos < range.end) {
      // Synchronous reads: this runs in a worker thread with nothing else to do while it waits,
      // and an async read's hand-off to the thread pool left each worker idle 3-5 % of its time.
      const bytesRead = readSync(fh.fd, buf, 0, Math.min(buf.length, range.end - pos), pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * The records of the lines of an aligned range, in batches. The file is read with blocking reads
 * (see rangeChunks): meant for worker threads, where nothing else waits for the event loop. Line numbers count from `firstLine`
 * (default 1: relative to the range; a caller that knows how many lines came before passes it).
 */
export async function* rangeBatches(
  file: string,
  format: LineFormat,
  range: ByteRange,
  firstLine = 1,
): AsyncGenerator<readonly SourceRecord[]> {
  for await (const batch of lineBatches(rangeChunks(file, range), MAX_LINE_BYTES)) {
    const out: SourceRecord[] = [];
    const lines = batch.lines;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string | null;
      const n = firstLine - 1 + batch.firstLine + i;
      if (line === null) out.push(malformed("line longer than 1 MiB", file, n));
      else if (line.length > 0) {
        const r = safeParse(format, line, file, n);
        if (r !== undefined) out.push(r);
      }
    }
    if (out.length > 0) yield out;
  }
}
