/**
 * The SQL engine: the summary of a table of exchanges, computed by the engine that holds it
 * (DuckDB, ClickHouse). Every count is a GROUP BY in the engine; what comes back is small (one
 * row per endpoint and status, per distinct value a rule must parse, per time bucket, and the
 * findings listed). The rules' verdicts on those values and the findings' messages are made here
 * by the rules themselves (form.ts), so they are the streaming engine's, byte for byte.
 */
import { UNANSWERED_CLASSES } from "../classify.js";
import { missingCapabilities } from "../engine.js";
import type { Capability, SourceFormat } from "../exchange.js";
import type { Rule } from "../rule.js";
import type { LoggedHeaders } from "../source.js";
import {
  addSample,
  capEndpoints,
  DEFAULT_MAX_FINDINGS,
  type EndpointStats,
  emptyEndpoint,
  type FindingSample,
  type RuleCoverage,
  type RuleFindings,
  sortKeys,
  TEMPLATE_LIMIT,
} from "../summary.js";
import {
  bucketStart,
  FIRST_WIDTH,
  nextWidth,
  TIMELINE_LIMIT,
  type Timeline,
  toTimeline,
} from "../timeline.js";
import { EngineError, firstLine } from "./errors.js";
import {
  and,
  col,
  columnsOf,
  compareCodePoints,
  type Expr,
  holds,
  isIn,
  isNull,
  lit,
  not,
  notNull,
  or,
  type Value,
} from "./expr.js";
import { failureClass, timeClass } from "./facts.js";
import { type CompiledForm, isTableRule, rowFinding, type TableRule, verdict } from "./form.js";
import {
  baseCtes,
  CLASS,
  groupedCtes,
  keySql,
  presentColumns,
  type Relation,
  rowsOf,
  TIME_CLASS,
} from "./relation.js";
import { COLUMN_NAMES, type ColumnName, type ExchangeRow } from "./schema.js";
import { shapeColumns } from "./shapes.js";
import { type Dialect, ident, literal, toSql } from "./sql.js";

