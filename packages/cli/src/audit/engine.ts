/**
 * The engine: streams exchanges through the rules a source can feed, and aggregates a mergeable
 * Summary (counts by status, class and endpoint template, findings with capped samples, malformed
 * records by reason, coverage). Rules are pure; all state lives here.
 */
import { DEFAULT_POLICY, type Policy } from "truestatus";
import { inspectSuccessBody } from "./body.js";
import {
  classify,
  classifyStatus,
  SUMMARY_CLASSES,
  type SummaryClass,
  UNANSWERED_CLASSES,
} from "./classify.js";
import type { Capability, Exchange, SourceFormat } from "./exchange.js";
import { lineVisitor } from "./flat.js";
import type { Evidence, Finding, Rule, RuleContext, Screen } from "./rule.js";
import { RULE_RESPONSE_HEADERS } from "./rule-headers.js";
import { RULES } from "./rules/index.js";
import { anyScreen, rememberedScreen } from "./screen.js";
import {
  type FlatRecord,
  isMalformed,
  type LineFormat,
  type LoggedHeaders,
  type MalformedRecord,
  type SourceRecord,
} from "./source.js";
import type { LineVisitor } from "./sources/byte-lines.js";
import {
  addLocation,
  addSample,
  canonical,
  concludeAggregates,
  DEFAULT_MAX_FINDINGS,
  type EndpointStats,
  emptyEndpoint,
  type MalformedStats,
  orderedSeverities,
  type RuleCoverage,
  type RuleFindings,
  SCHEMA_VERSION,
  type SourceStats,
  type Summary,
  sortKeys,
  TEMPLATE_LIMIT,
  wouldKeep,
} from "./summary.js";
import {
  endpointTemplate,
  labelIndex,
  methodLabel,
  NOT_ASCII,
  scannedCheck,
  scannedPathEnd,
  scanTemplate,
  scanTemplateBytes,
} from "./template.js";
import { TemplateCache } from "./template-cache.js";

/** A latin1 string of bytes[start, end) (a path readFlat read: ASCII). */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");
}

import {
  bucketStart,
  FIRST_WIDTH,
  fitBuckets,
  nextWidth,
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
  /** Findings listed per rule at most (`--max-findings`); counts stay exact. */
  readonly maxFindings?: number;
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
  /** Counts by class, indexed as SUMMARY_CLASSES. */
  classes: Float64Array;
}

/** Index of each class in SUMMARY_CLASSES (counts are kept in arrays: no string keys per line). */
const CLASS_INDEX: ReadonlyMap<string, number> = new Map(SUMMARY_CLASSES.map((c, i) => [c, i]));
const CLASS_COUNT = SUMMARY_CLASSES.length;
/** By class index: the class is one the server never answered (UNANSWERED_CLASSES). */
const UNANSWERED_BY_INDEX = SUMMARY_CLASSES.map((c) => UNANSWERED_CLASSES.has(c));

/** The timeline's status classes, as timeline.ts names them, by index. */
const TIME_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx", "none", "other"] as const;
function timeClassIndex(status: number): number {
  if (status === NO_RESPONSE) return 5;
  if (status < 100 || status > 599) return 6;
  return Math.floor(status / 100) - 1;
}

interface SourceAcc {
  readonly format: SourceFormat;
  readonly capabilities: ReadonlySet<Capability>;
  readonly logged?: LoggedHeaders;
  exchanges: number;
  malformed: number;
  partial: boolean;
  error?: string;
  /** By rule id: exchanges the rule is about whose record lacks what it needs (see RuleCoverage). */
  readonly notRecorded: Map<string, { total: number; byCapability: Map<Capability, number> }>;
}

/**
 * Capabilities a source may declare and still not have on every exchange, as bits: an exchange of
 * a HAR may come without its body, a sanitized export may hide whether credentials were sent.
 * (Headers are not among them: a source that records headers records their absence too.)
 */
