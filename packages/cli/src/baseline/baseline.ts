/**
 * Baselines (`--baseline FILE`, `--write-baseline FILE`): the findings a project has accepted for
 * now, so that a build fails only on new ones. A baseline is a JSON file listing fingerprints
 * (fingerprint.ts) with the rule and a message for the reader; a finding whose fingerprint is listed
 * is known. Reading is strict (bad input is one line naming the file and what is wrong).
 */
import { readFile, writeFile } from "node:fs/promises";
import { TruestatusError } from "truestatus";

export const BASELINE_VERSION = 1;

export type BaselineCommand = "lint" | "analyze" | "probe";

export interface BaselineEntry {
  readonly fingerprint: string;
  readonly ruleId: string;
  /** One example message, for people reading the file. */
  readonly message: string;
}

export interface BaselineFile {
  readonly truestatusBaseline: typeof BASELINE_VERSION;
  readonly command: BaselineCommand;
  readonly entries: readonly BaselineEntry[];
}

export class BaselineError extends TruestatusError {
  override readonly name = "BaselineError";
  override readonly code = "TRUESTATUS_BASELINE" as const;
  constructor(message: string) {
    super("TRUESTATUS_BASELINE", message);
  }
}

/** Bigger than any honest baseline; bounds what a wrong file can make us read. */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

/** The fingerprints of a baseline file written for `command`. */
export async function readBaseline(file: string, command: BaselineCommand): Promise<Set<string>> {
  let text: string;
  try {
    const buf = await readFile(file);
    if (buf.length > MAX_BASELINE_BYTES)
      throw new BaselineError(`${file}: ${buf.length} bytes is too big for a baseline`);
    text = buf.toString("utf8");
  } catch (e) {
    if (e instanceof BaselineError) throw e;
    throw new BaselineError(
      `${file}: cannot read the baseline (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`${file}: the baseline is not JSON (${(e as Error).message})`);
  }
  const v = value as Partial<BaselineFile> | null;
  if (typeof v !== "object" || v === null || v.truestatusBaseline !== BASELINE_VERSION)
    throw new BaselineError(
      `${file}: not a truestatus baseline ("truestatusBaseline": ${BASELINE_VERSION}); write one with --write-baseline`,
    );
  if (v.command !== command)
    throw new BaselineError(
      `${file}: a baseline of \`truestatus ${String(v.command)}\`, not of \`truestatus ${command}\``,
    );
  if (!Array.isArray(v.entries)) throw new BaselineError(`${file}: "entries" is not a list`);
  const out = new Set<string>();
  for (const [i, e] of v.entries.entries()) {
    if (typeof e !== "object" || e === null || typeof (e as BaselineEntry).fingerprint !== "string")
      throw new BaselineError(`${file}: entries[${i}] has no "fingerprint" string`);
    out.add((e as BaselineEntry).fingerprint);
  }
  return out;
}

/** The baseline file text for these findings: one entry per fingerprint, sorted (diffs stay small). */
export function baselineText(
  command: BaselineCommand,
  findings: Iterable<{
    readonly fingerprint: string;
    readonly ruleId: string;
    readonly message: string;
  }>,
): string {
  const byPrint = new Map<string, BaselineEntry>();
  for (const f of findings)
    if (!byPrint.has(f.fingerprint))
      byPrint.set(f.fingerprint, {
        fingerprint: f.fingerprint,
        ruleId: f.ruleId,
        message: f.message,
      });
  const entries = [...byPrint.values()].sort((a, b) =>
    a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0,
  );
  const file: BaselineFile = { truestatusBaseline: BASELINE_VERSION, command, entries };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export async function writeBaseline(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (e) {
    throw new BaselineError(
      `${file}: cannot write the baseline (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
}
