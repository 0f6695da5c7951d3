/**
 * `truestatus analyze <inputs...|->`: what recorded traffic says about its status codes.
 * Thin: parses options, calls analyzeInputs (or merges JSON summaries), writes the report, and
 * returns the exit code (0 nothing at or above --fail-on, 1 findings, 2 usage or input error).
 */
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { type Command, InvalidArgumentError, Option } from "commander";
import { analyzeInputs } from "../audit/analyze.js";
import { ruleMap } from "../audit/engine.js";
import type { SourceFormat } from "../audit/exchange.js";
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from "../audit/report/formats.js";
import { grouped } from "../audit/report/grouped.js";
import { escapeControlInline } from "../audit/report/terminal.js";
import type { Severity } from "../audit/rule.js";
import { isInputError } from "../audit/sources/errors.js";
import {
  DEFAULT_MAX_FINDINGS,
  emptySummary,
  findingsAtLeast,
  LEGACY_MAX_FINDINGS,
  mergeSummaries,
  SCHEMA_VERSION,
  type Summary,
} from "../audit/summary.js";
import { addBaselineOptions, applyTrafficBaseline, type BaselineFlags } from "./baseline.js";
import { EXIT, UsageError } from "./errors.js";
import { type Io, reportColor, writeReport } from "./output.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

export interface AnalyzeFlags extends BaselineFlags {
  readonly inputFormat?: SourceFormat;
  readonly logFormat?: string;
  /** NDJSON: exchange field → JSON path. */
  readonly field?: readonly string[];
  readonly format: ReportFormat;
  readonly output?: string;
  readonly failOn: Severity | "none";
  readonly quiet?: boolean;
  readonly merge?: boolean;
  readonly jobs?: number;
  /** Findings listed per rule in JSON and SARIF (the count stays exact). */
  readonly maxFindings?: number;
  /** Exit 2 when any input was skipped (by default only when none could be read). */
  readonly strict?: boolean;
  /** Hidden: the file size from which workers are used (tests use a small one). */
  readonly parallelMinBytes?: number;
  /** Run the rules in a SQL engine (docs/engines.md). */
  readonly engine?: "duckdb" | "clickhouse";
  /** The table: a Parquet/CSV/NDJSON file (duckdb) or a table name (clickhouse). */
  readonly table?: string;
  /** A column map (YAML) or a preset's name. */
  readonly columns?: string;
  /** The ClickHouse server (http(s)://host:8123). */
  readonly url?: string;
  /** A filter on the table's rows, in its SQL. */
  readonly where?: string;
}

/** Largest JSON summary `--merge` reads (they are small: bounded samples and templates). */
const MAX_SUMMARY_BYTES = 256 * 1024 * 1024;

function parseJobs(value: string): number {
  if (!/^[1-9]\d{0,3}$/.test(value))
    throw new InvalidArgumentError("expected a whole number from 1 to 9999");
  return Number(value);
}

/** --max-findings: a whole number from 1 (the reports need at least one finding per rule). */
export function parseMaxFindings(value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value))
    throw new InvalidArgumentError("expected a whole number from 1 to 999999999");
  return Number(value);
}

function parseFormat(value: string): ReportFormat {
  if (!isReportFormat(value))
    throw new InvalidArgumentError(`expected one of: ${REPORT_FORMATS.join(", ")}`);
  return value;
}

/** --field status=res.statusCode (repeatable) → { status: "res.statusCode" }. */
function fieldMap(pairs: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf("=");
    if (eq <= 0)
      throw new UsageError(
        `--field ${JSON.stringify(p)}: expected <field>=<json.path>, e.g. status=res.statusCode`,
      );
    map[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return map;
}

async function readSummary(file: string): Promise<Summary> {
  let text: string;
  try {
    const st = await stat(file);
    if (st.size > MAX_SUMMARY_BYTES)
      throw new UsageError(`${file}: ${st.size} bytes is too big for a JSON summary`);
    text = await readFile(file, "utf8");
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `${file}: not JSON (${(e as Error).message}); --merge reads the output of --format json`,
    );
  }
  const v = value as Partial<Summary> | null;
  if (typeof v !== "object" || v === null || v.schemaVersion !== SCHEMA_VERSION)
    throw new UsageError(
      `${file}: not a truestatus summary with "schemaVersion": ${SCHEMA_VERSION}`,
    );
  for (const key of Object.keys(emptySummary()) as (keyof Summary)[]) {
    if (!(key in v)) throw new UsageError(`${file}: the summary has no "${key}"`);
  }
  const { summaryProblem } = await import("../audit/summary-schema.js");
  const problem = summaryProblem(v);
  if (problem !== undefined) throw new UsageError(`${file}: not a valid summary: ${problem}`);
  // Written before findings were listed up to a limit: each rule listed its first three.
  if (v.maxFindings === undefined) return { ...(v as Summary), maxFindings: LEGACY_MAX_FINDINGS };
  return v as Summary;
}