/** A SQL engine holding the table: runs a query, gives its rows as plain objects. */
export interface Executor {
  readonly dialect: Dialect;
  all(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** A query that failed inside the engine, with the rule (or part of the summary) it was for. */
export class QueryError extends EngineError {
  constructor(
    /** The rule id, or what the query computes ("endpoints", "timeline"). */
    readonly part: string,
    /** The engine's message, one line. */
    readonly engineMessage: string,
    readonly sql: string,
  ) {
    super("TRUESTATUS_ENGINE_QUERY", `${part}: the query failed in the engine: ${engineMessage}`);
  }
}

/** One input of the table and what it can tell (the loader's files; a user table is one). */
export interface TableFile {
  readonly file: string;
  readonly format: SourceFormat;
  readonly capabilities: ReadonlySet<Capability>;
  readonly logged?: LoggedHeaders;
}

export interface TableRunOptions {
  readonly executor: Executor;
  readonly relation: Relation;
  /**
   * The files the rows come from, with their capabilities (the loader knows them). Absent: one
   * capability set for the whole table (`capabilities`), files named by the `file` column.
   */
  readonly files?: readonly TableFile[];
  readonly capabilities?: ReadonlySet<Capability>;
  readonly logged?: LoggedHeaders;
  /** All the rules; those with a table form run in the engine. */
  readonly rules: readonly Rule[];
  readonly maxFindings?: number;
  readonly templateLimit?: number;
  readonly timelineLimit?: number;
}

/** What the engine computes of a Summary. */
export interface TableResult {
  exchanges: number;
  statuses: Record<string, number>;
  classes: Record<string, number>;
  untruthful: number;
  timeline: Timeline;
  endpoints: Record<string, EndpointStats>;
  otherEndpoints: EndpointStats;
  /** Findings of the table rules. */
  findings: Record<string, RuleFindings>;
  /** Coverage of the table rules. */
  coverage: Record<string, RuleCoverage>;
  /** Rows by file, with the format the table gives (a user's table: "table"). */
  files: Record<string, { exchanges: number; format: string }>;
}

type Row = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === "bigint" ? Number(v) : Number(v ?? 0));
/** A value as the rules read it: bigints as numbers, everything else as the engine gave it. */
function value(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return String(v);
}

/** Bits of what a record must have for a rule that needs it (engine.ts's RECORDED_BITS). */
function recordedExpr(rule: Rule): Expr | undefined {
  const parts: Expr[] = [];
  if (rule.meta.needs.includes("response.size"))
    parts.push(or(isNull(col("status")), notNull(col("size"))));
  if (rule.meta.needs.includes("request.credentials"))
    parts.push(isIn(col("credentials"), ["present", "absent"]));
  return parts.length === 0 ? undefined : and(...parts);
}

/** A table rule as this run executes it. */
interface Planned {
  readonly rule: TableRule;
  readonly c: CompiledForm;
  /** The files it runs on (all: TRUE). */
  readonly enabled: Expr;
  readonly recorded: Expr | undefined;
  /** Capabilities it needs whose absence from a record makes it "not recorded". */
  readonly recordedCaps: readonly Capability[];
  readonly index: number;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Runs a query, turning an engine error into a QueryError naming the part. */
async function run(ex: Executor, part: string, sql: string): Promise<Row[]> {
  try {
    return await ex.all(sql);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new QueryError(part, firstLine(e), sql);
  }
}

export async function runTable(o: TableRunOptions): Promise<TableResult> {
  const d = o.executor.dialect;
  const q = (n: string) => ident(d, n);
  const x = (e: Expr) => toSql(e, d);
  const maxFindings = o.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const templateLimit = o.templateLimit ?? TEMPLATE_LIMIT;
  const timelineLimit = o.timelineLimit ?? TIMELINE_LIMIT;
  const withT = `WITH ${baseCtes(d, o.relation)}\n`;

  // ---- files, and the rules each can feed -------------------------------------------------------
  const tableRules = o.rules.filter(isTableRule);
  const fileList = o.files;
  const planned: Planned[] = [];
  for (const rule of tableRules) {
    let enabled: Expr;
    if (fileList !== undefined) {
      const on = fileList
        .filter((f) => missingCapabilities(rule, f.capabilities, f.logged).length === 0)
        .map((f) => f.file);
      if (on.length === 0) continue;
      enabled = on.length === fileList.length ? lit(true) : isIn(col("file"), on);
    } else {
      if (missingCapabilities(rule, o.capabilities ?? new Set(), o.logged).length > 0) continue;
      enabled = lit(true);
    }
    const recorded = recordedExpr(rule);
    planned.push({
      rule,
      c: rule.compiled,
      enabled,
      recorded,
      recordedCaps: rule.meta.needs.filter(
        (n) => n === "response.size" || n === "request.credentials",
      ),
      index: planned.length,
    });
  }
  const judged = (p: Planned) =>
    and(p.enabled, p.rule.table.about, ...(p.recorded === undefined ? [] : [p.recorded]));

  // ---- endpoints, statuses and classes ------------------------------------------------------------
  // The endpoints, the timeline and the rules' shapes are queried at once: an engine that can runs
  // them side by side (each is one scan), and their results are read here as they come.
  const timelineP = timeline(o.executor, withT, o.relation, timelineLimit);
  const endpointsP = endpointStats(o, templateLimit);
  // Awaited below; a failure of one while another is awaited is not left unhandled.
  timelineP.catch(() => undefined);
  endpointsP.catch(() => undefined);

  // ---- the rules: who reports on which rows ------------------------------------------------------
  // One row per combination of the rules' verdicts and the values they must judge.
  const ruleCols: string[] = [];
  /** Each rule's columns of the query, to tell which rule a failing query failed on. */
  const colsByRule = new Map<string, string[]>();
  for (const p of planned) {
    const base = judged(p);
    const when = and(base, p.rule.table.when);
    const mine: string[] = [`${x(holds(when))} AS ${q(`w${p.index}`)}`];
    const check = p.rule.table.check;
    if (check !== undefined) {
      const applies = and(base, not(holds(p.rule.table.when)), check.applies);
      mine.push(`${x(holds(applies))} AS ${q(`a${p.index}`)}`);
      check.inputs.forEach((input, k) => {
        mine.push(`CASE WHEN ${x(applies)} THEN ${x(input)} END AS ${q(`v${p.index}_${k}`)}`);
      });
    }
    ruleCols.push(...mine);
    colsByRule.set(p.rule.id, mine);
  }
  // Per file: its rows, and the rows a rule is about that lack what it needs.
  const nr = planned.filter((p) => p.recorded !== undefined);
  const fileCols = [
    `${q("file")} AS f`,
    ...nr.map(
      (p) =>
        `${x(holds(and(p.enabled, p.rule.table.about, not(p.recorded!))))} AS ${q(`nr${p.index}`)}`,
    ),
  ];
  const findingCounts = new Map<string, number>();
  /** The files each rule has findings in (NULL: rows without a file). */
  const findingFiles = new Map<string, Set<string | null>>();
  let untruthful = 0;
  const badInputs = new Map<number, Map<string, readonly Value[]>>();
  const files: TableResult["files"] = {};
  const notRecorded = new Map<string, Map<string, number>>();
  {
    // The rows grouped by what the rules, the class and the files read (their "shapes": a few
    // hundred where there are millions of rows), and every expression computed once per shape.
    const shapes = shapeColumns(
      d,
      planned.flatMap((p) => [
        p.enabled,
        p.rule.table.about,
        p.rule.table.when,
        ...(p.recorded === undefined ? [] : [p.recorded]),
        ...(p.rule.table.check === undefined
          ? []
          : [p.rule.table.check.applies, ...p.rule.table.check.inputs]),
      ]),
    );
    const s0 = `WITH ${groupedCtes(d, o.relation, "s", shapes.columns, shapes.as)}\n`;
    const cols = [
      ...fileCols,
      `${x(failureClass)} AS c`,
      `${q("body_flagged")} AS bf`,
      ...ruleCols,
    ];
    const names = cols.map((c) => c.slice(c.lastIndexOf(" AS ") + 4));
    let rows: Row[];
    try {
      rows = await run(
        o.executor,
        "rules",
        `${s0}SELECT ${names.join(", ")}, min(${q("format")}) AS fmt, sum(${q("_n")}) AS n FROM (\n  SELECT ${cols.join(",\n    ")}, ${q("format")}, ${q("_n")}\n  FROM ${q("s")}\n) AS r\nGROUP BY ${names.map((_, i) => i + 1).join(", ")}`,
      );
    } catch (e) {
      // One query for all the rules failed: run each rule's part alone to name the rule.
      for (const [id, mine] of colsByRule) {
        const own = mine.map((c) => c.slice(c.lastIndexOf(" AS ") + 4));
        await run(
          o.executor,
          id,
          `${s0}SELECT ${own.join(", ")}, sum(${q("_n")}) AS n FROM (SELECT ${mine.join(", ")}, ${q("_n")} FROM ${q("s")}) AS r GROUP BY ${own.map((_, i) => i + 1).join(", ")}`,
        );
      }
      throw e;
    }
    for (const r of rows) {
      const f = String(r.f);
      const n = num(r.n);
      const fmt = String(r.fmt ?? "table");
      const known = files[f];
      if (known === undefined) files[f] = { exchanges: n, format: fmt };
      else {
        known.exchanges += n;
        if (fmt < known.format) known.format = fmt;
      }
      for (const p of nr) {
        const v = r[`nr${p.index}`];
        if (v !== true && v !== 1) continue;
        let m = notRecorded.get(p.rule.id);
        if (m === undefined) {
          m = new Map();
          notRecorded.set(p.rule.id, m);
        }
        m.set(f, (m.get(f) ?? 0) + n);
      }
    }
    const verdicts = planned.map(() => new Map<string, boolean>());
    for (const r of rows) {
      const n = num(r.n);
      const cls = r.c === null || r.c === undefined ? undefined : String(r.c);
      let flagged = cls === "soft_error" || r.bf === true || r.bf === 1;
      for (const p of planned) {
        let fires = r[`w${p.index}`] === true || r[`w${p.index}`] === 1;
        const check = p.rule.table.check;
        if (
          !fires &&
          check !== undefined &&
          (r[`a${p.index}`] === true || r[`a${p.index}`] === 1)
        ) {
          const values = check.inputs.map((_, k) => value(r[`v${p.index}_${k}`]));
          const key = JSON.stringify(values);
          let bad = verdicts[p.index]!.get(key);
          if (bad === undefined) {
            bad = check.judge(values) !== undefined;
            verdicts[p.index]!.set(key, bad);
            if (bad) {
              let m = badInputs.get(p.index);
              if (m === undefined) {
                m = new Map();
                badInputs.set(p.index, m);
              }
              m.set(key, values);
            }
          }
          fires = bad;
        }
        if (!fires) continue;
        findingCounts.set(p.rule.id, (findingCounts.get(p.rule.id) ?? 0) + n);
        let inFiles = findingFiles.get(p.rule.id);
        if (inFiles === undefined) {
          inFiles = new Set();
          findingFiles.set(p.rule.id, inFiles);
        }
        inFiles.add(r.f === null || r.f === undefined ? null : String(r.f));
        if (p.rule.meta.severity !== "info") flagged = true;
      }
      if (flagged && cls !== undefined && !UNANSWERED_CLASSES.has(cls)) untruthful += n;
    }
  }

  const exchanges = Object.values(files).reduce((s, f) => s + f.exchanges, 0);
  const { endpoints, other, statuses, classes } = await endpointsP;

  // ---- the findings listed -------------------------------------------------------------------------
  const findings: Record<string, RuleFindings> = {};
  const present = presentColumns(o.relation);
  // All the rules' listings at once (an engine that can runs them side by side), kept in order.
  const withFindings = planned.filter((p) => (findingCounts.get(p.rule.id) ?? 0) > 0);
  const listed = await Promise.all(
    withFindings.map((p) =>
      listFindings(
        o.executor,
        withT,
        p,
        badInputs.get(p.index),
        maxFindings,
        judged(p),
        present,
        [...findingFiles.get(p.rule.id)!].sort((a, b) =>
          a === null ? (b === null ? 0 : 1) : b === null ? -1 : compareCodePoints(a, b),
        ),
      ),
    ),
  );
  withFindings.forEach((p, i) => {
    const count = findingCounts.get(p.rule.id)!;
    findings[p.rule.id] = {
      count,
      bySeverity: { [p.rule.meta.severity]: count },
      samples: listed[i]!,
    };
  });

  // ---- coverage --------------------------------------------------------------------------------------
  const coverage: Record<string, RuleCoverage> = {};
  // Every file, also one whose records were all malformed (no row in the table): in the order
  // they were given, as the streaming engine lists them; a table's own files by name.
  const fileNames = [
    ...new Set([...(fileList ?? []).map((f) => f.file), ...Object.keys(files).sort(cmpStr)]),
  ];
  for (const rule of tableRules) {
    const cov: RuleCoverage = { checked: 0, notChecked: {} };
    for (const f of fileNames) {
      const info = fileList?.find((x) => x.file === f);
      const missing = missingCapabilities(
        rule,
        info?.capabilities ?? o.capabilities ?? new Set(),
        info === undefined ? o.logged : info.logged,
      );
      if (missing.length > 0) {
        if (!missing.includes("probe")) cov.notChecked[f] = missing.sort();
        continue;
      }
      const n = notRecorded.get(rule.id)?.get(f) ?? 0;
      cov.checked += (files[f]?.exchanges ?? 0) - n;
      if (n > 0) {
        const p = planned.find((x) => x.rule.id === rule.id)!;
        cov.notRecorded ??= {};
        cov.notRecorded[f] = sortKeys(Object.fromEntries(p.recordedCaps.map((c) => [c, n])));
      }
    }
    coverage[rule.id] = cov;
  }

  return {
    exchanges,
    statuses: sortKeys(statuses),
    classes: sortKeys(classes),
    untruthful,
    timeline: await timelineP,
    endpoints,
    otherEndpoints: other,
    findings,
    coverage,
    files,
  };
}

/**
 * Requests by endpoint, status and class: grouped by the template's source first (many rows share
 * a target), templated per group, and ranked by key (the first `templateLimit` keys in sort order
 * are kept, the rest are "other").
 */
async function endpointStats(
  o: TableRunOptions,
  templateLimit: number,
): Promise<{
  endpoints: Record<string, EndpointStats>;
  other: EndpointStats;
  statuses: Record<string, number>;
  classes: Record<string, number>;
}> {
  const d = o.executor.dialect;
  const q = (n: string) => ident(d, n);
  const x = (e: Expr) => toSql(e, d);
  const grouped = groupedCtes(d, o.relation, "e", [
    "method",
    "template",
    "status",
    ...columnsOf(failureClass),
  ]);
  const groups = await run(
    o.executor,
    "endpoints",
    `WITH ${grouped},
e1 AS (SELECT ${keySql(d, q("template"))} AS k, ${q("status")} AS s, ${x(failureClass)} AS c, sum(${q("_n")}) AS n FROM ${q("e")} GROUP BY 1, 2, 3),
e2 AS (SELECT k, s, c, n, dense_rank() OVER (ORDER BY k) AS rk FROM e1)
SELECT CASE WHEN rk <= ${templateLimit} THEN k ELSE NULL END AS k, s, c, sum(n) AS n FROM e2 GROUP BY 1, 2, 3`,
  );
  const endpoints: Record<string, EndpointStats> = {};
  const other = emptyEndpoint();
  const statuses: Record<string, number> = {};
  const classes: Record<string, number> = {};
  for (const g of groups) {
    const n = num(g.n);
    const status = g.s === null || g.s === undefined ? "none" : String(num(g.s));
    const cls = g.c === null || g.c === undefined ? undefined : String(g.c);
    statuses[status] = (statuses[status] ?? 0) + n;
    if (cls !== undefined) classes[cls] = (classes[cls] ?? 0) + n;
    let ep: EndpointStats;
    if (g.k === null || g.k === undefined) ep = other;
    else {
      const k = String(g.k);
      ep = endpoints[k] ??= emptyEndpoint();
    }
    ep.count += n;
    ep.statuses[status] = (ep.statuses[status] ?? 0) + n;
    if (cls !== undefined) ep.classes[cls] = (ep.classes[cls] ?? 0) + n;
  }
  for (const ep of [...Object.values(endpoints), other]) {
    ep.statuses = sortKeys(ep.statuses);
    ep.classes = sortKeys(ep.classes);
  }
  const capped = capEndpoints(endpoints, other, templateLimit);
  return { endpoints: capped.endpoints, other: capped.other, statuses, classes };
}

/** Findings listed in bulk as literal values at most; past it the candidates are read in order. */
const INLINE_LIMIT = 1000;

/**
 * The first findings of a rule by location, their messages made by the rule from the rows.
 * Rows whose verdict needed a value check are those whose values the check found bad.
 */
async function listFindings(
  ex: Executor,
  withT: string,
  p: Planned,
  bad: ReadonlyMap<string, readonly Value[]> | undefined,
  limit: number,
  judged: Expr,
  columns: readonly ColumnName[],
  /** The files it has findings in, in the order of their names (NULL last, as SQL sorts it). */
  files: readonly (string | null)[],
): Promise<FindingSample[]> {
  const d = ex.dialect;
  const q = (n: string) => ident(d, n);
  const check = p.rule.table.check;
  const when = and(judged, p.rule.table.when);
  // At the top of a WHERE, NULL already counts as false: DuckDB gets the conditions bare, so that
  // it pushes their comparisons into the scan and reads the other columns only for the rows that
  // pass. ClickHouse keeps holds(): its Parquet reader fails on some bare conditions it pushes down
  // ("Not found column isNull(status) in block", chdb 3.4).
  const top = (e: Expr) => (d === "duckdb" ? e : holds(e));
  let where = toSql(top(when), d);
  // The values the check found bad, as literals (few, nearly always); past INLINE_LIMIT every
  // candidate is read and judged here.
  let judgeHere = false;
  if (check !== undefined && bad !== undefined && bad.size > 0) {
    const applies = and(judged, not(holds(p.rule.table.when)), check.applies);
    if (bad.size <= INLINE_LIMIT) {
      const tuples = [...bad.values()].map((values) =>
        and(...check.inputs.map((input, k) => equalsValue(input, values[k]!))),
      );
      where = `${where} OR ${toSql(top(and(applies, or(...tuples))), d)}`;
    } else {
      where = `${where} OR ${toSql(top(applies), d)}`;
      judgeHere = true;
    }
  }
  // What the finding shows (location, request, status), what the rule reads (its conditions and
  // checked values, and what its message shows), of the columns that can hold a value; the rest
  // is NULL. Converting rows costs more here than finding them.
  const read = new Set<ColumnName>([
    "file",
    "line",
    "entry",
    "format",
    "method",
    "target",
    "status",
  ]);
  for (const e of [judged, p.rule.table.when, ...(check ? [check.applies, ...check.inputs] : [])])
    columnsOf(e, read);
  for (const c of p.rule.table.shows ?? []) read.add(c);
  const select = `${columns
    .filter((c) => read.has(c))
    .map(q)
    .join(", ")}, ${q(CLASS)} AS ${q("_c")}`;
  // File by file, each by line then entry (NULL first: coalesce(-1)'s order, on the bare columns).
  // With the line first in ORDER BY ... LIMIT, DuckDB pushes "line below the cut so far" into the
  // scan and skips the row groups past it: the first findings of a big table cost a few of them.
  const order = `${q("line")} NULLS FIRST, ${q("entry")} NULLS FIRST`;
  const samples: FindingSample[] = [];
  let taken = 0;
  // One more than listed: equal locations at the cut are ordered by message (addSample).
  for (const file of files) {
    const need = limit + 1 - taken;
    if (need <= 0) break;
    const inFile = file === null ? `${q("file")} IS NULL` : `${q("file")} = ${literal(d, file)}`;
    const sql = `${withT}SELECT ${select} FROM t WHERE ${inFile} AND (${where}) ORDER BY ${order}${judgeHere ? "" : ` LIMIT ${need}`}`;
    const rows = await run(ex, p.rule.id, sql);
    for (const r of rows) {
      const row = {} as ExchangeRow;
      for (const c of COLUMN_NAMES) (row as Record<string, Value>)[c] = value(r[c]);
      const v = verdict(p.c, row);
      if (v === undefined) continue;
      const f = rowFinding(p.rule, p.c, row, v.detail);
      const cls = r._c === null || r._c === undefined ? undefined : String(r._c);
      addSample(samples, { ...f, evidence: f.evidence }, cls, limit);
      if (++taken > limit) break;
    }
  }
  return samples;
}

/** `input = value`, NULL meaning IS NULL. */
function equalsValue(input: Expr, v: Value): Expr {
  if (v === null) return isNull(input);
  if (typeof v === "boolean") return v ? holds(input) : not(holds(input));
  return { op: "cmp", cmp: "=", a: input, b: lit(v) };
}

/** Widths of the ladder the timeline query tries, from the first (the last: 9 years in 240). */
const WIDTHS: readonly number[] = (() => {
  const out: number[] = [FIRST_WIDTH];
  while (out.length < 12) out.push(nextWidth(out[out.length - 1]!));
  return out;
})();

/**
 * The timeline: the narrowest width on the ladder that keeps at most `limit` buckets. One scan:
 * counts per second and status class, then the width and the buckets from those.
 */
async function timeline(
  ex: Executor,
  withT: string,
  rel: Relation,
  limit: number,
): Promise<Timeline> {
  const d = ex.dialect;
  const q = (n: string) => ident(d, n);
  // DuckDB computes a CTE read twice once only when told to.
  const materialized = d === "duckdb" ? "MATERIALIZED " : "";
  const rows = await run(
    ex,
    "timeline",
    `WITH s AS ${materialized}(SELECT floor(${q("time_ms")} / 1000) AS sec, ${q("status")}, count(*) AS n FROM ${rowsOf(d, rel, ["time_ms", "status"])} WHERE ${q("time_ms")} IS NOT NULL GROUP BY 1, 2),
d AS (SELECT ${WIDTHS.map((w, i) => `count(DISTINCT floor(sec / ${w})) AS ${q(`w${i}`)}`).join(", ")} FROM (SELECT DISTINCT sec FROM s) AS u),
w AS (SELECT CASE ${WIDTHS.map((w, i) => `WHEN ${q(`w${i}`)} <= ${limit} THEN ${w}`).join(" ")} ELSE NULL END AS width FROM d)
SELECT floor(s.sec / w.width) * w.width AS k, ${toSql(timeClass, d, (c) => `s.${q(c)}`)} AS c, sum(s.n) AS n, min(w.width) AS width FROM s CROSS JOIN w GROUP BY 1, 2`,
  );
  if (rows.length === 0) return toTimeline(new Map(), FIRST_WIDTH);
  const chosen = rows[0]!.width;
  if (chosen === null || chosen === undefined)
    return wideTimeline(ex, withT, limit, nextWidth(WIDTHS[WIDTHS.length - 1]!));
  return bucketsOf(rows, num(chosen));
}

function bucketsOf(rows: readonly Row[], width: number): Timeline {
  const buckets = new Map<number, Record<string, number>>();
  for (const r of rows) {
    const k = bucketStart(num(r.k), width);
    let b = buckets.get(k);
    if (b === undefined) {
      b = {};
      buckets.set(k, b);
    }
    const c = String(r.c);
    b[c] = (b[c] ?? 0) + num(r.n);
  }
  return toTimeline(buckets, width);
}

/** A timeline wider than the ladder's first widths, found twelve widths a query from `from`. */
async function wideTimeline(
  ex: Executor,
  withT: string,
  limit: number,
  from: number,
): Promise<Timeline> {
  const d = ex.dialect;
  const q = (n: string) => ident(d, n);
  const sec = `floor(${q("time_ms")} / 1000)`;
  let width = from;
  for (;;) {
    const widths: number[] = [];
    for (let w = width, i = 0; i < 12; i++, w = nextWidth(w)) widths.push(w);
    const rows = await run(
      ex,
      "timeline",
      `${withT}, s AS (SELECT DISTINCT ${sec} AS sec FROM t WHERE ${q("time_ms")} IS NOT NULL)\nSELECT count(*) AS n${widths
        .map((w, i) => `, count(DISTINCT floor(sec / ${w})) AS ${q(`w${i}`)}`)
        .join("")} FROM s`,
    );
    const r = rows[0] ?? {};
    const fit = widths.findIndex((_, i) => num(r[`w${i}`]) <= limit);
    if (fit >= 0) {
      width = widths[fit]!;
      break;
    }
    width = nextWidth(widths[widths.length - 1]!);
  }
  const rows = await run(
    ex,
    "timeline",
    `${withT}SELECT floor(${sec} / ${width}) * ${width} AS k, ${q(TIME_CLASS)} AS c, count(*) AS n FROM t WHERE ${q("time_ms")} IS NOT NULL GROUP BY 1, 2`,
  );
  return bucketsOf(rows, width);
}
