/**
 * `truestatus lint <openapi.yaml>`: what an OpenAPI document says about its status codes, before
 * anything ships. Thin: parses options, loads and lints the document, writes the report, returns the
 * exit code (0 nothing at or above --fail-on, 1 findings, 2 usage or input error). `--export spectral`
 * writes the same rules as a Spectral ruleset instead.
 */
import { createRequire } from "node:module";
import { type Command, InvalidArgumentError, Option } from "commander";
import { definePolicy } from "truestatus";
import type { LintOptions, Severity } from "../lint/rule.js";
import {
  addBaselineOptions,
  type BaselineFlags,
  knownFingerprints,
  saveBaseline,
} from "./baseline.js";
import { EXIT, UsageError } from "./errors.js";
import { type Io, reportColor, writeReport } from "./output.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

const FORMATS = ["text", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

export interface LintFlags extends BaselineFlags {
  readonly format: Format;
  readonly output?: string;
  readonly failOn: Severity | "none";
  readonly fixSuggestions?: boolean;
  readonly export?: "spectral";
  readonly errorMediaType?: readonly string[];
  readonly upstreamOperation?: readonly string[];
  readonly hideForbidden?: boolean;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function lintOptions(flags: LintFlags): LintOptions {
  return {
    policy: definePolicy({ hideForbidden: flags.hideForbidden === true }),
    errorMediaTypes: flags.errorMediaType ?? [],
    upstreamOperations: flags.upstreamOperation ?? [],
  };
}

export async function runLint(
  documents: readonly string[],
  flags: LintFlags,
  io: Io,
): Promise<number> {
  if (flags.export !== undefined) {
    if (documents.length > 0) throw new UsageError("--export writes a ruleset: give no document");
    const { spectralRuleset } = await import("../lint/spectral.js");
    await writeReport(io, flags.output, await spectralRuleset(lintOptions(flags), pkg.version));
    return EXIT.ok;
  }
  if (documents.length !== 1)
    throw new UsageError("lint needs one OpenAPI document (lint each document on its own)");
  const [{ loadOpenApi }, { lintLoaded }, { isLintInputError }, { LINT_REPORTERS }] =
    await Promise.all([
      import("../lint/load.js"),
      import("../lint/lint.js"),
      import("../lint/errors.js"),
      import("../lint/report/index.js"),
    ]);
  let result: ReturnType<typeof lintLoaded>;
  try {
    result = lintLoaded(await loadOpenApi(documents[0]!), lintOptions(flags));
  } catch (e) {
    if (isLintInputError(e)) throw new UsageError(e.message);
    throw e;
  }
  const baseline = await knownFingerprints(flags, "lint");
  const known =
    baseline === undefined
      ? undefined
      : new Set(result.findings.filter((f) => baseline.has(f.fingerprint)));
  if (flags.writeBaseline !== undefined)
    await saveBaseline(flags.writeBaseline, "lint", result.findings);
  const report = LINT_REPORTERS[flags.format](
    { result, ...(known !== undefined ? { known } : {}) },
    {
      color: reportColor(io, flags.output),
      fixSuggestions: flags.fixSuggestions === true,
      version: pkg.version,
    },
  );
  await writeReport(io, flags.output, report);
  if (flags.failOn === "none") return EXIT.ok;
  const bar = RANK[flags.failOn];
  return result.findings.some((f) => RANK[f.severity] <= bar && known?.has(f) !== true)
    ? EXIT.findings
    : EXIT.ok;
}

function parseFormat(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of: ${FORMATS.join(", ")}`);
  return value as Format;
}

const repeat = (v: string, prev: string[] = []) => [...prev, v];

/** Adds `lint` to the program; `done` receives the exit code. */
export function registerLint(program: Command, io: Io, done: (code: number) => void): void {
  const command = program
    .command("lint")
    .description(
      "what an OpenAPI 3.0/3.1 document says about its status codes: missing 401/403/400, challenges, Retry-After, problem+json, soft errors",
    )
    .argument("[document]", "an OpenAPI document (YAML or JSON; $refs to local files are followed)")
    .addOption(
      new Option("--format <format>", "report format: text, json, sarif")
        .default("text")
        .argParser(parseFormat),
    )
    .option("-o, --output <file>", "write the report to a file instead of standard output")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a finding at or above this severity exists")
        .choices(["error", "warning", "info", "none"])
        .default("error"),
    )
    .option("--fix-suggestions", "print under each finding the YAML to add (text format)")
    .addOption(
      new Option(
        "--export <tool>",
        "write the rules as a ruleset for another linter instead",
      ).choices(["spectral"]),
    )
    .option(
      "--error-media-type <type>",
      "an error media type accepted besides application/problem+json (repeatable)",
      repeat,
    )
    .option(
      "--upstream-operation <operation>",
      'an operation that calls upstreams: its operationId or "METHOD /path" (repeatable)',
      repeat,
    )
    .option(
      "--hide-forbidden",
      "the policy answers forbidden as 404: a declared 404 stands for 403",
    )
    .addHelpText(
      "after",
      `
Examples:
  truestatus lint openapi.yaml
  truestatus lint openapi.yaml --fix-suggestions
  truestatus lint openapi.json --format sarif -o lint.sarif --fail-on warning
  truestatus lint --export spectral > .spectral.js     the same rules inside Spectral
  truestatus lint openapi.yaml --write-baseline lint.baseline.json   accept what is there today
  truestatus lint openapi.yaml --baseline lint.baseline.json         fail only on new findings

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error (not OpenAPI,
a broken $ref, a syntax error: one line with the file and line).`,
    );
  addBaselineOptions(command).action(async (document: string | undefined, flags: LintFlags) => {
    done(await runLint(document === undefined ? [] : [document], flags, io));
  });
}
