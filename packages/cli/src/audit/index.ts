/**
 * `@truestatus/cli/audit`: analyse recorded traffic (HAR, access logs) with the rules engine and report
 * it. Node-only (files, worker threads); the core entry never imports it.
 */
export { type AnalyzeOptions, type AnalyzeResult, analyzeInputs } from "./analyze.js";
export { classify, SUMMARY_CLASSES, type SummaryClass } from "./classify.js";
export {
  Analysis,
  analyzeExchanges,
  type EngineOptions,
  feed,
  type RecordSource,
  ruleMap,
} from "./engine.js";
export type { Capability, Exchange, HeaderBag, Location, SourceFormat } from "./exchange.js";
export {
  isReportFormat,
  REPORTERS,
  type Reporter,
  type ReportFormat,
  type ReportOptions,
} from "./report/index.js";
export {
  type Aggregation,
  type Conclusion,
  type CsfCategory,
  defineRule,
  type Evidence,
  type Finding,
  type Rule,
  type RuleContext,
  type RuleMeta,
  type Severity,
} from "./rule.js";
export { RULES } from "./rules/index.js";
export type { LineFormat, MalformedRecord, SourceRecord } from "./source.js";
export { expandInputs, type OpenedSource, type OpenOptions, openSource } from "./sources/open.js";
export {
  emptySummary,
  findingsAtLeast,
  mergeSummaries,
  SCHEMA_VERSION,
  type Summary,
} from "./summary.js";
export { endpointTemplate } from "./template.js";
