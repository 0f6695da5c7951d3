/**
 * The programmatic face of `truestatus analyze`: inputs (files, directories, "-") → one Summary.
 * Plain line files large enough are split across worker threads; everything else streams through
 * one Analysis. An input that cannot be read at all (missing, binary, of an unknown format) is
 * skipped and listed in `summary.skipped` with its reason, so one odd file in a directory does not
 * stop the run; when no input could be read, the first such error is thrown (InputError, one line,
 * with the file). Option errors (a bad --log-format or --field) are always thrown. A truncated
 * input keeps what was read, marks the summary partial and is returned in `errors`.
 */
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Analysis, type EngineOptions, feed, ruleMap } from "./engine.js";
import { analyzeFileInParallel } from "./parallel.js";
import { InputError, isInputError } from "./sources/errors.js";
import { expandInputs, type OpenedSource, type OpenOptions, openSource } from "./sources/open.js";
import { mergeSummaries, type SkippedInput, type Summary } from "./summary.js";
import { PARALLEL_MIN_BYTES } from "./worker-pool.js";

export interface AnalyzeOptions extends EngineOptions, Omit<OpenOptions, "stdin"> {
  /** Worker threads for big plain line files; default: the number of cores (1: one worker). */
  readonly jobs?: number;
  /** Files smaller than this are analysed in-thread (default 32 MiB: below it, workers cost more than they save). */
  readonly parallelMinBytes?: number;
  readonly stdin?: AsyncIterable<Buffer>;
  /** Called from time to time with the number of records read so far. */
  readonly onProgress?: (records: number) => void;
}

export interface AnalyzeResult {
  readonly summary: Summary;
  /** Errors of inputs that ended early (truncated, corrupt): their records up to there are counted. */
  readonly errors: readonly Error[];
  /** Inputs that could not be read at all (also in `summary.skipped`). */
  readonly skipped: readonly SkippedInput[];
}

/** Line formats built from the options alone (no sample of the file needed). */
const FIXED_FORMATS: ReadonlySet<string> = new Set([
  "clf",
  "combined",
  "nginx",
  "envoy",
  "alb",
  "elb",
  "s3",
  "haproxy",
  "caddy",
  "gcp-lb",
  "kong",
]);

/** Errors about the options, not about one input: they stop the run whatever the inputs. */
const OPTION_ERRORS = new Set(["TRUESTATUS_INVALID_LOG_FORMAT", "TRUESTATUS_INVALID_FIELD_MAP"]);

export function skippedOf(e: InputError): SkippedInput {
  const prefix = `${e.file}: `;
  const reason = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  return { file: e.file, code: e.code, reason };
}

/** An input error that means "skip this input", not "stop". */
export const skippable = (e: unknown): e is InputError =>
  isInputError(e) && !OPTION_ERRORS.has(e.code) && !e.partial;

/**
 * The inputs a run leaves out, for both engines: each is listed in `summary.skipped` with its
 * reason, and when no input at all could be read the run fails on the first, naming the others.
 */
export class InputSkips {
  readonly list: SkippedInput[] = [];
  readonly #errors: InputError[] = [];

  /** Takes an error if it means "skip this input" (else rethrows it). */
  take(e: unknown): void {
    if (!skippable(e)) throw e;
    this.list.push(skippedOf(e));
    this.#errors.push(e);
  }

  /** The files the inputs name (directories listed), skipping inputs that cannot be listed. */
  async expand(inputs: readonly string[]): Promise<string[]> {
    const files: string[] = [];
    for (const input of inputs) {
      try {
        files.push(...(await expandInputs([input])));
      } catch (e) {
        this.take(e);
      }
    }
    return files;
  }

  /** Throws when `read` inputs were read and some were skipped: nothing to report on. */
  failIfNoneRead(read: number): void {
    const errors = this.#errors;
    if (read > 0 || errors.length === 0) return;
    if (errors.length === 1) throw errors[0]!;
    const first = errors[0]!;
    throw new InputError(
      first.code,
      first.file,
      `${skippedOf(first).reason}; no other input could be read either (${errors
        .slice(1, 6)
        .map((e) => `${e.file}: ${skippedOf(e).reason}`)
        .join("; ")}${errors.length > 6 ? `; and ${errors.length - 6} more` : ""})`,
    );
  }

