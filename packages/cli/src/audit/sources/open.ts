/**
 * The entry point of sources: open an input (a file, a gzip file, "-" for stdin), recognise its
 * format (or take the one given), and stream its records. Directories are expanded by
 * expandInputs first.
 */
import type { Capability, SourceFormat } from "../exchange.js";
import type { LineFormat, LoggedHeaders, SourceRecord } from "../source.js";
import { type LineVisitor, visitLines } from "./byte-lines.js";
import { logFormatKind } from "./custom.js";
import { looksLikeHar, looksLikeHarp, pickLineFormat, sampleLines } from "./detect.js";
import { InputError, showInput } from "./errors.js";
import { malformed, safeParse, safeParseAll } from "./fields.js";
import { DETECTION_ORDER, detectionCandidates, INPUT_FORMATS, lineFormatFor } from "./formats.js";
import { HAR_CAPABILITIES, harBatches } from "./har.js";
import { GunzipFailure, gzipError, type Input, openInput } from "./input.js";
import { isObject, type JsonObject, parseObjectLine } from "./json.js";
import { lineBatches } from "./lines.js";
import { NDJSON_FIELDS, unmappedFields } from "./ndjson.js";
import { findPrefix, WRAPPERS, type Wrapper, wrapped, wrapperOf } from "./wrap.js";

export { expandInputs } from "./expand.js";

export interface OpenOptions {
  readonly inputFormat?: SourceFormat;
  /** An nginx log_format string (or a whole `log_format name '…';` directive). */
  readonly logFormat?: string;
  /** NDJSON: exchange field → JSON path (dotted; see docs/sources.md). */
  readonly fieldMap?: Readonly<Record<string, string>>;
  /** Bytes of each body kept as a sample (HAR). Default 65536. */
  readonly sampleBodyBytes?: number;
  /** The stream read for "-" (default: process.stdin). */
  readonly stdin?: AsyncIterable<Buffer>;
}

export interface OpenedSource {
  readonly file: string;
  readonly format: SourceFormat;
  readonly capabilities: ReadonlySet<Capability>;
  /**
   * Set for line formats, so the engine can split plain (non-gzip) files across workers by byte
   * range and call `lineFormat.parse` on each line itself.
   */
  readonly lineFormat?: LineFormat;
  /** When the source logs only some headers: their names (see LineFormat.loggedHeaders). */
  readonly loggedHeaders?: LoggedHeaders;
  /** The wrapper the lines were taken out of ("docker json-file", "cri", …), when wrapped. */
  readonly wrapper?: string;
  /** True when the input is gzip (so it cannot be split by byte range). */
  readonly gzip: boolean;
  /** Every record, in order. Throws InputError TRUNCATED/CORRUPT after the last readable one. */
  records(): AsyncIterable<SourceRecord>;
  /** The same records in batches (one per chunk read): far fewer awaits for fast consumers. */
  batches(): AsyncIterable<readonly SourceRecord[]>;
  /**
   * Line formats: visits the lines where they lie in the bytes read, for the fast way in
   * (flat.ts), instead of records. Throws what `batches` throws, after the lines before.
   */
  visitLines?(visit: LineVisitor): Promise<void>;
}

export const DEFAULT_SAMPLE_BODY_BYTES = 65_536;

/**
 * For JSON lines no built-in map reads: which exchange field could not be found, and the --field
 * flag that maps it (with the keys the first object has, to pick from).
 */
function unknownJson(input: Input, lines: readonly string[]): InputError | undefined {
  const objects = lines.map(parseObjectLine).filter((o) => o !== undefined);
  if (objects.length === 0 || objects.length * 2 < lines.length) return undefined;
  const missing = unmappedFields({}, lines);
  if (missing.length === 0) return undefined;
  const keys = (o: JsonObject, prefix = ""): string[] =>
    Object.entries(o).flatMap(([k, v]) =>
      isObject(v) && prefix.split(".").length < 3 ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
    );
  const found = keys(objects[0]!).slice(0, 30);
  const field = missing[0]!;
  return new InputError(
    "TRUESTATUS_INPUT_UNKNOWN_FORMAT",
    input.file,
    `JSON lines, but no ${field === "status" ? "HTTP status" : "request method"} field (looked for ${NDJSON_FIELDS[field].join(", ")}); map it with --field ${field}=<json.path>${missing.length > 1 ? ` (and --field ${missing[1]}=<json.path>)` : ""}; the first line has: ${found.join(", ")}`,
  );
}

function unknownFormat(input: Input, lines: readonly string[]): InputError {
  const json = unknownJson(input, lines);
  if (json !== undefined) return json;
  const first = lines[0] ?? input.head.toString("utf8", 0, 200);
  return new InputError(
    "TRUESTATUS_INPUT_UNKNOWN_FORMAT",
    input.file,
    `unknown format (tried ${DETECTION_ORDER.join(", ")}; give --input-format, or --log-format for a custom nginx, HAProxy or Envoy format); first line: ${showInput(first)}`,
  );
}

