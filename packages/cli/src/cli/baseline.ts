/**
 * `--baseline FILE` and `--write-baseline FILE`, shared by analyze, probe and lint: the options,
 * and for analyze and probe the verdict on a summary (known findings do not fail --fail-on).
 */
import type { Command } from "commander";
import type { Severity } from "../audit/rule.js";
import type { Summary } from "../audit/summary.js";
import {
  type BaselineCommand,
  BaselineError,
  baselineText,
  readBaseline,
  writeBaseline,
} from "../baseline/baseline.js";
import {
  annotateJson,
  annotateSarif,
  applyToSummary,
  listedFindings,
} from "../baseline/summary.js";
import { UsageError } from "./errors.js";

export interface BaselineFlags {
  readonly baseline?: string;
  readonly writeBaseline?: string;
}

export function addBaselineOptions(command: Command): Command {
  return command
    .option(
      "--baseline <file>",
      "findings listed in this baseline are reported as known and do not fail --fail-on",
    )
    .option(
      "--write-baseline <file>",
      "write the findings of this run as a baseline (then nothing is new)",
    );
}

/** Reads the baseline given, as a usage error naming the file when it is not one. */
export async function knownFingerprints(
  flags: BaselineFlags,
  command: BaselineCommand,
): Promise<Set<string> | undefined> {
  if (flags.baseline === undefined) return undefined;
  try {
    return await readBaseline(flags.baseline, command);
  } catch (e) {
    if (e instanceof BaselineError) throw new UsageError(e.message);
    throw e;
  }
}

export async function saveBaseline(
  file: string,
  command: BaselineCommand,
  findings: Iterable<{
    readonly fingerprint: string;
    readonly ruleId: string;
    readonly message: string;
  }>,
): Promise<void> {
  try {
    await writeBaseline(file, baselineText(command, findings));
  } catch (e) {
    if (e instanceof BaselineError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * For analyze and probe: the report annotated with the baseline (JSON: `known` per finding and a
 * `baseline` member; SARIF: baselineState and fingerprints; text: one line at the end), and whether
 * new findings at or above --fail-on remain. Without a baseline, SARIF still gets fingerprints.
 */
export async function applyTrafficBaseline(
  command: "analyze" | "probe",
  summary: Summary,
  flags: BaselineFlags & { readonly failOn: Severity | "none"; readonly format: string },
  report: string,
): Promise<{ report: string; failing: boolean | undefined }> {
  const known = await knownFingerprints(flags, command);
  if (flags.writeBaseline !== undefined)
    await saveBaseline(flags.writeBaseline, command, listedFindings(summary));
  if (flags.format === "sarif") report = annotateSarif(report, known);
  if (known === undefined) return { report, failing: undefined };
  const outcome = applyToSummary(summary, known, flags.failOn);
  if (flags.format === "json") report = annotateJson(report, flags.baseline!, known, outcome);
  else if (flags.format === "text")
    report += `\nbaseline ${flags.baseline}: ${outcome.known} finding${outcome.known === 1 ? "" : "s"} known, ${outcome.fresh} new\n`;
  return { report, failing: flags.failOn !== "none" && outcome.newAtLeast > 0 };
}
