/**
 * The engine: streams exchanges through the rules a source can feed, and aggregates a mergeable
 * Summary (counts by status, class and endpoint template, findings with capped samples, malformed
 * records by reason, coverage). Rules are pure; all state lives here.
 */
import { DEFAULT_POLICY, type Policy } from "truestatus";
import { inspectSuccessBody } from "./body.js";
import { classify, UNANSWERED_CLASSES } from "./classify.js";
import type { Capability, Exchange, SourceFormat } from "./exchange.js";
import type { Finding, Rule, RuleContext } from "./rule.js";
import { RULE_RESPONSE_HEADERS } from "./rule-headers.js";
import { RULES } from "./rules/index.js";
import {
  isMalformed,
  type LoggedHeaders,
  type MalformedRecord,
  type SourceRecord,
} from "./source.js";
import {
  addLocation,
  addSample,
  canonical,
  concludeAggregates,
  type EndpointStats,
  emptyEndpoint,
  type MalformedStats,
  type RuleCoverage,
  type RuleFindings,
  SCHEMA_VERSION,
  type SourceStats,
  type Summary,
  sortKeys,
  TEMPLATE_LIMIT,
} from "./summary.js";
import { endpointTemplate, methodLabel, scannedMatches, scanTemplate } from "./template.js";
import {
  bucketStart,
  FIRST_WIDTH,
  fitBuckets,
  nextWidth,
  statusClass,
  TIMELINE_LIMIT,
  toTimeline,
} from "./timeline.js";

export interface EngineOptions {
  /** The rules to run; all of them (the registry) by default. */
  readonly rules?: readonly Rule[];
  readonly policy?: Policy;
  /** Endpoint templates kept with their own counts (the rest fold into "other"). */
  readonly templateLimit?: number;
  /** Time buckets kept at most (the bucket width grows to fit); see timeline.ts. */
  readonly timelineLimit?: number;
}

/** The rules by id, for merging and concluding summaries. */
export function ruleMap(rules: readonly Rule[] = RULES): ReadonlyMap<string, Rule> {
  return new Map(rules.map((r) => [r.id, r]));
}

interface EndpointAcc {
  count: number;
  /** Counts by status + 1 (index 0: no response) for -1..999; other values in `odd`. */
  statuses: Float64Array;
  odd?: Map<number, number>;
  classes: Record<string, number>;
}

interface SourceAcc {
  readonly format: SourceFormat;
  readonly capabilities: ReadonlySet<Capability>;
  readonly logged?: LoggedHeaders;
  exchanges: number;
  malformed: number;
  partial: boolean;
  error?: string;
}

/**
 * Capabilities a rule needs that a source lacks. A source that logs only some response headers
 * (`logged`) lacks "response.headers" for a rule whose headers (rule-headers.ts) are not among them.
 */
export function missingCapabilities(
  rule: Rule,
  capabilities: ReadonlySet<Capability>,
  logged?: LoggedHeaders,
): Capability[] {
  const missing = rule.meta.needs.filter((n) => !capabilities.has(n));
  const headers = RULE_RESPONSE_HEADERS[rule.id];
  if (
    logged?.response !== undefined &&
    headers !== undefined &&
    capabilities.has("response.headers") &&
    !headers.some((h) => logged.response!.has(h))
  )
    missing.push("response.headers");
  return missing;
}

const NO_RESPONSE = -1;
/**
 * A copy of a string that shares no memory with the line it was cut from (a slice of a line keeps
 * the whole decoded piece of the file alive). Used once per new template, never per line.
 */
function detach(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
}

/** Templates reachable by the fast route before it is reset (bounded memory). */
const FAST_LIMIT = 4096;