function progressLine(io: Io, enabled: boolean): { update(n: number): void; clear(): void } {
  let last = 0;
  let shown = false;
  return {
    update(n) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      io.stderr.write(`\r\u001b[Kanalysing… ${grouped(n)} records`);
    },
    clear() {
      if (shown) io.stderr.write("\r\u001b[K");
    },
  };
}

export async function runAnalyze(
  inputs: readonly string[],
  flags: AnalyzeFlags,
  io: Io,
): Promise<number> {
  // A column map may name the table (the presets do).
  if (inputs.length === 0 && flags.table === undefined && flags.columns === undefined)
    throw new UsageError(
      "analyze needs at least one input (a file, a directory, or - for stdin), or --engine with --table",
    );
  // The reporters load while the inputs are read (they are not needed before).
  const reporters = import("../audit/report/index.js");
  const progress = progressLine(io, io.stderr.isTTY === true && !flags.quiet);
  let summary: Summary;
  let errors: readonly Error[] = [];
  try {
    if (flags.engine === undefined)
      for (const [name, v] of [
        ["--table", flags.table],
        ["--columns", flags.columns],
        ["--url", flags.url],
        ["--where", flags.where],
      ] as const)
        if (v !== undefined) throw new UsageError(`${name} needs --engine duckdb or clickhouse`);
    if (flags.engine !== undefined) {
      if (flags.merge) throw new UsageError("--merge reads JSON summaries: it takes no --engine");
      const { analyzeByEngine } = await import("../audit/table/entry.js");
      const r = await analyzeByEngine({
        inputs,
        flags: {
          engine: flags.engine,
          ...(flags.table === undefined ? {} : { table: flags.table }),
          ...(flags.columns === undefined ? {} : { columns: flags.columns }),
          ...(flags.url === undefined ? {} : { url: flags.url }),
          ...(flags.where === undefined ? {} : { where: flags.where }),
        },
        options: {
          ...(flags.inputFormat !== undefined ? { inputFormat: flags.inputFormat } : {}),
          ...(flags.logFormat !== undefined ? { logFormat: flags.logFormat } : {}),
          ...(flags.field !== undefined && flags.field.length > 0
            ? { fieldMap: fieldMap(flags.field) }
            : {}),
          maxFindings: flags.maxFindings ?? DEFAULT_MAX_FINDINGS,
          onProgress: (n) => progress.update(n),
        },
        env: io.env,
      });
      summary = r.summary;
      errors = r.errors;
    } else if (flags.merge) {
      const rules = ruleMap();
      // --max-findings lowers the limit of what is merged (it cannot list what the inputs cut).
      summary =
        flags.maxFindings === undefined
          ? emptySummary()
          : { ...emptySummary(), maxFindings: flags.maxFindings };
      for (const file of inputs) {
        const next = await readSummary(file);
        try {
          summary = mergeSummaries(summary, next, rules);
        } catch (e) {
          // A rule's aggregate state the schema cannot see into (it is the rule's own shape).
          throw new UsageError(
            `${file}: the summary cannot be merged (${(e as Error).message.split("\n")[0]})`,
          );
        }
      }
    } else {
      const r = await analyzeInputs(inputs, {
        ...(flags.inputFormat !== undefined ? { inputFormat: flags.inputFormat } : {}),
        ...(flags.logFormat !== undefined ? { logFormat: flags.logFormat } : {}),
        ...(flags.field !== undefined && flags.field.length > 0
          ? { fieldMap: fieldMap(flags.field) }
          : {}),
        ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
        maxFindings: flags.maxFindings ?? DEFAULT_MAX_FINDINGS,
        ...(flags.parallelMinBytes !== undefined
          ? { parallelMinBytes: flags.parallelMinBytes }
          : {}),
        onProgress: (n) => progress.update(n),
      });
      summary = r.summary;
      errors = r.errors;
    }
  } catch (e) {
    progress.clear();
    // An input error raised in a worker thread crosses as a plain Error with its code.
    const code = (e as { code?: unknown } | null)?.code;
    if (
      isInputError(e) ||
      (typeof code === "string" &&
        /^TRUESTATUS_(INPUT_|INVALID_LOG_FORMAT|INVALID_FIELD_MAP|NOT_A_LOG|ENGINE_|MISSING_PEER)/.test(
          code,
        ))
    )
      throw new UsageError((e as Error).message);
    throw e;
  }
  progress.clear();
  const color = reportColor(io, flags.output);
  const { REPORTERS } = await reporters;
  const { report, failing } = await applyTrafficBaseline(
    "analyze",
    summary,
    flags,
    REPORTERS[flags.format](summary, { color, quiet: flags.quiet === true, version: pkg.version }),
  );
  await writeReport(io, flags.output, report, flags.format);
  for (const e of errors)
    io.stderr.write(`error: ${escapeControlInline(e.message)} (the summary above is partial)\n`);
  if (errors.length > 0) return EXIT.usage;
  const skipped = summary.skipped ?? [];
  // The text report on a terminal lists them already; elsewhere say so where a person looks.
  if (flags.format !== "text" || flags.output !== undefined)
    for (const s of skipped)
      io.stderr.write(
        `warning: skipped ${escapeControlInline(s.file)}: ${escapeControlInline(s.reason)}\n`,
      );
  if (flags.strict === true && skipped.length > 0) {
    io.stderr.write(
      `error: ${skipped.length} input${skipped.length === 1 ? " was" : "s were"} skipped (--strict): ${skipped.map((s) => escapeControlInline(s.file)).join(", ")}\n`,
    );
    return EXIT.usage;
  }
  if (failing ?? (flags.failOn !== "none" && findingsAtLeast(summary, flags.failOn) > 0))
    return EXIT.findings;
  return EXIT.ok;
}