type Candidates = (sample: readonly string[]) => LineFormat[];

/** The format of the inner lines of `lines` through one wrapper, with the streams to read. */
function throughWrapper(
  make: () => Wrapper,
  lines: readonly string[],
  candidates: Candidates,
  options: OpenOptions,
): LineFormat | undefined {
  const w = make();
  const byStream = new Map<string, string[]>();
  const inner: string[] = [];
  let mine = 0;
  for (const l of lines) {
    const u = w.unwrap(l);
    if (u === undefined) continue;
    mine++;
    if (u === null || u.length === 0) continue;
    inner.push(u);
    const stream = w.stream ?? "";
    const list = byStream.get(stream);
    if (list === undefined) byStream.set(stream, [u]);
    else list.push(u);
  }
  if (mine * 2 < lines.length || inner.length === 0) return undefined;
  // All the inner lines, else each stream's alone (stdout first: where access logs go).
  const groups = [
    inner,
    ...[...byStream.entries()]
      .sort(([a], [b]) => (a === "stdout" ? -1 : b === "stdout" ? 1 : 0))
      .map(([, g]) => g),
  ];
  for (const group of groups) {
    const f = pickLineFormat(group, candidates(group));
    if (f === undefined) continue;
    const streams = new Set<string>();
    for (const [stream, g] of byStream)
      if (stream !== "" && g.some((l) => f.detect(l))) streams.add(stream);
    const fresh = f.stateful === true ? (lineFormatFor(f.format, options, group) ?? f) : f;
    const reader = make();
    if (streams.size > 0 && streams.size < byStream.size) reader.streams = streams;
    return wrapped(fresh, reader);
  }
  return undefined;
}

/**
 * The format of wrapped lines (docker json-file, CRI, {"message"}, a fixed prefix): tried only
 * when no format reads the lines as they are, so plain logs never pay for it.
 */
function detectWrapped(
  lines: readonly string[],
  candidates: Candidates,
  options: OpenOptions,
): LineFormat | undefined {
  for (const make of WRAPPERS) {
    const f = throughWrapper(make, lines, candidates, options);
    if (f !== undefined) return f;
  }
  const all = candidates(lines);
  const prefix = findPrefix(lines, (inner) => all.some((c) => c.detect(inner)));
  return prefix === undefined
    ? undefined
    : throughWrapper(() => prefix.fresh(), lines, candidates, options);
}

/**
 * A format given by the user (--input-format, --log-format) that reads none of the first lines is
 * a usage mistake: say so at once rather than count every line as malformed.
 */
function readsAny(input: Input, format: LineFormat, lines: readonly string[]): boolean {
  if (lines.length === 0) return true;
  for (const line of lines) {
    const r = safeParse(format, line, input.file, 0);
    if (r !== undefined && !("malformed" in r)) return true;
  }
  return false;
}

function checkGiven(
  input: Input,
  format: LineFormat,
  lines: readonly string[],
  custom: boolean,
): void {
  if (readsAny(input, format, lines)) return;
  const hint = custom
    ? format.format === "nginx"
      ? " (check that --log-format is the log_format this file was written with)"
      : ` (check that --log-format is the ${format.format} format this file was written with)`
    : "";
  throw new InputError(
    "TRUESTATUS_INPUT_UNKNOWN_FORMAT",
    input.file,
    `none of the first ${lines.length} lines is in the ${format.format} format${hint}; first line: ${showInput(lines[0]!)}`,
  );
}

async function* lineRecords(
  input: Input,
  format: LineFormat,
): AsyncGenerator<readonly SourceRecord[]> {
  const file = input.file;
  const many = format.parseAll !== undefined;
  let lastLine = 0;
  try {
    for await (const batch of lineBatches(input.chunks())) {
      const out: SourceRecord[] = [];
      const lines = batch.lines;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string | null;
        const n = batch.firstLine + i;
        if (line === null) out.push(malformed("line longer than 1 MiB", file, n));
        else if (line.length > 0) {
          if (many) out.push(...safeParseAll(format, line, file, n));
          else {
            const r = safeParse(format, line, file, n);
            if (r !== undefined) out.push(r);
          }
        }
      }
      lastLine = batch.firstLine + lines.length - 1;
      if (out.length > 0) yield out;
    }
  } catch (e) {
    if (e instanceof GunzipFailure) throw gzipError(file, e.original, lastLine);
    if (e instanceof InputError) throw e;
    throw new InputError(
      "TRUESTATUS_INPUT_UNREADABLE",
      file,
      `read failed after line ${lastLine} (${String(e)})`,
      {
        cause: e,
      },
    );
  }
}

