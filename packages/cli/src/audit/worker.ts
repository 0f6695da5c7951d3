/** A worker thread of parallel.ts: analyses one byte range of a plain line file. */
import { parentPort, workerData } from "node:worker_threads";
import { Analysis } from "./engine.js";
import type { RangeResult, RangeTask } from "./parallel.js";
import type { LineFormat } from "./source.js";
import { malformed, safeParse, safeParseAll } from "./sources/fields.js";
import { lineFormatFor } from "./sources/formats.js";
import { lineBatches } from "./sources/lines.js";
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
  });
  const add = analysis.source(task.file, task.format, format.capabilities, format.loggedHeaders);
  const parseAll = format.parseAll !== undefined;
  let lines = 0;
  let nextReport = 1_000_000;
  const file = task.file;
  for await (const batch of lineBatches(rangeChunks(task.file, task))) {
    const list = batch.lines;
    for (let i = 0; i < list.length; i++) {
      const line = list[i];
      const n = batch.firstLine + i;
      if (line === null) add(malformed("line longer than 1 MiB", file, n));
      else if (line !== undefined && line.length > 0) {
        if (parseAll) for (const r of safeParseAll(format, line, file, n)) add(r);
        else {
          const r = safeParse(format, line, file, n);
          if (r !== undefined) add(r);
        }
      }
    }
    lines = batch.firstLine + list.length - 1;
    if (lines >= nextReport) {
      parentPort!.postMessage({ progress: lines });
      nextReport = lines + 1_000_000;
    }
  }
  return { summary: analysis.summary(), lines };
}

run(workerData as RangeTask).then(
  (result) => parentPort!.postMessage({ result }),
  (e: unknown) =>
    parentPort!.postMessage({
      error: {
        message: e instanceof Error ? e.message : String(e),
        code: (e as { code?: string }).code,
      },
    }),
);
