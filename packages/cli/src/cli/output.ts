/** Terminal output helpers: colour only on a TTY and never with NO_COLOR (https://no-color.org). */
import { writeFile } from "node:fs/promises";
import { styleText } from "node:util";
import { jsonSafe } from "../audit/report/terminal.js";
import { UsageError } from "./errors.js";

export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type Style = (text: string) => string;

export interface Styles {
  readonly bold: Style;
  readonly dim: Style;
  readonly red: Style;
  readonly green: Style;
  readonly yellow: Style;
  readonly cyan: Style;
}

const plain: Style = (t) => t;

export function stylesFor(stream: { isTTY?: boolean }, env: Io["env"]): Styles {
  const on = stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== "dumb";
  if (!on) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return {
    bold: (t) => styleText("bold", t),
    dim: (t) => styleText("dim", t),
    red: (t) => styleText("red", t),
    green: (t) => styleText("green", t),
    yellow: (t) => styleText("yellow", t),
    cyan: (t) => styleText("cyan", t),
  };
}

/** Lays out rows as aligned columns; the last column is never padded. */
export function columns(rows: readonly (readonly string[])[], gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + gap)))
      .join("")
      .trimEnd(),
  );
}

/** Colour for a report: only to a TTY standard output, never to a file, never with NO_COLOR. */
export function reportColor(io: Io, output: string | undefined): boolean {
  return (
    output === undefined &&
    io.stdout.isTTY === true &&
    io.env.NO_COLOR === undefined &&
    io.env.TERM !== "dumb"
  );
}

/**
 * Writes a report to `output` (a usage error naming the file when it cannot) or standard output.
 * JSON (json, sarif) is written with the control characters JSON.stringify leaves raw (C1, bidi)
 * as \u escapes: the same value, harmless on a terminal.
 */
export async function writeReport(
  io: Io,
  output: string | undefined,
  text: string,
  format?: string,
): Promise<void> {
  const report = format === "json" || format === "sarif" ? jsonSafe(text) : text;
  if (output === undefined) {
    io.stdout.write(report);
    return;
  }
  try {
    await writeFile(output, report);
  } catch (e) {
    throw new UsageError(
      `${output}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
}
