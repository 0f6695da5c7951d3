/** A worker thread of parallel.ts: analyses one byte range of a plain line file. */
import { parentPort } from "node:worker_threads";
import { Analysis } from "./engine.js";
import { lineVisitor } from "./flat.js";
import type { RangeResult, RangeTask } from "./parallel.js";
import type { LineFormat, SourceRecord } from "./source.js";
import { visitLines } from "./sources/byte-lines.js";
import { lineFormatFor } from "./sources/formats.js";
import { openSource } from "./sources/open.js";
import { rangeChunks } from "./sources/range.js";

/**
 * The line format of the task. The parent has opened the file and checked the format already;
 * only NDJSON needs the file's first lines again (it finds the fields a --field map leaves out
 * from them), the others are built from the options (opening the file again took ~20-40 ms of
 * each worker start).
 */
async function lineFormatOf(task: RangeTask): Promise<LineFormat | undefined> {
  const options = {
    ...(task.logFormat !== undefined ? { logFormat: task.logFormat } : {}),
    ...(task.fieldMap !== undefined ? { fieldMap: task.fieldMap } : {}),
  };
  if (task.format !== "ndjson" && task.reopen !== true) return lineFormatFor(task.format, options);
  return (
    await openSource(task.file, {
      ...(task.reopen !== true
        ? { inputFormat: task.format }
        : task.givenFormat !== undefined
          ? { inputFormat: task.givenFormat }
          : {}),
      ...options,
    })
  ).lineFormat;
}

async function run(task: RangeTask): Promise<RangeResult> {
  const format = await lineFormatOf(task);
  if (format === undefined) throw new Error(`${task.file}: ${task.format} is not a line format`);
  const analysis = new Analysis({
    ...(task.policy ? { policy: task.policy } : {}),
    ...(task.templateLimit !== undefined ? { templateLimit: task.templateLimit } : {}),
    ...(task.maxFindings !== undefined ? { maxFindings: task.maxFindings } : {}),
  });
  const add = analysis.source(task.file, task.format, format.capabilities, format.loggedHeaders);
  // Each line is parsed and counted as it is visited: its records die young (a batch of a
  // chunk's records held at once got them promoted, and collected by the old generation).
  const lines = await visitRange(task, format, analysis, add);
  return { summary: analysis.summary(), lines };
}

/** The lines of the range read in place (flat.ts). */
async function visitRange(
  task: RangeTask,
  format: LineFormat,
  analysis: Analysis,
  add: (r: SourceRecord) => void,
): Promise<number> {
  let nextReport = 1_000_000;
  const visit = lineVisitor(analysis, task.file, task.format, format, add, (n) => {
    if (n >= nextReport) {
      parentPort!.postMessage({ progress: n });
      nextReport = n + 1_000_000;
    }
  });
  return visitLines(rangeChunks(task.file, task), visit);
}

// The task comes as a message: the worker may have started before it was known (worker-pool.ts).
parentPort!.once("message", (task: RangeTask) => {
  run(task).then(
    (result) => parentPort!.postMessage({ result }),
    (e: unknown) =>
      parentPort!.postMessage({
        error: {
          message: e instanceof Error ? e.message : String(e),
          code: (e as { code?: string }).code,
        },
      }),
  );
});