const RECORDED_BITS: ReadonlyMap<Capability, number> = new Map<Capability, number>([
  ["response.body", 1],
  ["response.size", 2],
  ["request.credentials", 4],
]);

/** Whether a response with this status to this method has no body by protocol (nothing to record). */
function noBodyByProtocol(status: number, method: string): boolean {
  return status < 200 || status === 204 || status === 205 || status === 304 || method === "HEAD";
}

/** The RECORDED_BITS this exchange's record has. */
function recordedBits(ex: Exchange): number {
  let bits = 0;
  const req = ex.request;
  const c = req.credentials;
  if (c === "present" || c === "absent") bits |= 4;
  const res = ex.response;
  // No response: nothing of it could have been recorded, so nothing is missing.
  if (res === undefined) return bits | 1 | 2;
  if (res.body !== undefined || noBodyByProtocol(res.status, req.method)) bits |= 1;
  if (res.size !== undefined) bits |= 2;
  return bits;
}

/** A rule as one source runs it: its screen and the RECORDED_BITS it needs on each exchange. */
interface Planned {
  readonly rule: Rule;
  readonly screen: Rule["screen"];
  readonly needs: number;
}

function plan(rule: Rule, capabilities: ReadonlySet<Capability>): Planned {
  let needs = 0;
  for (const c of rule.meta.needs) {
    const bit = RECORDED_BITS.get(c);
    if (bit !== undefined && capabilities.has(c)) needs |= bit;
  }
  return { rule, screen: rule.screen && rememberedScreen(rule.screen), needs };
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
/** The flat way in of a source whose every line must be seen whole. */
const NEVER_FLAT = (): boolean => false;
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
  private readonly maxFindings: number;
  private exchanges = 0;
  private untruthful = 0;
  /** Time bucket start (epoch seconds) → counts by status class (TIME_CLASSES); `width` seconds wide. */
  private buckets = new Map<number, Float64Array>();
  /** The bucket the last exchange went to (lines come in time order: most share it), and its span in ms. */
  private lastBucketKey = Number.NaN;
  private lastBucket: Float64Array | undefined;
  private lastBucketFrom = Number.POSITIVE_INFINITY;
  private lastBucketTo = Number.NEGATIVE_INFINITY;
  private width: number = FIRST_WIDTH;
  /** Counts by status + 1 (index 0: no response), for 0..999; others in `oddStatuses`. */
  private readonly statusCounts = new Float64Array(1001);
  private readonly oddStatuses = new Map<number, number>();
  /** Counts by class index (SUMMARY_CLASSES). */
  private readonly classCounts = new Float64Array(CLASS_COUNT);
  /** By method label, then template; `endpointCount` templates in all. */
  private readonly endpoints = new Map<string, Map<string, EndpointAcc>>();
  private endpointCount = 0;
  /** The fast route to endpoint accumulators: by label and the template's scan. */
  private readonly fast = new TemplateCache<EndpointAcc>(FAST_LIMIT);
  private maxEndpoint: string | undefined;
  private readonly other: EndpointAcc = newAcc();
  private readonly findings = new Map<string, RuleFindings>();
  private readonly malformed = new Map<string, MalformedStats>();
  private malformedCount = 0;
  private readonly sources = new Map<string, SourceAcc>();
  private readonly aggregates = new Map<string, unknown>();
  /** Texts of the findings kept, interned (see intern). */
  private readonly texts = new Map<string, string>();
  /** By status code (0..999): its class index for flat records (-1: none; -2: not computed yet). */
  private readonly statusClasses = new Int8Array(1000).fill(-2);

  constructor(options: EngineOptions = {}) {
    this.rules = options.rules ?? RULES;
    this.byId = ruleMap(this.rules);
    this.context = { policy: options.policy ?? DEFAULT_POLICY };
    this.templateLimit = options.templateLimit ?? TEMPLATE_LIMIT;
    this.timelineLimit = options.timelineLimit ?? TIMELINE_LIMIT;
    this.maxFindings = options.maxFindings ?? DEFAULT_MAX_FINDINGS;
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
    const src = this.sourceAcc(file, format, capabilities, logged);
    const checks: Planned[] = [];
    const aggregations: Planned[] = [];
    for (const r of this.rules) {
      if (missingCapabilities(r, capabilities, logged).length > 0) continue;
      if (r.aggregate !== undefined) aggregations.push(plan(r, capabilities));
      else checks.push(plan(r, capabilities));
    }
    const inspectBodies = capabilities.has("response.body");
    return (record) => {
      if (isMalformed(record)) {
        src.malformed++;
        this.addMalformed(record);
        return;
      }
      src.exchanges++;
      this.addExchange(src, record, checks, aggregations, inspectBodies);
    };
  }

  private sourceAcc(
    file: string,
    format: SourceFormat,
    capabilities: ReadonlySet<Capability>,
    logged?: LoggedHeaders,
  ): SourceAcc {
    let acc = this.sources.get(file);
    if (acc === undefined) {
      acc = {
        format,
        capabilities,
        ...(logged === undefined ? {} : { logged }),
        exchanges: 0,
        malformed: 0,
        partial: false,
        notRecorded: new Map(),
      };
      this.sources.set(file, acc);
    }
    return acc;
  }

  /**
   * The fast way in for lines a LineFormat reads with readFlat: a line no rule is about is counted
   * from its flat record alone (true). False, with nothing counted, when a rule is about it (or
   * the source's rules or capabilities need more than the record): the caller then parses the
   * line and hands the exchange to the function `source` returns. The counts are those that
   * exchange would add (a property test holds the two ways equal).
   */
  flat(
    file: string,
    format: SourceFormat,
    capabilities: ReadonlySet<Capability>,
    logged?: LoggedHeaders,
  ): (rec: FlatRecord) => boolean {
    const src = this.sourceAcc(file, format, capabilities, logged);
    const screens: Screen[] = [];
    for (const r of this.rules) {
      if (missingCapabilities(r, capabilities, logged).length > 0) continue;
      // A rule about every exchange, or one that judges across them, sees each one whole.
      if (r.screen === undefined || r.aggregate !== undefined) return NEVER_FLAT;
      screens.push(r.screen);
    }
    // Classes that depend on more than the status (upstream facts, bodies) need the exchange.
    if (capabilities.has("upstream") || capabilities.has("response.body")) return NEVER_FLAT;
    const about = rememberedScreen(anyScreen(screens));
    return (rec) => {
      const status = rec.status;
      if (about(status, rec.method, rec.size)) return false;
      const h = scanTemplateBytes(rec.bytes, rec.pathStart, rec.targetEnd);
      if (h === NOT_ASCII) return false;
      src.exchanges++;
      this.exchanges++;
      const cls =
        status >= 0 && status < 1000
          ? this.statusClass(status)
          : classIndex(classifyStatus(status));
      const ep = this.endpointScanned(
        rec.method,
        h,
        undefined,
        rec.bytes,
        rec.pathStart,
        scannedPathEnd(),
      );
      this.count(status, cls, false, rec.time, ep);
      return true;
    };
  }

  /** classifyStatus's class index, remembered per status code. */
  private statusClass(status: number): number {
    let c = this.statusClasses[status]!;
    if (c === -2) {
      c = classIndex(classifyStatus(status));
      this.statusClasses[status] = c;
    }
    return c;
  }

  /** Counts an exchange the rule is about and could not check (`missing`: RECORDED_BITS). */
  private notRecorded(src: SourceAcc, rule: Rule, missing: number): void {
    let r = src.notRecorded.get(rule.id);
    if (r === undefined) {
      r = { total: 0, byCapability: new Map() };
      src.notRecorded.set(rule.id, r);
    }
    r.total++;
    for (const [cap, bit] of RECORDED_BITS)
      if ((missing & bit) !== 0) r.byCapability.set(cap, (r.byCapability.get(cap) ?? 0) + 1);
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
    const samples = rf.samples;
    if (!wouldKeep(samples, f.location, this.maxFindings)) return;
    // The findings listed are kept to the end: their texts, which repeat from one finding to
    // the next (the same message, the same request), are kept once.
    const ev = f.evidence;
    const evidence: Evidence = {
      request: this.intern(ev.request),
      ...(ev.status !== undefined ? { status: ev.status } : {}),
      ...(ev.excerpt !== undefined ? { excerpt: this.intern(ev.excerpt) } : {}),
    };
    addSample(
      samples,
      { severity: f.severity, message: this.intern(f.message), location: f.location, evidence },
      cls,
      this.maxFindings,
    );
  }

  /** One string for equal texts of the findings kept (bounded: the table is reset when big). */
  private intern(s: string): string {
    const hit = this.texts.get(s);
    if (hit !== undefined) return hit;
    if (this.texts.size >= 50_000) this.texts.clear();
    this.texts.set(s, s);
    return s;
  }

  private addTime(ms: number, status: number): void {
    if (ms >= this.lastBucketFrom && ms < this.lastBucketTo) {
      this.lastBucket![timeClassIndex(status)]!++;
      return;
    }
    const key = bucketStart(Math.floor(ms / 1000), this.width);
    let b: Float64Array | undefined;
    if (key === this.lastBucketKey) b = this.lastBucket!;
    else {
      b = this.buckets.get(key);
      if (b === undefined) {
        b = new Float64Array(TIME_CLASSES.length);
        this.buckets.set(key, b);
      }
      this.lastBucketKey = key;
      this.lastBucket = b;
      this.lastBucketFrom = key * 1000;
      this.lastBucketTo = (key + this.width) * 1000;
    }
    b[timeClassIndex(status)]!++;
    if (this.buckets.size > this.timelineLimit) this.widen();
  }

  /** Re-buckets the timeline to the next width that fits (timeline.ts's fitBuckets). */
  private widen(): void {
    const counts = bucketCounts(this.buckets);
    this.width = fitBuckets(counts, nextWidth(this.width), this.timelineLimit, this.width);
    this.buckets = new Map();
    for (const [k, c] of counts) {
      const arr = new Float64Array(TIME_CLASSES.length);
      for (let i = 0; i < TIME_CLASSES.length; i++) arr[i] = c[TIME_CLASSES[i]!] ?? 0;
      this.buckets.set(k, arr);
    }
    this.lastBucketKey = Number.NaN;
    this.lastBucket = undefined;
    this.lastBucketFrom = Number.POSITIVE_INFINITY;
    this.lastBucketTo = Number.NEGATIVE_INFINITY;
  }

  private addExchange(
    src: SourceAcc,
    ex: Exchange,
    checks: readonly Planned[],
    aggregations: readonly Planned[],
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
    const clsName = classify(ex, bodyKind);
    const cls = classIndex(clsName);
    const ctx = this.context;
    const method = ex.request.method;
    const size = res?.size ?? -1;
    let flagged = clsName === "soft_error";
    // What this exchange's record has, computed once and only if a rule asks (-1: not yet).
    let recorded = -1;
    for (let i = 0; i < checks.length; i++) {
      const p = checks[i]!;
      if (p.screen !== undefined && !p.screen(status, method, size)) continue;
      if (p.needs !== 0) {
        if (recorded === -1) recorded = recordedBits(ex);
        const missing = p.needs & ~recorded;
        if (missing !== 0) {
          this.notRecorded(src, p.rule, missing);
          continue;
        }
      }
      const found = p.rule.check(ex, ctx);
      for (let j = 0; j < found.length; j++) {
        const f = found[j]!;
        if (f.severity !== "info") flagged = true;
        this.addFinding(f, clsName);
      }
    }
    for (let i = 0; i < aggregations.length; i++) {
      const p = aggregations[i]!;
      if (p.screen !== undefined && !p.screen(status, method, size)) continue;
      if (p.needs !== 0) {
        if (recorded === -1) recorded = recordedBits(ex);
        const missing = p.needs & ~recorded;
        if (missing !== 0) {
          this.notRecorded(src, p.rule, missing);
          continue;
        }
      }
      const rule = p.rule;
      const agg = rule.aggregate!;
      const state = agg.observe(ex, ctx);
      if (state === undefined) continue;
      const prev = this.aggregates.get(rule.id);
      this.aggregates.set(rule.id, prev === undefined ? state : agg.merge(prev, state));
    }
    this.count(status, cls, flagged, ex.time, this.endpoint(ex.request.method, ex.request.path));
  }

  /** The counts an exchange adds to, once its class (index; -1: none) is known and its rules have run. */
  private count(
    status: number,
    cls: number,
    flagged: boolean,
    time: number | undefined,
    ep: EndpointAcc,
  ): void {
    if (status >= NO_RESPONSE && status < 1000) this.statusCounts[status + 1]!++;
    else this.oddStatuses.set(status, (this.oddStatuses.get(status) ?? 0) + 1);
    if (cls >= 0) {
      this.classCounts[cls]!++;
      if (flagged && !UNANSWERED_BY_INDEX[cls]) this.untruthful++;
    }
    if (time !== undefined && Number.isFinite(time)) this.addTime(time, status);
    ep.count++;
    if (status >= NO_RESPONSE && status < STATUS_SLOTS - 1) ep.statuses[status + 1]!++;
    else {
      ep.odd ??= new Map();
      ep.odd.set(status, (ep.odd.get(status) ?? 0) + 1);
    }
    if (cls >= 0) ep.classes[cls]!++;
  }

  /**
   * The accumulator of a request's endpoint, or "other" when its key ("GET /users/{id}") is past
   * the first templateLimit keys in sort order. Two levels (method, then template) so that the
   * hot path never builds the key string.
   */
  private endpoint(method: string, path: string): EndpointAcc {
    return this.endpointScanned(methodLabel(method), scanTemplate(path), path, undefined, 0, 0);
  }

  /**
   * The accumulator of the endpoint whose template hash `h` (scanTemplate or scanTemplateBytes:
   * its scan is the last one) was just computed, for the path `path`, or bytes[start, end) when
   * there is no string (decoded only when a template must be built).
   */
  private endpointScanned(
    label: string,
    h: number,
    path: string | undefined,
    bytes: Uint8Array | undefined,
    start: number,
    end: number,
  ): EndpointAcc {
    // Fast route: the template's key, hashed without building it (template-cache.ts).
    if (!Number.isNaN(h)) {
      const li = labelIndex(label);
      const check = scannedCheck();
      const hit = this.fast.get(li, h, check);
      if (hit !== undefined) return hit;
      const acc = this.endpointOf(label, endpointTemplate(path ?? latin1(bytes!, start, end)));
      this.fast.set(li, h, check, acc);
      return acc;
    }
    return this.endpointOf(label, endpointTemplate(path ?? latin1(bytes!, start, end)));
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
      this.fast.clear();
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
        const cov = coverage[r.id]!;
        if (missing.length === 0) {
          const nr = s.notRecorded.get(r.id);
          cov.checked += s.exchanges - (nr?.total ?? 0);
          if (nr !== undefined) {
            cov.notRecorded ??= {};
            cov.notRecorded[file] = sortKeys(
              Object.fromEntries(nr.byCapability) as Record<string, number>,
            );
          }
        }
        // A probe-only rule is no coverage gap of recorded traffic: no log could feed it.
        else if (!missing.includes("probe")) cov.notChecked[file] = missing.sort();
      }
    }
    const endpoints: Record<string, EndpointStats> = {};
    for (const [label, m] of this.endpoints)
      for (const [t, acc] of m) endpoints[`${label} ${t}`] = toStats(acc);
    const reasons: Record<string, MalformedStats> = {};
    for (const [k, m] of this.malformed) reasons[k] = { count: m.count, first: [...m.first] };
    const findings: Record<string, RuleFindings> = {};
    for (const [k, f] of this.findings)
      findings[k] = {
        count: f.count,
        bySeverity: orderedSeverities(f.bySeverity),
        samples: [...f.samples],
      };
    const aggregates: Record<string, unknown> = {};
    for (const [k, v] of this.aggregates) aggregates[k] = canonical(v);
    for (const c of Object.values(coverage))
      if (c.notRecorded !== undefined) c.notRecorded = sortKeys(c.notRecorded);
    const summary: Summary = {
      schemaVersion: SCHEMA_VERSION,
      maxFindings: this.maxFindings,
      partial,
      exchanges: this.exchanges,
      statuses: sortKeys(
        countsOf(this.statusMap(), (s) => (s === NO_RESPONSE ? "none" : String(s))),
      ),
      classes: sortKeys(classCounts(this.classCounts)),
      untruthful: this.untruthful,
      timeline: toTimeline(bucketCounts(this.buckets), this.width),
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

/** The index of a class in SUMMARY_CLASSES, -1 for none. */
function classIndex(cls: SummaryClass | undefined): number {
  return cls === undefined ? -1 : (CLASS_INDEX.get(cls) ?? -1);
}

/** Counts by class name, for the classes counted at least once. */
function classCounts(counts: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < CLASS_COUNT; i++) if (counts[i]! > 0) out[SUMMARY_CLASSES[i]!] = counts[i]!;
  return out;
}

