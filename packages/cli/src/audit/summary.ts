/**
 * The Summary: what `truestatus analyze` found, as plain JSON (the `--format json` output, schema
 * in docs/analyze-json.md). Summaries merge: `mergeSummaries` is associative and commutative with
 * `emptySummary()` as identity, so analysing inputs split in any way (worker threads, machines) and
 * merging gives exactly the summary of analysing everything at once. Every bounded part is bounded
 * by a rule that commutes with merging: findings are listed up to `maxFindings` per rule, the first
 * by location (a merge keeps the first of the smaller limit), endpoint templates are the first
 * TEMPLATE_LIMIT in sort order (the rest fold into `otherEndpoints`).
 */
import type { Capability, Location, SourceFormat } from "./exchange.js";
import type { Evidence, Finding, Rule, Severity } from "./rule.js";
import { emptyTimeline, mergeTimelines, TIMELINE_LIMIT, type Timeline } from "./timeline.js";

export type { Timeline } from "./timeline.js";

/** 2: `untruthful`, `timeline` and `samples[].class` were added (docs/analyze-json.md). */
export const SCHEMA_VERSION = 2;
/** Findings listed per rule by default (`--max-findings`); the count is always exact. */
export const DEFAULT_MAX_FINDINGS = 10_000;
/**
 * Findings listed per rule by summaries written before `maxFindings` existed (schema 2 without
 * it): `--merge` reads them with this limit.
 */
export const LEGACY_MAX_FINDINGS = 3;
/** Examples the text report shows per rule (JSON and SARIF list up to `maxFindings`). */
export const SAMPLE_LIMIT = 3;
/** Line numbers kept per malformed reason. */
export const MALFORMED_LINES_LIMIT = 5;
/** Endpoint templates kept with their own counts. */
export const TEMPLATE_LIMIT = 1000;

export type Counts = Record<string, number>;

export interface EndpointStats {
  count: number;
  /** By status code ("none" when no response was received). */
  statuses: Counts;
  /** By failure class (only failures are counted). */
  classes: Counts;
}

export interface FindingSample {
  readonly severity: Severity;
  readonly message: string;
  readonly location: Location;
  readonly evidence: Evidence;
  /** The failure class of the exchange (absent for plain successes and cross-exchange findings). */
  readonly class?: string;
}

export interface RuleFindings {
  /** Exact. */
  count: number;
  bySeverity: Partial<Record<Severity, number>>;
  /**
   * The findings, the first by location, at most the summary's `maxFindings` (fewer than `count`
   * when cut). The name is older than the list: it once held three examples.
   */
  samples: FindingSample[];
}

export interface MalformedStats {
  count: number;
  /** The first few locations (smallest line numbers). */
  first: Location[];
}

export interface SourceStats {
  format: SourceFormat;
  exchanges: number;
  malformed: number;
  capabilities: Capability[];
  /** True when the source ended early (truncated gzip or HAR): the counts cover what was read. */
  partial: boolean;
  /** One line: why the source is partial. */
  error?: string;
  /** The wrapper its lines were taken out of ("docker json-file", "cri", …), when wrapped. */
  wrapper?: string;
}

/** An input that could not be read at all and was left out of the analysis. */
export interface SkippedInput {
  readonly file: string;
  /** The stable InputError code, e.g. TRUESTATUS_INPUT_UNKNOWN_FORMAT (docs/errors.md). */
  readonly code: string;
  /** One line: what is wrong with it. */
  readonly reason: string;
}

export interface RuleCoverage {
  /**
   * Exchanges the rule was run on: those of the files that record what it needs, less the ones
   * it is about whose own record lacks it (see `notRecorded`).
   */
  checked: number;
  /** Files the rule could not be run on, with the capabilities they lack. */
  notChecked: Record<string, Capability[]>;
  /**
   * By file, then capability: exchanges the rule is about (a 2xx for a rule on success bodies)
   * whose record lacks what the file records for others (a HAR entry exported without its body,
   * credentials that a sanitized export may have removed). Not checked; absent when none.
   */
  notRecorded?: Record<string, Partial<Record<Capability, number>>>;
}