/** One analysis: feed it records through `source(...)`, then read `summary()`. */
export class Analysis {
  private readonly rules: readonly Rule[];
  private readonly byId: ReadonlyMap<string, Rule>;
  private readonly context: RuleContext;
  private readonly templateLimit: number;
  private readonly timelineLimit: number;
  private exchanges = 0;
  private untruthful = 0;
  /** Time bucket start (epoch seconds) → counts by status class; `width` seconds wide. */
  private readonly buckets = new Map<number, Record<string, number>>();
  private width: number = FIRST_WIDTH;
  /** Counts by status + 1 (index 0: no response), for 0..999; others in `oddStatuses`. */
  private readonly statusCounts = new Float64Array(1001);
  private readonly oddStatuses = new Map<number, number>();
  private readonly classes = new Map<string, number>();
  /** By method label, then template; `endpointCount` templates in all. */
  private readonly endpoints = new Map<string, Map<string, EndpointAcc>>();
  private endpointCount = 0;
  /** The fast route to endpoint accumulators: label → template hash → candidates. */
  private readonly fast = new Map<string, Map<number, { template: string; acc: EndpointAcc }[]>>();
  private fastSize = 0;
  private maxEndpoint: string | undefined;
  private readonly other: EndpointAcc = newAcc();
  private readonly findings = new Map<string, RuleFindings>();
  private readonly malformed = new Map<string, MalformedStats>();
  private malformedCount = 0;
  private readonly sources = new Map<string, SourceAcc>();
  private readonly aggregates = new Map<string, unknown>();

  constructor(options: EngineOptions = {}) {
    this.rules = options.rules ?? RULES;
    this.byId = ruleMap(this.rules);
    this.context = { policy: options.policy ?? DEFAULT_POLICY };
    this.templateLimit = options.templateLimit ?? TEMPLATE_LIMIT;
    this.timelineLimit = options.timelineLimit ?? TIMELINE_LIMIT;
  }

  /**
   * Declares a source and returns the function that takes its records. Rules whose `needs` the
   * source cannot meet are skipped for it, and the summary says so.
   */
  source(
    file: string,
    format: SourceFormat,
    capabilities: ReadonlySet<Capability>,
    logged?: LoggedHeaders,
  ): (record: SourceRecord) => void {
    let acc = this.sources.get(file);
    if (acc === undefined) {
      acc = {
        format,
        capabilities,
        ...(logged === undefined ? {} : { logged }),
        exchanges: 0,
        malformed: 0,
        partial: false,
      };
      this.sources.set(file, acc);
    }
    const src = acc;
    const checks: Rule[] = [];
    const aggregations: Rule[] = [];
    for (const r of this.rules) {
      if (missingCapabilities(r, capabilities, logged).length > 0) continue;
      if (r.aggregate !== undefined) aggregations.push(r);
      else checks.push(r);
    }
    const inspectBodies = capabilities.has("response.body");
    return (record) => {
      if (isMalformed(record)) {
        src.malformed++;
        this.addMalformed(record);
        return;
      }
      src.exchanges++;
      this.addExchange(record, checks, aggregations, inspectBodies);
    };
  }

  /** Records (exchanges and malformed) taken so far. */
  get records(): number {
    return this.exchanges + this.malformedCount;
  }

  /** Marks a source as ended early (truncated input): the summary is partial. */
  fail(file: string, message: string): void {
    const acc = this.sources.get(file);
    if (acc === undefined) return;
    acc.partial = true;
    if (acc.error === undefined) acc.error = message;
  }

  private addMalformed(r: MalformedRecord): void {
    this.malformedCount++;
    let m = this.malformed.get(r.reason);
    if (m === undefined) {
      m = { count: 0, first: [] };
      this.malformed.set(r.reason, m);
    }
    m.count++;
    const loc =
      r.line !== undefined
        ? { file: r.file, line: r.line }
        : r.entry !== undefined
          ? { file: r.file, entry: r.entry }
          : { file: r.file };
    addLocation(m.first, loc);
  }

  private addFinding(f: Finding, cls: string | undefined): void {
    let rf = this.findings.get(f.ruleId);
    if (rf === undefined) {
      rf = { count: 0, bySeverity: {}, samples: [] };
      this.findings.set(f.ruleId, rf);
    }
    rf.count++;
    rf.bySeverity[f.severity] = (rf.bySeverity[f.severity] ?? 0) + 1;
    addSample(rf.samples, f, cls);
  }