/** The timeline's buckets as timeline.ts counts them (by class name, only those counted). */
function bucketCounts(
  buckets: ReadonlyMap<number, Float64Array>,
): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  for (const [k, arr] of buckets) {
    const c: Record<string, number> = {};
    for (let i = 0; i < TIME_CLASSES.length; i++) if (arr[i]! > 0) c[TIME_CLASSES[i]!] = arr[i]!;
    out.set(k, c);
  }
  return out;
}

function countsOf<K>(m: ReadonlyMap<K, number>, key: (k: K) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of m) out[key(k)] = v;
  return out;
}

const STATUS_SLOTS = 1001;

function newAcc(): EndpointAcc {
  return {
    count: 0,
    statuses: new Float64Array(STATUS_SLOTS),
    classes: new Float64Array(CLASS_COUNT),
  };
}

function mergeAcc(into: EndpointAcc, from: EndpointAcc): void {
  into.count += from.count;
  for (let i = 0; i < STATUS_SLOTS; i++) into.statuses[i]! += from.statuses[i]!;
  if (from.odd !== undefined) {
    into.odd ??= new Map();
    for (const [k, v] of from.odd) into.odd.set(k, (into.odd.get(k) ?? 0) + v);
  }
  for (let i = 0; i < CLASS_COUNT; i++) into.classes[i]! += from.classes[i]!;
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
  stats.classes = sortKeys(classCounts(acc.classes));
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
  /** Line formats: the format, and the lines visited in place (the fast way in, flat.ts). */
  readonly lineFormat?: LineFormat;
  visitLines?(visit: LineVisitor): Promise<void>;
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
    if (src.visitLines !== undefined && src.lineFormat !== undefined) {
      const visit = lineVisitor(analysis, src.file, src.format, src.lineFormat, add, (line) => {
        if (line >= next && onProgress !== undefined) {
          onProgress(line);
          next = line + PROGRESS_EVERY;
        }
      });
      await src.visitLines(visit);
    } else if (src.batches !== undefined) {
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