/** The lines of an input visited in place (see OpenedSource.visitLines), errors as lineRecords says them. */
async function visitInput(input: Input, visit: LineVisitor): Promise<void> {
  const file = input.file;
  let lastLine = 0;
  try {
    await visitLines(input.chunks(), (bytes, start, end, n) => {
      lastLine = n;
      visit(bytes, start, end, n);
    });
  } catch (e) {
    if (e instanceof GunzipFailure) throw gzipError(file, e.original, lastLine);
    if (e instanceof InputError) throw e;
    throw new InputError(
      "TRUESTATUS_INPUT_UNREADABLE",
      file,
      `read failed after line ${lastLine} (${String(e)})`,
      { cause: e },
    );
  }
}

async function* flatten(
  batches: AsyncIterable<readonly SourceRecord[]>,
): AsyncGenerator<SourceRecord> {
  for await (const b of batches) for (const r of b) yield r;
}

/**
 * Opens one input: a path, or "-" for standard input. Throws InputError (NOT_FOUND, UNREADABLE,
 * EMPTY, BINARY, UNKNOWN_FORMAT, INVALID_LOG_FORMAT, INVALID_FIELD_MAP).
 */
export async function openSource(input: string, options: OpenOptions = {}): Promise<OpenedSource> {
  if (options.inputFormat !== undefined && !INPUT_FORMATS.includes(options.inputFormat))
    throw new InputError(
      "TRUESTATUS_INPUT_UNKNOWN_FORMAT",
      input,
      `"${options.inputFormat}" is not an input format (one of: ${INPUT_FORMATS.join(", ")})`,
    );
  // Options are checked before the input is touched: a bad --log-format is a usage error.
  const given: SourceFormat | undefined =
    options.inputFormat ??
    (options.logFormat !== undefined
      ? logFormatKind(options.logFormat)
      : options.fieldMap !== undefined
        ? "ndjson"
        : undefined);
  if (given === "nginx" || given === "ndjson" || options.logFormat !== undefined)
    lineFormatFor(given ?? "nginx", options);
  const opened = await openInput(input, options.stdin);
  const headText = opened.head.toString("utf8");
  const lines = sampleLines(headText, opened.complete);
  let format: SourceFormat | undefined = given;
  let lineFormat = given === undefined ? undefined : lineFormatFor(given, options, lines);
  if (format === undefined) {
    if (looksLikeHar(headText) || looksLikeHarp(headText)) format = "har";
    else {
      lineFormat = pickLineFormat(lines, detectionCandidates(options, lines));
      // Detection ran a stateful format over the sample: read the input with a fresh one.
      if (lineFormat?.stateful === true)
        lineFormat = lineFormatFor(lineFormat.format, options, lines);
      lineFormat ??= detectWrapped(
        lines,
        (sample) => detectionCandidates(options, sample),
        options,
      );
      format = lineFormat?.format;
    }
  } else if (lineFormat !== undefined && !readsAny(opened, lineFormat, lines)) {
    // A given format that reads none of the lines as they are may read them unwrapped.
    const givenFormat = format;
    lineFormat =
      detectWrapped(lines, (sample) => [lineFormatFor(givenFormat, options, sample)!], options) ??
      lineFormat;
  }
  if (format === undefined) throw unknownFormat(opened, lines);
  if (format === "har") {
    const sample = options.sampleBodyBytes ?? DEFAULT_SAMPLE_BODY_BYTES;
    const jsonp = !looksLikeHar(headText) && looksLikeHarp(headText);
    return {
      file: opened.file,
      format,
      capabilities: HAR_CAPABILITIES,
      gzip: opened.gzip,
      batches: () => harBatches(opened, sample, jsonp),
      records: () => flatten(harBatches(opened, sample, jsonp)),
    };
  }
  if (lineFormat === undefined) throw unknownFormat(opened, lines);
  if (given !== undefined && wrapperOf(lineFormat) === undefined)
    checkGiven(opened, lineFormat, lines, options.logFormat !== undefined);
  // A stateful format that has read the sample starts again from the first line, fresh.
  const lf =
    lineFormat.stateful === true && wrapperOf(lineFormat) === undefined
      ? (lineFormatFor(lineFormat.format, options, lines) ?? lineFormat)
      : lineFormat;
  return {
    file: opened.file,
    format,
    capabilities: lf.capabilities,
    ...(lf.loggedHeaders === undefined ? {} : { loggedHeaders: lf.loggedHeaders }),
    ...(wrapperOf(lf) === undefined ? {} : { wrapper: wrapperOf(lf)! }),
    lineFormat: lf,
    gzip: opened.gzip,
    batches: () => lineRecords(opened, lf),
    records: () => flatten(lineRecords(opened, lf)),
    visitLines: (visit) => visitInput(opened, visit),
  };
}