  /** Lists the skipped inputs in the summary, sorted by file. */
  record(summary: Summary): void {
    if (this.list.length > 0)
      summary.skipped = [...this.list].sort((a, b) =>
        a.file < b.file ? -1 : a.file > b.file ? 1 : 0,
      );
  }
}

export const DEFAULT_PARALLEL_MIN_BYTES = PARALLEL_MIN_BYTES;

export async function analyzeInputs(
  inputs: readonly string[],
  options: AnalyzeOptions = {},
): Promise<AnalyzeResult> {
  const jobs = Math.max(1, Math.floor(options.jobs ?? availableParallelism()));
  const minBytes = options.parallelMinBytes ?? DEFAULT_PARALLEL_MIN_BYTES;
  const skips = new InputSkips();
  const files = await skips.expand(inputs);
  const analysis = new Analysis(options);
  const errors: Error[] = [];
  let parallel: Summary | undefined;
  let done = 0;
  const openOptions: OpenOptions = {
    ...(options.inputFormat !== undefined ? { inputFormat: options.inputFormat } : {}),
    ...(options.logFormat !== undefined ? { logFormat: options.logFormat } : {}),
    ...(options.fieldMap !== undefined ? { fieldMap: options.fieldMap } : {}),
    ...(options.sampleBodyBytes !== undefined ? { sampleBodyBytes: options.sampleBodyBytes } : {}),
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
  };
  let read = 0;
  const wrappers = new Map<string, string>();
  for (const file of files) {
    let opened: OpenedSource;
    try {
      opened = await openSource(file, openOptions);
    } catch (e) {
      skips.take(e);
      continue;
    }
    read++;
    if (opened.wrapper !== undefined) wrappers.set(opened.file, opened.wrapper);
    const size =
      file === "-" || opened.gzip || opened.lineFormat === undefined ? 0 : (await stat(file)).size;
    // A stateful format (a line's meaning depends on the lines before it) is read in order, by one
    // worker: off the main thread, with the workers' bounded memory.
    const stateful = opened.lineFormat?.stateful === true;
    // Formats whose reader depends on the file's first lines (which fields, which variant) are
    // detected again by each worker; the others are rebuilt from the options alone.
    const reopen = stateful || !FIXED_FORMATS.has(opened.format);
    if (size >= minBytes) {
      const base = done;
      const s = await analyzeFileInParallel(
        {
          file: opened.file,
          format: opened.format,
          ...(options.logFormat !== undefined ? { logFormat: options.logFormat } : {}),
          ...(options.fieldMap !== undefined ? { fieldMap: options.fieldMap } : {}),
          ...(options.policy !== undefined ? { policy: options.policy } : {}),
          ...(options.templateLimit !== undefined ? { templateLimit: options.templateLimit } : {}),
          ...(options.maxFindings !== undefined ? { maxFindings: options.maxFindings } : {}),
          ...(reopen ? { reopen: true } : {}),
          ...(reopen && options.inputFormat !== undefined
            ? { givenFormat: options.inputFormat }
            : {}),
        },
        size,
        stateful ? 1 : jobs,
        (lines) => options.onProgress?.(base + lines),
      );
      done += s.exchanges + s.malformed.count;
      const st = s.sources[opened.file];
      if (st !== undefined && opened.wrapper !== undefined) st.wrapper = opened.wrapper;
      parallel =
        parallel === undefined
          ? s
          : mergeSummaries(parallel, s, ruleMap(options.rules), options.templateLimit);
      continue;
    }
    const before = analysis.records;
    const e = await feed(
      analysis,
      opened,
      options.onProgress && ((n) => options.onProgress!(done + n)),
    );
    done += analysis.records - before;
    if (e !== undefined) errors.push(e);
  }
  skips.failIfNoneRead(read);
  const single = analysis.summary();
  for (const [file, wrapper] of wrappers) {
    const st = single.sources[file];
    if (st !== undefined) st.wrapper = wrapper;
  }
  const summary =
    parallel === undefined
      ? single
      : mergeSummaries(single, parallel, ruleMap(options.rules), options.templateLimit);
  skips.record(summary);
  return { summary, errors, skipped: skips.list };
}