export interface Summary {
  schemaVersion: typeof SCHEMA_VERSION;
  /**
   * Findings listed per rule at most (`findings.*.samples`). Absent in the empty summary (no
   * limit yet) and in summaries written before it existed (read as LEGACY_MAX_FINDINGS).
   */
  maxFindings?: number;
  /** True when any source ended early. */
  partial: boolean;
  /** Exchanges analysed (malformed records not included). */
  exchanges: number;
  statuses: Counts;
  classes: Counts;
  /**
   * Answered failures (a class other than client_abort and network_error) that were not answered
   * truthfully: a soft error, or an error or warning finding on the exchange (docs/report.md).
   */
  untruthful: number;
  /** Status classes over time, for sources with timestamps (see timeline.ts). */
  timeline: Timeline;
  endpoints: Record<string, EndpointStats>;
  otherEndpoints: EndpointStats;
  findings: Record<string, RuleFindings>;
  malformed: { count: number; reasons: Record<string, MalformedStats> };
  sources: Record<string, SourceStats>;
  coverage: Record<string, RuleCoverage>;
  /** Cross-exchange state of rules with an aggregation hook, by rule id. */
  aggregates: Record<string, unknown>;
  /** Inputs left out because they could not be read (absent when none was), sorted by file. */
  skipped?: SkippedInput[];
}

export function emptyEndpoint(): EndpointStats {
  return { count: 0, statuses: {}, classes: {} };
}

export function emptySummary(): Summary {
  return {
    schemaVersion: SCHEMA_VERSION,
    partial: false,
    exchanges: 0,
    statuses: {},
    classes: {},
    untruthful: 0,
    timeline: emptyTimeline(),
    endpoints: {},
    otherEndpoints: emptyEndpoint(),
    findings: {},
    malformed: { count: 0, reasons: {} },
    sources: {},
    coverage: {},
    aggregates: {},
  };
}

// ---- ordering ---------------------------------------------------------------------------------

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Total order of locations: file, then line, then HAR entry. */
export function compareLocations(a: Location, b: Location): number {
  return (
    cmpStr(a.file, b.file) || (a.line ?? -1) - (b.line ?? -1) || (a.entry ?? -1) - (b.entry ?? -1)
  );
}

function compareSamples(a: FindingSample, b: FindingSample): number {
  return (
    compareLocations(a.location, b.location) ||
    cmpStr(a.message, b.message) ||
    cmpStr(JSON.stringify(a.evidence), JSON.stringify(b.evidence))
  );
}

/** Inserts into a list kept sorted and at most `limit` long; cheap when the item comes last. */
export function insertBounded<T>(
  list: T[],
  item: T,
  limit: number,
  cmp: (a: T, b: T) => number,
): void {
  const n = list.length;
  if (n >= limit && cmp(item, list[n - 1]!) >= 0) return;
  let i = n;
  while (i > 0 && cmp(item, list[i - 1]!) < 0) i--;
  list.splice(i, 0, item);
  if (list.length > limit) list.pop();
}

/** Whether a finding at `location` would be kept by a list of at most `limit` (cheap: no finding built). */
export function wouldKeep(
  list: readonly FindingSample[],
  location: Location,
  limit: number,
): boolean {
  const n = list.length;
  // Equal locations are decided by message and evidence: keep them to be exact.
  return n < limit || compareLocations(location, list[n - 1]!.location) <= 0;
}

export function addSample(
  list: FindingSample[],
  f: Finding | FindingSample,
  cls: string | undefined = "class" in f ? f.class : undefined,
  limit: number = DEFAULT_MAX_FINDINGS,
): void {
  if (!wouldKeep(list, f.location, limit)) return;
  const base: FindingSample = {
    severity: f.severity,
    message: f.message,
    location: f.location,
    evidence: f.evidence,
  };
  const sample = cls === undefined ? base : { ...base, class: cls };
  insertBounded(list, sample, limit, compareSamples);
}