  private addTime(ms: number, status: number): void {
    const key = bucketStart(Math.floor(ms / 1000), this.width);
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = {};
      this.buckets.set(key, b);
    }
    const c = statusClass(status === NO_RESPONSE ? undefined : status);
    b[c] = (b[c] ?? 0) + 1;
    if (this.buckets.size > this.timelineLimit)
      this.width = fitBuckets(this.buckets, nextWidth(this.width), this.timelineLimit, this.width);
  }

  private addExchange(
    ex: Exchange,
    checks: readonly Rule[],
    aggregations: readonly Rule[],
    inspectBodies: boolean,
  ): void {
    this.exchanges++;
    const res = ex.response;
    const status = res === undefined ? NO_RESPONSE : res.status;
    let bodyKind: "partial" | "rpc_error" | "soft_error" | undefined;
    if (inspectBodies && status >= 200 && status < 300 && res!.body !== undefined) {
      const v = inspectSuccessBody(ex);
      if (v.kind === "error") bodyKind = "soft_error";
      else if (v.kind === "partial" || v.kind === "rpc_error") bodyKind = v.kind;
    } else if (status === 207) bodyKind = "partial";
    const cls = classify(ex, bodyKind);
    const ctx = this.context;
    let flagged = cls === "soft_error";
    for (let i = 0; i < checks.length; i++) {
      const found = checks[i]!.check(ex, ctx);
      for (let j = 0; j < found.length; j++) {
        const f = found[j]!;
        if (f.severity !== "info") flagged = true;
        this.addFinding(f, cls);
      }
    }
    for (let i = 0; i < aggregations.length; i++) {
      const rule = aggregations[i]!;
      const agg = rule.aggregate!;
      const state = agg.observe(ex, ctx);
      if (state === undefined) continue;
      const prev = this.aggregates.get(rule.id);
      this.aggregates.set(rule.id, prev === undefined ? state : agg.merge(prev, state));
    }
    if (status >= NO_RESPONSE && status < 1000) this.statusCounts[status + 1]!++;
    else this.oddStatuses.set(status, (this.oddStatuses.get(status) ?? 0) + 1);
    if (cls !== undefined) {
      this.classes.set(cls, (this.classes.get(cls) ?? 0) + 1);
      if (flagged && !UNANSWERED_CLASSES.has(cls)) this.untruthful++;
    }
    if (ex.time !== undefined && Number.isFinite(ex.time)) this.addTime(ex.time, status);
    const ep = this.endpoint(ex.request.method, ex.request.path);
    ep.count++;
    if (status >= NO_RESPONSE && status < STATUS_SLOTS - 1) ep.statuses[status + 1]!++;
    else {
      ep.odd ??= new Map();
      ep.odd.set(status, (ep.odd.get(status) ?? 0) + 1);
    }
    if (cls !== undefined) ep.classes[cls] = (ep.classes[cls] ?? 0) + 1;
  }

  /**
   * The accumulator of a request's endpoint, or "other" when its key ("GET /users/{id}") is past
   * the first templateLimit keys in sort order. Two levels (method, then template) so that the
   * hot path never builds the key string.
   */
  private endpoint(method: string, path: string): EndpointAcc {
    const label = methodLabel(method);
    // Fast route: hash the template without building it, and check the few candidates.
    const h = scanTemplate(path);
    if (!Number.isNaN(h)) {
      let byHash = this.fast.get(label);
      if (byHash === undefined) {
        byHash = new Map();
        this.fast.set(label, byHash);
      }
      const list = byHash.get(h);
      if (list !== undefined) {
        for (let i = 0; i < list.length; i++)
          if (scannedMatches(path, list[i]!.template)) return list[i]!.acc;
      }
      const template = detach(endpointTemplate(path));
      const acc = this.endpointOf(label, template);
      if (this.fastSize >= FAST_LIMIT) this.clearFast();
      this.fastSize++;
      if (list === undefined) byHash.set(h, [{ template, acc }]);
      else list.push({ template, acc });
      return acc;
    }
    return this.endpointOf(label, endpointTemplate(path));
  }

  private clearFast(): void {
    this.fast.clear();
    this.fastSize = 0;
  }

  private endpointOf(label: string, template: string): EndpointAcc {
    let byTemplate = this.endpoints.get(label);
    if (byTemplate === undefined) {
      byTemplate = new Map();
      this.endpoints.set(label, byTemplate);
    }
    const hit = byTemplate.get(template);
    if (hit !== undefined) return hit;
    const key = `${label} ${template}`;
    if (this.endpointCount >= this.templateLimit) {
      const max = this.maxEndpoint ?? this.findMax();
      if (key > max) return this.other;
      // Evict the largest key into "other", so that the kept set is the first N in sort order.
      const cut = max.indexOf(" ");
      const m = this.endpoints.get(max.slice(0, cut))!;
      mergeAcc(this.other, m.get(max.slice(cut + 1))!);
      m.delete(max.slice(cut + 1));
      // The fast route may point at the evicted accumulator.
      this.clearFast();
      this.endpointCount--;
      this.maxEndpoint = undefined;
    }
    const acc = newAcc();
    byTemplate.set(detach(template), acc);
    this.endpointCount++;
    if (this.maxEndpoint !== undefined && key > this.maxEndpoint) this.maxEndpoint = key;
    return acc;
  }

  private findMax(): string {
    let max = "";
    for (const [label, m] of this.endpoints)
      for (const t of m.keys()) {
        const k = `${label} ${t}`;
        if (k > max) max = k;
      }
    this.maxEndpoint = max;
    return max;
  }

  private statusMap(): Map<number, number> {
    const m = new Map(this.oddStatuses);
    for (let i = 0; i < this.statusCounts.length; i++)
      if (this.statusCounts[i]! > 0) m.set(i - 1, this.statusCounts[i]!);
    return m;
  }

  /** The summary of everything fed so far. */
  summary(): Summary {
    const coverage: Record<string, RuleCoverage> = {};
    for (const r of this.rules) coverage[r.id] = { checked: 0, notChecked: {} };
    const sources: Record<string, SourceStats> = {};
    let partial = false;
    for (const [file, s] of this.sources) {
      const st: SourceStats = {
        format: s.format,
        exchanges: s.exchanges,
        malformed: s.malformed,
        capabilities: [...s.capabilities].sort(),
        partial: s.partial,
      };
      if (s.error !== undefined) st.error = s.error;
      sources[file] = st;
      partial ||= s.partial;
      for (const r of this.rules) {
        const missing = missingCapabilities(r, s.capabilities, s.logged);
        if (missing.length === 0) coverage[r.id]!.checked += s.exchanges;
        // A probe-only rule is no coverage gap of recorded traffic: no log could feed it.
        else if (!missing.includes("probe")) coverage[r.id]!.notChecked[file] = missing.sort();
      }
    }
    const endpoints: Record<string, EndpointStats> = {};
    for (const [label, m] of this.endpoints)
      for (const [t, acc] of m) endpoints[`${label} ${t}`] = toStats(acc);
    const reasons: Record<string, MalformedStats> = {};
    for (const [k, m] of this.malformed) reasons[k] = { count: m.count, first: [...m.first] };
    const findings: Record<string, RuleFindings> = {};
    for (const [k, f] of this.findings)
      findings[k] = { count: f.count, bySeverity: { ...f.bySeverity }, samples: [...f.samples] };
    const aggregates: Record<string, unknown> = {};
    for (const [k, v] of this.aggregates) aggregates[k] = canonical(v);
    const summary: Summary = {
      schemaVersion: SCHEMA_VERSION,
      partial,
      exchanges: this.exchanges,
      statuses: sortKeys(
        countsOf(this.statusMap(), (s) => (s === NO_RESPONSE ? "none" : String(s))),
      ),
      classes: sortKeys(countsOf(this.classes, (c) => c)),
      untruthful: this.untruthful,
      timeline: toTimeline(this.buckets, this.width),
      endpoints: sortKeys(endpoints),
      otherEndpoints: toStats(this.other),
      findings: sortKeys(findings),
      malformed: { count: this.malformedCount, reasons: sortKeys(reasons) },
      sources: sortKeys(sources),
      coverage: sortKeys(coverage),
      aggregates: canonical(aggregates),
    };
    return concludeAggregates(summary, this.byId);
  }
}

