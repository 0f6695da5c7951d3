/**
 * The fast way through a line file (worker threads and the main thread alike): each line is
 * visited where it lies in the bytes read; a line the format reads flat and no rule is about is
 * counted from that (Analysis.flat), any other is decoded, parsed and counted whole.
 */
import type { Capability, SourceFormat } from "./exchange.js";
import type { FlatRecord, LineFormat, LoggedHeaders, SourceRecord } from "./source.js";
import type { LineVisitor } from "./sources/byte-lines.js";
import { decodeLine } from "./sources/byte-lines.js";
import { malformed, safeParse, safeParseAll } from "./sources/fields.js";

const EMPTY = new Uint8Array(0);

/** What lineVisitor needs of an Analysis (engine.ts): its fast way in. */
export interface FlatCounter {
  flat(
    file: string,
    format: SourceFormat,
    capabilities: ReadonlySet<Capability>,
    logged?: LoggedHeaders,
  ): (rec: FlatRecord) => boolean;
}

/**
 * A visitor of the lines of `file` for `analysis`. `add` is what `analysis.source` returned for
 * the file; `onLine` is told each line number (progress).
 */
export function lineVisitor(
  analysis: FlatCounter,
  file: string,
  format: SourceFormat,
  lineFormat: LineFormat,
  add: (r: SourceRecord) => void,
  onLine?: (n: number) => void,
): LineVisitor {
  const readFlat = lineFormat.readFlat;
  // Formats whose one line may hold several exchanges (an OpenTelemetry batch).
  const many = lineFormat.parseAll !== undefined;
  const addFlat =
    readFlat === undefined
      ? undefined
      : analysis.flat(file, format, lineFormat.capabilities, lineFormat.loggedHeaders);
  const rec: FlatRecord = {
    status: 0,
    method: "",
    size: 0,
    time: 0,
    bytes: EMPTY,
    pathStart: 0,
    targetEnd: 0,
  };
  return (bytes, start, end, n) => {
    onLine?.(n);
    if (start < 0) {
      add(malformed("line longer than 1 MiB", file, n));
      return;
    }
    if (end === start) return;
    if (readFlat?.(bytes, start, end, rec) && addFlat!(rec)) return;
    const line = decodeLine(bytes, start, end);
    if (many) for (const r of safeParseAll(lineFormat, line, file, n)) add(r);
    else {
      const r = safeParse(lineFormat, line, file, n);
      if (r !== undefined) add(r);
    }
  };
}

/**
 * The path of a request target bytes[start, end) as the engine reads it from a flat record (up to
 * a "?"), or undefined when it holds a byte that is not ASCII (the line is then parsed whole).
 */
export function flatPath(bytes: Uint8Array, start: number, end: number): string | undefined {
  let i = start;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c === 0x3f) break;
    if (c >= 0x80) return undefined;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, i - start).toString("latin1");
}
