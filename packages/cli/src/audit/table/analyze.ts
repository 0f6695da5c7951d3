/**
 * `truestatus analyze --engine duckdb`: the inputs are read by the same sources as the streaming
 * engine and loaded into a DuckDB table of exchanges (schema.ts), or a table file is read where it
 * lies (`--table x.parquet`); the rules with a table form run there as SQL (run.ts). Rules that
 * read bodies, and those that judge across exchanges, run on the way in, as the streaming engine
 * runs them. The summary is the streaming engine's, byte for byte (test/audit/table).
 */
import { DEFAULT_POLICY } from "truestatus";
import { type AnalyzeOptions, type AnalyzeResult, InputSkips } from "../analyze.js";
import { inspectSuccessBody } from "../body.js";
import { Analysis, isTruncation, missingCapabilities, ruleMap } from "../engine.js";
import type { Capability, Exchange, SourceFormat } from "../exchange.js";
import type { Rule, RuleContext } from "../rule.js";
import { RULES } from "../rules/index.js";
import { sizeSign } from "../screen.js";
import { isMalformed, type LoggedHeaders } from "../source.js";
import { type OpenedSource, type OpenOptions, openSource } from "../sources/open.js";
import {
  concludeAggregates,
  DEFAULT_MAX_FINDINGS,
  type RuleCoverage,
  SCHEMA_VERSION,
  type SourceStats,
  type Summary,
  sortKeys,
} from "../summary.js";
import { openDuckDB, tableWriter } from "./duckdb.js";
import { isTableRule } from "./form.js";
import { capabilitiesOf, type Relation, withoutNullColumns } from "./relation.js";
import { type Executor, runTable, type TableFile, type TableResult } from "./run.js";
import { COLUMN_NAMES, type ColumnName, toRow } from "./schema.js";
import { ident } from "./sql.js";

export const ENGINES = ["duckdb", "clickhouse"] as const;
export type EngineName = (typeof ENGINES)[number];

/** The rules that run in JavaScript on the way in: everything without a table form. */
function streamingRules(rules: readonly Rule[]): Rule[] {
  return rules.filter((r) => !isTableRule(r));
}

/** The table the loader fills. */
const TABLE = "exchanges";

/** A rule of those run on the way in, as one source runs it (engine.ts's plan). */
interface BodyCheck {
  readonly rule: Rule;
  readonly needsBody: boolean;
  readonly needsSize: boolean;
  readonly needsCredentials: boolean;
}

function noBodyByProtocol(status: number, method: string): boolean {
  return status < 200 || status === 204 || status === 205 || status === 304 || method === "HEAD";
}

/**
 * What only the way in can know of an exchange: the body's verdict on a 2xx (engine.ts's
 * bodyKind) and whether a rule that runs there found an error or a warning in it.
 */
function bodyFacts(
  ex: Exchange,
  inspectBodies: boolean,
  checks: readonly BodyCheck[],
  ctx: RuleContext,
): { bodyClass?: string; bodyFlagged?: boolean } {
  const res = ex.response;
  const status = res === undefined ? -1 : res.status;
  let bodyClass: string | undefined;
  if (inspectBodies && status >= 200 && status < 300 && res!.body !== undefined) {
    const v = inspectSuccessBody(ex);
    if (v.kind === "error") bodyClass = "soft_error";
    else if (v.kind === "partial" || v.kind === "rpc_error") bodyClass = v.kind;
  } else if (status === 207) bodyClass = "partial";
  const method = ex.request.method;
  const size = res?.size ?? -1;
  let flagged = false;
  for (const c of checks) {
    const screen = c.rule.screen;
    if (screen !== undefined && !screen(status, method, sizeSign(size))) continue;
    if (
      c.needsBody &&
      res !== undefined &&
      res.body === undefined &&
      !noBodyByProtocol(status, method)
    )
      continue;
    if (c.needsSize && res !== undefined && res.size === undefined) continue;
    const cr = ex.request.credentials;
    if (c.needsCredentials && cr !== "present" && cr !== "absent") continue;
    for (const f of c.rule.check(ex, ctx))
      if (f.severity !== "info") {
        flagged = true;
        break;
      }
    if (flagged) break;
  }
  return {
    ...(bodyClass === undefined ? {} : { bodyClass }),
    ...(flagged ? { bodyFlagged: true } : {}),
  };
}