function countsOf<K>(m: ReadonlyMap<K, number>, key: (k: K) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of m) out[key(k)] = v;
  return out;
}

const STATUS_SLOTS = 1001;

function newAcc(): EndpointAcc {
  return { count: 0, statuses: new Float64Array(STATUS_SLOTS), classes: {} };
}

function mergeAcc(into: EndpointAcc, from: EndpointAcc): void {
  into.count += from.count;
  for (let i = 0; i < STATUS_SLOTS; i++) into.statuses[i]! += from.statuses[i]!;
  if (from.odd !== undefined) {
    into.odd ??= new Map();
    for (const [k, v] of from.odd) into.odd.set(k, (into.odd.get(k) ?? 0) + v);
  }
  for (const k of Object.keys(from.classes))
    into.classes[k] = (into.classes[k] ?? 0) + from.classes[k]!;
}

function toStats(acc: EndpointAcc): EndpointStats {
  const stats = emptyEndpoint();
  stats.count = acc.count;
  const statuses: Record<string, number> = {};
  for (let i = 0; i < STATUS_SLOTS; i++) {
    const n = acc.statuses[i]!;
    if (n > 0) statuses[i === 0 ? "none" : String(i - 1)] = n;
  }
  for (const [k, v] of acc.odd ?? []) statuses[String(k)] = v;
  stats.statuses = sortKeys(statuses);
  stats.classes = sortKeys({ ...acc.classes });
  return stats;
}

