/**
 * `truestatus probe <url>`: a small, bounded set of requests that makes a running API show how it
 * answers failures, judged by the same rules as analyze. Thin: options → runProbe → report.
 */
import { createRequire } from "node:module";
import { type Command, InvalidArgumentError, Option } from "commander";
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from "../audit/report/formats.js";
import type { Severity } from "../audit/rule.js";
import { findingsAtLeast } from "../audit/summary.js";
import { isProbeError } from "../probe/errors.js";
import type { runProbe } from "../probe/probe.js";
import { addBaselineOptions, applyTrafficBaseline, type BaselineFlags } from "./baseline.js";
import { EXIT, UsageError } from "./errors.js";
import { type Io, reportColor, writeReport } from "./output.js";

const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };

interface ProbeFlags extends BaselineFlags {
  readonly openapi?: string;
  readonly route?: readonly string[];
  readonly auth?: string;
  readonly authOther?: string;
  readonly unsafe?: boolean;
  readonly maxRequests?: number;
  readonly concurrency?: number;
  readonly rate?: number;
  readonly timeout?: number;
  readonly burst?: number;
  readonly scenario?: readonly string[];
  readonly format: ReportFormat;
  readonly output?: string;
  readonly failOn: Severity | "none";
  readonly quiet?: boolean;
}

const int = (v: string): number => {
  if (!/^\d{1,9}$/.test(v)) throw new InvalidArgumentError("expected a whole number");
  return Number(v);
};
const list = (v: string, prev: string[] = []) => [...prev, v];

export function registerProbe(program: Command, io: Io, done: (code: number) => void): void {
  const command = program
    .command("probe")
    .description(
      "send a small, bounded set of requests to a running API and report how it answers failures",
    )
    .argument("<url>", "the API's base URL, e.g. https://api.example.test/v1")
    .option("--openapi <file>", "OpenAPI 3.0/3.1 document (JSON or YAML) to plan from")
    .option(
      "--route <route>",
      'an operation without a document, e.g. "GET /orders" (repeatable)',
      list,
    )
    .option("--auth <value>", 'Authorization of identity A, e.g. "Bearer abc…" (never printed)')
    .option("--auth-other <value>", "Authorization of identity B, for the two-identity scenario")
    .option("--unsafe", "also send requests that could create, change or delete data")
    .addOption(new Option("--max-requests <n>", "request budget (default 200)").argParser(int))
    .addOption(
      new Option("--concurrency <n>", "requests in flight at most (default 4)").argParser(int),
    )
    .addOption(
      new Option("--rate <n>", "requests started per second at most (default 50)").argParser(int),
    )
    .addOption(new Option("--timeout <ms>", "per-request timeout (default 5000)").argParser(int))
    .addOption(
      new Option(
        "--burst <n>",
        "opt-in burst of n reads to check 429 and Retry-After (max 200)",
      ).argParser(int),
    )
    .option(
      "--scenario <file>",
      "YAML scenario file with steps and expected statuses (repeatable)",
      list,
    )
    .addOption(
      new Option("--format <format>", "report format: text, json, sarif, html")
        .default("text")
        .argParser((v: string) => {
          if (!isReportFormat(v))
            throw new InvalidArgumentError(`expected one of: ${REPORT_FORMATS.join(", ")}`);
          return v;
        }),
    )
    .option("-o, --output <file>", "write the report to a file instead of standard output")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a finding at or above this severity exists")
        .choices(["error", "warning", "info", "none"])
        .default("error"),
    )
    .option("-q, --quiet", "the text report shows findings only")
    .addHelpText(
      "after",
      `
Examples:
  truestatus probe http://127.0.0.1:3000 --openapi openapi.yaml
  truestatus probe https://api.example.test --openapi openapi.yaml --auth "Bearer $A" --auth-other "Bearer $B"
  truestatus probe http://127.0.0.1:3000 --route "GET /orders" --route "POST /orders" --auth "Bearer $A"
  truestatus probe http://127.0.0.1:3000 --openapi openapi.yaml --scenario shop.yaml --unsafe --burst 20

Safe by default: GET, HEAD and OPTIONS, plus bodies no parser accepts; --unsafe for the rest.
Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage or input error.`,
    );
  addBaselineOptions(command).action(async (url: string, flags: ProbeFlags) => {
    // Loaded when the command runs (undici, yaml, the OpenAPI parser): the CLI starts faster.
    const [{ runProbe }, { probeReport }] = await Promise.all([
      import("../probe/probe.js"),
      import("../probe/report.js"),
    ]);
    let result: Awaited<ReturnType<typeof runProbe>>;
    try {
      result = await runProbe({
        target: url,
        ...(flags.openapi !== undefined ? { openapi: flags.openapi } : {}),
        ...(flags.route !== undefined ? { routes: flags.route } : {}),
        ...(flags.auth !== undefined ? { auth: flags.auth } : {}),
        ...(flags.authOther !== undefined ? { authOther: flags.authOther } : {}),
        unsafe: flags.unsafe === true,
        ...(flags.maxRequests !== undefined ? { maxRequests: flags.maxRequests } : {}),
        ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
        ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
        ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
        ...(flags.burst !== undefined ? { burst: flags.burst } : {}),
        ...(flags.scenario !== undefined ? { scenarios: flags.scenario } : {}),
      });
    } catch (e) {
      if (isProbeError(e)) throw new UsageError(e.message);
      throw e;
    }
    const color = reportColor(io, flags.output);
    const { report, failing } = await applyTrafficBaseline(
      "probe",
      result.summary,
      flags,
      probeReport(result, flags.format, {
        color,
        quiet: flags.quiet === true,
        version: pkg.version,
      }),
    );
    await writeReport(io, flags.output, report, flags.format);
    done(
      (failing ?? (flags.failOn !== "none" && findingsAtLeast(result.summary, flags.failOn) > 0))
        ? EXIT.findings
        : EXIT.ok,
    );
  });
}