function bodyChecks(
  rules: readonly Rule[],
  capabilities: ReadonlySet<Capability>,
  logged: LoggedHeaders | undefined,
): BodyCheck[] {
  return rules
    .filter(
      (r) => r.aggregate === undefined && missingCapabilities(r, capabilities, logged).length === 0,
    )
    .map((rule) => ({
      rule,
      needsBody: rule.meta.needs.includes("response.body") && capabilities.has("response.body"),
      needsSize: rule.meta.needs.includes("response.size") && capabilities.has("response.size"),
      needsCredentials:
        rule.meta.needs.includes("request.credentials") && capabilities.has("request.credentials"),
    }));
}

/** The Summary of what the engine computed and what the way in counted. */
function assemble(
  sql: TableResult,
  js: Summary | undefined,
  maxFindings: number,
  sources: Record<string, SourceStats>,
  extraCoverage: Record<string, RuleCoverage>,
  rules: readonly Rule[],
): Summary {
  const summary: Summary = {
    schemaVersion: SCHEMA_VERSION,
    maxFindings,
    partial: Object.values(sources).some((s) => s.partial),
    exchanges: sql.exchanges,
    statuses: sql.statuses,
    classes: sql.classes,
    untruthful: sql.untruthful,
    timeline: sql.timeline,
    endpoints: sql.endpoints,
    otherEndpoints: sql.otherEndpoints,
    findings: sortKeys({ ...(js?.findings ?? {}), ...sql.findings }),
    malformed: js?.malformed ?? { count: 0, reasons: {} },
    sources: sortKeys(sources),
    coverage: sortKeys({ ...(js?.coverage ?? {}), ...extraCoverage, ...sql.coverage }),
    aggregates: js?.aggregates ?? {},
  };
  return concludeAggregates(summary, ruleMap(rules));
}

export interface EngineAnalyzeOptions extends AnalyzeOptions {
  /** Where DuckDB may grow to before it spills to disk (default 512MB). */
  readonly memoryLimit?: string;
}

/**
 * Analyses inputs with DuckDB: the same inputs, skipped inputs, errors and summary as
 * analyzeInputs (analyze.ts), the table rules run as SQL.
 */
export async function analyzeWithDuckDB(
  inputs: readonly string[],
  options: EngineAnalyzeOptions = {},
): Promise<AnalyzeResult> {
  const rules = options.rules ?? RULES;
  const maxFindings = options.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const ctx: RuleContext = { policy: options.policy ?? DEFAULT_POLICY };
  const skips = new InputSkips();
  const files = await skips.expand(inputs);
  const openOptions: OpenOptions = {
    ...(options.inputFormat !== undefined ? { inputFormat: options.inputFormat } : {}),
    ...(options.logFormat !== undefined ? { logFormat: options.logFormat } : {}),
    ...(options.fieldMap !== undefined ? { fieldMap: options.fieldMap } : {}),
    ...(options.sampleBodyBytes !== undefined ? { sampleBodyBytes: options.sampleBodyBytes } : {}),
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
  };
  const jsRules = streamingRules(rules);
  const analysis = new Analysis({ ...options, rules: jsRules, maxFindings });
  const session = await openDuckDB(
    options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit },
  );
  try {
    const writer = await tableWriter(session, TABLE);
    const errors: Error[] = [];
    const tableFiles: TableFile[] = [];
    const wrappers = new Map<string, string>();
    let read = 0;
    let done = 0;
    for (const file of files) {
      let opened: OpenedSource;
      try {
        opened = await openSource(file, openOptions);
      } catch (e) {
        skips.take(e);
        continue;
      }
      read++;
      if (opened.wrapper !== undefined) wrappers.set(opened.file, opened.wrapper);
      tableFiles.push({
        file: opened.file,
        format: opened.format,
        capabilities: opened.capabilities,
        ...(opened.loggedHeaders === undefined ? {} : { logged: opened.loggedHeaders }),
      });
      const add = analysis.source(
        opened.file,
        opened.format,
        opened.capabilities,
        opened.loggedHeaders,
      );
      const inspectBodies = opened.capabilities.has("response.body");
      const checks = bodyChecks(jsRules, opened.capabilities, opened.loggedHeaders);
      try {
        for await (const batch of opened.batches()) {
          for (const r of batch) {
            add(r);
            if (isMalformed(r)) continue;
            writer.add(toRow(r, bodyFacts(r, inspectBodies, checks, ctx)));
          }
          done += batch.length;
          options.onProgress?.(done);
        }
      } catch (e) {
        if (!isTruncation(e)) throw e;
        analysis.fail(opened.file, e.message);
        errors.push(e);
      }
    }
    writer.close();
    skips.failIfNoneRead(read);
    const js = analysis.summary();
    const columns = withoutNullColumns(
      Object.fromEntries(COLUMN_NAMES.map((c) => [c, ident("duckdb", c)])),
      writer.allNull(),
    );
    const sql = await runTable({
      executor: session,
      relation: { from: ident("duckdb", TABLE), columns },
      files: tableFiles,
      rules,
      maxFindings,
      ...(options.templateLimit === undefined ? {} : { templateLimit: options.templateLimit }),
    });
    const sources = { ...js.sources };
    for (const [file, wrapper] of wrappers) if (sources[file]) sources[file].wrapper = wrapper;
    const summary = assemble(sql, js, maxFindings, sources, {}, rules);
    skips.record(summary);
    return { summary, errors, skipped: skips.list };
  } finally {
    await session.close();
  }
}

