/**
 * Worker threads for big plain line files: the file is cut into byte ranges aligned to newlines,
 * each worker runs the line format's parser and the rules on its range and returns a Summary with
 * line numbers counted from its own start; the parent shifts them and merges (mergeSummaries is
 * exact, so the result equals a single-threaded run). gzip, HAR and stdin stay single-threaded.
 */
import type { Policy } from "truestatus";
import { ruleMap } from "./engine.js";
import type { SourceFormat } from "./exchange.js";
import { alignRange, splitRanges } from "./sources/range.js";
import { emptySummary, mergeSummaries, type Summary, shiftLines } from "./summary.js";
import { takeWorker } from "./worker-pool.js";

export interface RangeTask {
  readonly file: string;
  readonly format: SourceFormat;
  readonly logFormat?: string;
  /** NDJSON field map (exchange field → JSON path). */
  readonly fieldMap?: Readonly<Record<string, string>>;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  readonly policy?: Policy;
  readonly templateLimit?: number;
  readonly maxFindings?: number;
  /**
   * The format's reader depends on the file's first lines (Traefik JSON or common, the headers a
   * Cloudflare or OTel log keeps, W3C, wrapped lines): the worker detects it again from them, as
   * the parent did. Stateful ones are given one worker, reading the whole file in order.
   */
  readonly reopen?: boolean;
  /** The format the user named (--input-format), for `reopen`. */
  readonly givenFormat?: SourceFormat;
}

export interface RangeResult {
  readonly summary: Summary;
  /** Lines in the range (the next range's first line is this plus one). */
  readonly lines: number;
}

/** Byte offsets that cut [0, size) into about `parts` ranges, each starting at a line start. */
export async function splitByLines(file: string, size: number, parts: number): Promise<number[]> {
  const cuts = [0];
  for (const r of splitRanges(size, parts)) {
    const aligned = await alignRange(file, r, size);
    if (aligned.end > cuts[cuts.length - 1]!) cuts.push(aligned.end);
  }
  if (cuts[cuts.length - 1] !== size) cuts.push(size);
  return cuts;
}

function runWorker(task: RangeTask, onProgress?: (lines: number) => void): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    const { worker: w, failure } = takeWorker();
    if (failure !== undefined) {
      reject(failure);
      return;
    }
    let done = false;
    w.on(
      "message",
      (m: {
        progress?: number;
        result?: RangeResult;
        error?: { message: string; code?: string };
      }) => {
        if (m.progress !== undefined) onProgress?.(m.progress);
        else if (m.result !== undefined) {
          done = true;
          // The worker ends by itself; the process need not wait for its isolate to be torn down.
          w.unref();
          resolve(m.result);
        } else if (m.error !== undefined) {
          done = true;
          reject(
            Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}),
          );
        }
      },
    );
    w.on("error", (e) => {
      done = true;
      reject(e);
    });
    w.on("exit", (code) => {
      if (!done) reject(new Error(`analyze worker exited with code ${code}`));
    });
    w.postMessage(task);
  });
}

/**
 * Analyses one plain line file with `jobs` workers. `onProgress` gets the total number of lines
 * read so far (from time to time).
 */
export async function analyzeFileInParallel(
  task: Omit<RangeTask, "start" | "end">,
  size: number,
  jobs: number,
  onProgress?: (lines: number) => void,
): Promise<Summary> {
  const cuts = await splitByLines(task.file, size, jobs);
  const progress = new Array<number>(cuts.length - 1).fill(0);
  const results = await Promise.all(
    cuts.slice(0, -1).map((start, i) =>
      runWorker({ ...task, start, end: cuts[i + 1]! }, (lines) => {
        progress[i] = lines;
        onProgress?.(progress.reduce((a, b) => a + b, 0));
      }),
    ),
  );
  const rules = ruleMap();
  let offset = 0;
  let merged = emptySummary();
  for (const r of results) {
    merged = mergeSummaries(
      merged,
      shiftLines(r.summary, task.file, offset),
      rules,
      task.templateLimit,
    );
    offset += r.lines;
  }
  return merged;
}