/** Adds `analyze` to the program; `done` receives the exit code. */
export function registerAnalyze(program: Command, io: Io, done: (code: number) => void): void {
  const command = program
    .command("analyze")
    .description(
      "what HAR files and access logs say about their status codes: findings, classes, endpoints",
    )
    .argument("[inputs...]", "files, directories, or - for standard input")
    .addOption(new Option("--input-format <format>", "the input format (default: detected)"))
    .option(
      "--log-format <string>",
      "a custom format: an nginx log_format ($name), HAProxy log-format (%ST) or Envoy format string (%RESPONSE_CODE%)",
    )
    .option(
      "--field <field=path>",
      "NDJSON: where an exchange field is, e.g. status=res.statusCode (repeatable)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .addOption(
      new Option("--format <format>", "report format: text, json, sarif, html")
        .default("text")
        .argParser(parseFormat),
    )
    .option("-o, --output <file>", "write the report to a file instead of standard output")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a finding at or above this severity exists")
        .choices(["error", "warning", "info", "none"])
        .default("error"),
    )
    .option("-q, --quiet", "no progress line; the text report shows findings only")
    .option("--merge", "the inputs are JSON summaries (--format json) to combine into one")
    .option(
      "--strict",
      "exit 2 when any input cannot be read (by default such inputs are skipped and listed)",
    )
    .addOption(
      new Option(
        "--max-findings <n>",
        `findings listed per rule in JSON and SARIF (default ${grouped(DEFAULT_MAX_FINDINGS)}; counts stay exact, the report says when it cut)`,
      ).argParser(parseMaxFindings),
    )
    .addOption(
      new Option(
        "-j, --jobs <n>",
        "worker threads for big plain log files (default: cores)",
      ).argParser(parseJobs),
    )
    .addOption(
      new Option("--parallel-min-bytes <n>").argParser((v) => Number.parseInt(v, 10)).hideHelp(),
    )
    .addOption(
      new Option(
        "--engine <engine>",
        "run the rules in a SQL engine: duckdb (in process: the inputs, or --table) or clickhouse (--url); docs/engines.md",
      ).choices(["duckdb", "clickhouse"]),
    )
    .option(
      "--table <table>",
      "with --engine: a Parquet, CSV or NDJSON file of exchanges (duckdb) or a table name (clickhouse)",
    )
    .option(
      "--columns <map>",
      "with --table: a column map (YAML) or a preset (alb-athena, nginx-clickhouse) naming the table's columns",
    )
    .option(
      "--url <url>",
      "with --engine clickhouse: the server, http(s)://host:8123 (password from CLICKHOUSE_PASSWORD)",
    )
    .option(
      "--where <sql>",
      "with --table: only the rows this SQL condition selects (a day, a shard)",
    )
    .addHelpText(
      "after",
      `
Examples:
  truestatus analyze access.log.gz              nginx/Apache combined log, gzip or not
  truestatus analyze session.har --format sarif -o analyze.sarif
  truestatus analyze /var/log/nginx --fail-on warning
  cat access.log | truestatus analyze -
  truestatus analyze --merge day1.json day2.json
  truestatus analyze --engine duckdb access.log.gz       the same rules, run as SQL in DuckDB
  truestatus analyze --engine duckdb --table exchanges.parquet
  truestatus analyze --engine clickhouse --url http://ch:8123 --table logs.nginx_logs --columns nginx-clickhouse
  truestatus analyze access.log --write-baseline analyze.baseline.json    accept what is there today
  truestatus analyze access.log --baseline analyze.baseline.json         fail only on new findings

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error (a truncated
input prints the partial summary, then the error). An input that cannot be read (unknown format,
binary, missing) is skipped and listed in the report; exit 2 when none could be read, or with
--strict when any was skipped.`,
    );
  addBaselineOptions(command).action(async (inputs: string[], flags: AnalyzeFlags) => {
    done(await runAnalyze(inputs, flags, io));
  });
}