export interface TableAnalyzeOptions {
  readonly rules?: readonly Rule[];
  readonly maxFindings?: number;
  readonly templateLimit?: number;
  /** Canonical column → SQL over the table; by default the table's own columns of those names. */
  readonly columns?: Readonly<Partial<Record<ColumnName, string>>>;
  readonly where?: string;
  /** The name the summary gives the table's rows when it has no `file` column. */
  readonly name: string;
  /** Mapped columns known to hold only NULLs: not read (withoutNullColumns). */
  readonly allNull?: ReadonlySet<ColumnName>;
}

/**
 * The summary of a table an engine holds: what the rules with a table form say about it. The
 * other rules are not checked (a table holds no bodies).
 */
export async function analyzeTable(
  executor: Executor,
  from: string,
  options: TableAnalyzeOptions,
): Promise<Summary> {
  const rules = options.rules ?? RULES;
  const maxFindings = options.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const columns: Partial<Record<ColumnName, string>> = { ...(options.columns ?? {}) };
  const { capabilities, logged } = capabilitiesOf(columns);
  const relation: Relation = {
    from,
    columns: {
      ...withoutNullColumns(columns, options.allNull ?? new Set()),
      // Without a file column, the rows are the table's; without a format, a "table".
      file: columns.file ?? `'${options.name.replace(/'/g, "''")}'`,
      format: columns.format ?? "'table'",
    },
    ...(options.where === undefined ? {} : { where: options.where }),
  };
  const sql = await runTable({
    executor,
    relation,
    capabilities,
    logged,
    rules,
    maxFindings,
    ...(options.templateLimit === undefined ? {} : { templateLimit: options.templateLimit }),
  });
  const sources: Record<string, SourceStats> = {};
  const caps = [...capabilities].sort();
  for (const [file, f] of Object.entries(sql.files))
    sources[file] = {
      format: f.format as SourceFormat,
      exchanges: f.exchanges,
      malformed: 0,
      capabilities: caps,
      partial: false,
    };
  // The rules that read bodies or judge across exchanges: not run on a table.
  const coverage: Record<string, RuleCoverage> = {};
  for (const r of streamingRules(rules)) {
    const cov: RuleCoverage = { checked: 0, notChecked: {} };
    for (const file of Object.keys(sources).sort()) {
      const missing = missingCapabilities(r, capabilities, logged);
      if (missing.includes("probe")) continue;
      cov.notChecked[file] = (missing.length > 0 ? missing : [...r.meta.needs]).sort();
    }
    coverage[r.id] = cov;
  }
  return assemble(sql, undefined, maxFindings, sources, coverage, rules);
}