/** A source as the engine reads it (the shape `openSource` returns). */
export interface RecordSource {
  readonly file: string;
  readonly format: SourceFormat;
  readonly capabilities: ReadonlySet<Capability>;
  /** When the source logs only some headers: their names. */
  readonly loggedHeaders?: LoggedHeaders;
  records(): AsyncIterable<SourceRecord> | Iterable<SourceRecord>;
  /** The same records in batches, when the source has them (far fewer awaits). */
  batches?(): AsyncIterable<readonly SourceRecord[]>;
}

const PROGRESS_EVERY = 100_000;

/** An input error that still leaves what was read usable: the summary is marked partial. */
export function isTruncation(e: unknown): e is Error & { code: string } {
  return (
    typeof e === "object" &&
    e !== null &&
    (e as { code?: unknown }).code === "TRUESTATUS_INPUT_TRUNCATED"
  );
}

/**
 * Feeds a whole source into an analysis. A truncated input marks the source partial and returns
 * the error (the caller reports it after the summary); any other error is thrown.
 */
export async function feed(
  analysis: Analysis,
  src: RecordSource,
  onProgress?: (records: number) => void,
): Promise<Error | undefined> {
  const add = analysis.source(src.file, src.format, src.capabilities, src.loggedHeaders);
  let n = 0;
  let next = PROGRESS_EVERY;
  try {
    if (src.batches !== undefined) {
      for await (const batch of src.batches()) {
        for (let i = 0; i < batch.length; i++) add(batch[i]!);
        n += batch.length;
        if (n >= next && onProgress !== undefined) {
          onProgress(n);
          next = n + PROGRESS_EVERY;
        }
      }
    } else {
      for await (const r of src.records()) {
        add(r);
        if (++n >= next && onProgress !== undefined) {
          onProgress(n);
          next = n + PROGRESS_EVERY;
        }
      }
    }
  } catch (e) {
    if (!isTruncation(e)) throw e;
    analysis.fail(src.file, e.message);
    return e;
  }
  return undefined;
}

/** Analyses exchanges held in memory (tests, probes): one source, all records. */
export function analyzeExchanges(
  records: Iterable<SourceRecord>,
  source: {
    file: string;
    format: SourceFormat;
    capabilities: ReadonlySet<Capability>;
    loggedHeaders?: LoggedHeaders;
  },
  options: EngineOptions = {},
): Summary {
  const a = new Analysis(options);
  const add = a.source(source.file, source.format, source.capabilities, source.loggedHeaders);
  for (const r of records) add(r);
  return a.summary();
}
