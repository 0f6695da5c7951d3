/**
 * The programmatic face of `truestatus analyze`: inputs (files, directories, "-") → one Summary.
 * Plain line files large enough are split across worker threads; everything else streams through
 * one Analysis. Input errors are thrown (InputError, one line, with the file); a truncated input
 * keeps what was read, marks the summary partial and is returned in `errors`.
 */
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Analysis, type EngineOptions, feed, ruleMap } from "./engine.js";
import { analyzeFileInParallel } from "./parallel.js";
import { expandInputs, type OpenOptions, openSource } from "./sources/open.js";
import { mergeSummaries, type Summary } from "./summary.js";

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
}

export const DEFAULT_PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

export async function analyzeInputs(
  inputs: readonly string[],
  options: AnalyzeOptions = {},
): Promise<AnalyzeResult> {
  const jobs = Math.max(1, Math.floor(options.jobs ?? availableParallelism()));
  const minBytes = options.parallelMinBytes ?? DEFAULT_PARALLEL_MIN_BYTES;
  const files = await expandInputs(inputs);
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
  for (const file of files) {
    const opened = await openSource(file, openOptions);
    const size =
      file === "-" || opened.gzip || opened.lineFormat === undefined ? 0 : (await stat(file)).size;
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
        },
        size,
        jobs,
        (lines) => options.onProgress?.(base + lines),
      );
      done += s.exchanges + s.malformed.count;
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
  const single = analysis.summary();
  const summary =
    parallel === undefined
      ? single
      : mergeSummaries(single, parallel, ruleMap(options.rules), options.templateLimit);
  return { summary, errors };
}