/** The first `limit` of two lists sorted by compareSamples (a sorted merge, no re-sort). */
export function mergeSamples(
  a: readonly FindingSample[],
  b: readonly FindingSample[],
  limit: number,
): FindingSample[] {
  const out: FindingSample[] = [];
  let i = 0;
  let j = 0;
  while (out.length < limit && (i < a.length || j < b.length)) {
    if (j >= b.length || (i < a.length && compareSamples(a[i]!, b[j]!) <= 0)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/** The smaller of two limits, an absent one being no limit. */
export function minLimit(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

export function addLocation(list: Location[], loc: Location): void {
  insertBounded(list, loc, MALFORMED_LINES_LIMIT, compareLocations);
}

export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(record).sort(cmpStr)) out[k] = record[k]!;
  return out;
}

// ---- merging ----------------------------------------------------------------------------------

export function addCounts(into: Counts, from: Counts): Counts {
  for (const k of Object.keys(from)) into[k] = (into[k] ?? 0) + from[k]!;
  return into;
}

function mergeEndpoint(a: EndpointStats, b: EndpointStats): EndpointStats {
  return {
    count: a.count + b.count,
    statuses: sortKeys(addCounts({ ...a.statuses }, b.statuses)),
    classes: sortKeys(addCounts({ ...a.classes }, b.classes)),
  };
}

/**
 * Keeps the first `limit` endpoint keys in sort order; the others fold into `other`. This rule
 * commutes with merging (a key kept in a merge is kept in each part that saw it).
 */
export function capEndpoints(
  endpoints: Record<string, EndpointStats>,
  other: EndpointStats,
  limit = TEMPLATE_LIMIT,
): { endpoints: Record<string, EndpointStats>; other: EndpointStats } {
  const keys = Object.keys(endpoints).sort(cmpStr);
  const kept: Record<string, EndpointStats> = {};
  let rest = other;
  for (const [i, k] of keys.entries()) {
    if (i < limit) kept[k] = endpoints[k]!;
    else rest = mergeEndpoint(rest, endpoints[k]!);
  }
  return { endpoints: kept, other: rest };
}

const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

/**
 * Counts by severity with the keys in one order (error, warning, info), whatever order the
 * findings came in: equal summaries serialize to the same bytes.
 */
export function orderedSeverities(
  ...parts: readonly Partial<Record<Severity, number>>[]
): Partial<Record<Severity, number>> {
  const out: Partial<Record<Severity, number>> = {};
  for (const sev of SEVERITIES) {
    let n: number | undefined;
    for (const p of parts) {
      const v = p[sev];
      if (v !== undefined) n = (n ?? 0) + v;
    }
    if (n !== undefined) out[sev] = n;
  }
  return out;
}

function mergeFindings(a: RuleFindings, b: RuleFindings, limit: number): RuleFindings {
  const samples = mergeSamples(a.samples, b.samples, limit);
  return {
    count: a.count + b.count,
    bySeverity: orderedSeverities(a.bySeverity, b.bySeverity),
    samples,
  };
}

function mergeSource(a: SourceStats, b: SourceStats): SourceStats {
  const out: SourceStats = {
    format: a.format,
    exchanges: a.exchanges + b.exchanges,
    malformed: a.malformed + b.malformed,
    capabilities: [...new Set([...a.capabilities, ...b.capabilities])].sort(cmpStr),
    partial: a.partial || b.partial,
  };
  const errors = [a.error, b.error].filter((e): e is string => e !== undefined).sort(cmpStr);
  if (errors.length > 0) out.error = errors[0]!;
  const wrapper = a.wrapper ?? b.wrapper;
  if (wrapper !== undefined) out.wrapper = wrapper;
  return out;
}

function mergeRecords<T>(
  a: Record<string, T>,
  b: Record<string, T>,
  f: (x: T, y: T) => T,
): Record<string, T> {
  const out: Record<string, T> = { ...a };
  for (const k of Object.keys(b)) out[k] = k in out ? f(out[k]!, b[k]!) : b[k]!;
  return sortKeys(out);
}

/** Copies JSON data, so that merging never aliases (and never changes) its inputs' state. */
function copy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** JSON data with every object's keys in sort order: the same state always serializes the same. */
export function canonical<T>(v: T): T {
  if (Array.isArray(v)) return v.map(canonical) as T;
  if (typeof v !== "object" || v === null) return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort(cmpStr)) out[k] = canonical(o[k]);
  return out as T;
}

/**
 * Re-derives the findings of aggregation rules from their state (such a rule reports only through
 * its conclusion, never from check()). `rules` maps ids to rules;
 * aggregates of rules it does not know are kept as they are.
 */
export function concludeAggregates(summary: Summary, rules: ReadonlyMap<string, Rule>): Summary {
  const findings = { ...summary.findings };
  const limit = summary.maxFindings ?? DEFAULT_MAX_FINDINGS;
  for (const id of Object.keys(summary.aggregates)) {
    const agg = rules.get(id)?.aggregate;
    if (agg === undefined) continue;
    const c = agg.conclude(copy(summary.aggregates[id]), limit);
    if (c.count === 0) {
      delete findings[id];
      continue;
    }
    // A rule with an aggregation hook reports at its own severity.
    const rf: RuleFindings = {
      count: c.count,
      bySeverity: { [rules.get(id)!.meta.severity]: c.count },
      samples: [],
    };
    for (const f of c.samples) addSample(rf.samples, f, undefined, limit);
    findings[id] = rf;
  }
  return { ...summary, findings: sortKeys(findings) };
}

/**
 * Merges two summaries (of disjoint inputs) into the summary of both. Pure, associative,
 * commutative; `emptySummary()` is its identity.
 */
export function mergeSummaries(
  a: Summary,
  b: Summary,
  rules: ReadonlyMap<string, Rule>,
  templateLimit = TEMPLATE_LIMIT,
  timelineLimit = TIMELINE_LIMIT,
): Summary {
  const maxFindings = minLimit(a.maxFindings, b.maxFindings);
  const limit = maxFindings ?? Number.POSITIVE_INFINITY;
  const aggregates: Record<string, unknown> = { ...a.aggregates };
  for (const id of Object.keys(b.aggregates)) {
    const agg = rules.get(id)?.aggregate;
    if (!(id in aggregates)) aggregates[id] = copy(b.aggregates[id]);
    else if (agg !== undefined)
      aggregates[id] = agg.merge(copy(aggregates[id]), copy(b.aggregates[id]));
  }
  const { endpoints, other } = capEndpoints(
    mergeRecords(a.endpoints, b.endpoints, mergeEndpoint),
    mergeEndpoint(a.otherEndpoints, b.otherEndpoints),
    templateLimit,
  );
  const merged: Summary = {
    schemaVersion: SCHEMA_VERSION,
    ...(maxFindings !== undefined ? { maxFindings } : {}),
    partial: a.partial || b.partial,
    exchanges: a.exchanges + b.exchanges,
    statuses: sortKeys(addCounts({ ...a.statuses }, b.statuses)),
    classes: sortKeys(addCounts({ ...a.classes }, b.classes)),
    untruthful: a.untruthful + b.untruthful,
    timeline: mergeTimelines(a.timeline, b.timeline, timelineLimit),
    endpoints,
    otherEndpoints: other,
    findings: capFindings(
      mergeRecords(a.findings, b.findings, (x, y) => mergeFindings(x, y, limit)),
      limit,
    ),
    malformed: {
      count: a.malformed.count + b.malformed.count,
      reasons: mergeRecords(a.malformed.reasons, b.malformed.reasons, (x, y) => {
        const first = [...x.first];
        for (const l of y.first) addLocation(first, l);
        return { count: x.count + y.count, first };
      }),
    },
    sources: mergeRecords(a.sources, b.sources, mergeSource),
    coverage: mergeRecords(a.coverage, b.coverage, mergeCoverage),
    aggregates: canonical(aggregates),
  };
  const skipped = mergeSkipped(a.skipped, b.skipped);
  if (skipped !== undefined) merged.skipped = skipped;
  return concludeAggregates(merged, rules);
}

/** A rule's findings cut to `limit` (a summary merged with one of a smaller limit). */
function capFindings(
  findings: Record<string, RuleFindings>,
  limit: number,
): Record<string, RuleFindings> {
  for (const k of Object.keys(findings)) {
    const f = findings[k]!;
    if (f.samples.length > limit) findings[k] = { ...f, samples: f.samples.slice(0, limit) };
  }
  return findings;
}

function mergeCoverage(x: RuleCoverage, y: RuleCoverage): RuleCoverage {
  const out: RuleCoverage = {
    checked: x.checked + y.checked,
    notChecked: mergeRecords(x.notChecked, y.notChecked, (p, q) =>
      [...new Set([...p, ...q])].sort(cmpStr),
    ),
  };
  const notRecorded = mergeRecords(x.notRecorded ?? {}, y.notRecorded ?? {}, (p, q) =>
    sortKeys(addCounts({ ...p }, q as Counts)),
  );
  if (Object.keys(notRecorded).length > 0) out.notRecorded = notRecorded;
  return out;
}

/** Both lists of skipped inputs, one entry per file, sorted by file; undefined when both are empty. */
export function mergeSkipped(
  a: readonly SkippedInput[] | undefined,
  b: readonly SkippedInput[] | undefined,
): SkippedInput[] | undefined {
  if ((a === undefined || a.length === 0) && (b === undefined || b.length === 0)) return undefined;
  const byFile = new Map<string, SkippedInput>();
  for (const x of [...(a ?? []), ...(b ?? [])]) if (!byFile.has(x.file)) byFile.set(x.file, x);
  return [...byFile.values()].sort((x, y) => cmpStr(x.file, y.file));
}

/**
 * Shifts line numbers of one file by `offset` everywhere in a summary: a worker that analysed a
 * byte range counts lines from its own start; the parent adds the lines before that range.
 */
export function shiftLines<T>(value: T, file: string, offset: number): T {
  if (offset === 0) return value;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== "object" || v === null) return v;
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) out[k] = walk(o[k]);
    if (o.file === file && typeof o.line === "number") out.line = o.line + offset;
    return out;
  };
  return walk(value) as T;
}

/** Total findings at or above a severity. */
export function findingsAtLeast(summary: Summary, threshold: Severity): number {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  let n = 0;
  for (const rf of Object.values(summary.findings)) {
    for (const [sev, count] of Object.entries(rf.bySeverity) as [Severity, number][]) {
      if (rank[sev] <= rank[threshold]) n += count;
    }
  }
  return n;
}
