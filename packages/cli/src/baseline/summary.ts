/**
 * A baseline applied to an analyze or probe summary: which listed findings are known, how many new
 * ones are at or above a severity, and the JSON and SARIF reports annotated with it. Findings a
 * summary counts but does not list (past its listing limit) cannot be matched, so they count as
 * new: a baseline never hides what it cannot see.
 */
import type { Severity } from "../audit/rule.js";
import type { Summary } from "../audit/summary.js";
import { trafficFingerprint } from "./fingerprint.js";

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface SummaryFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly fingerprint: string;
}

/** The findings a summary lists, with their fingerprints. */
export function listedFindings(summary: Summary): SummaryFinding[] {
  const out: SummaryFinding[] = [];
  for (const [ruleId, rf] of Object.entries(summary.findings))
    for (const s of rf.samples)
      out.push({
        ruleId,
        severity: s.severity,
        message: s.message,
        fingerprint: trafficFingerprint(ruleId, s.evidence.request),
      });
  return out;
}

export interface BaselineOutcome {
  /** Listed findings the baseline knows. */
  readonly known: number;
  /** Findings at or above the threshold that are not known (listed or not). */
  readonly newAtLeast: number;
  /** All findings not known. */
  readonly fresh: number;
}

export function applyToSummary(
  summary: Summary,
  known: ReadonlySet<string>,
  threshold: Severity | "none",
): BaselineOutcome {
  let knownCount = 0;
  let newAtLeast = 0;
  let fresh = 0;
  for (const [ruleId, rf] of Object.entries(summary.findings)) {
    const knownBySeverity: Partial<Record<Severity, number>> = {};
    for (const s of rf.samples)
      if (known.has(trafficFingerprint(ruleId, s.evidence.request))) {
        knownCount++;
        knownBySeverity[s.severity] = (knownBySeverity[s.severity] ?? 0) + 1;
      }
    for (const [sev, count] of Object.entries(rf.bySeverity) as [Severity, number][]) {
      const n = count - (knownBySeverity[sev] ?? 0);
      fresh += n;
      if (threshold !== "none" && RANK[sev] <= RANK[threshold]) newAtLeast += n;
    }
  }
  return { known: knownCount, newAtLeast, fresh };
}

/**
 * The JSON report with the baseline's verdict: `baseline` {file, known, new} at the top and
 * `known: true` on each listed finding the baseline knows.
 */
export function annotateJson(
  report: string,
  file: string,
  known: ReadonlySet<string>,
  outcome: BaselineOutcome,
): string {
  const value = JSON.parse(report) as {
    findings?: Record<string, { samples?: { evidence?: { request?: string }; known?: boolean }[] }>;
  };
  for (const [ruleId, rf] of Object.entries(value.findings ?? {}))
    for (const s of rf.samples ?? [])
      if (s.evidence?.request !== undefined)
        s.known = known.has(trafficFingerprint(ruleId, s.evidence.request));
  return `${JSON.stringify({ ...value, baseline: { file, known: outcome.known, new: outcome.fresh } }, null, 2)}\n`;
}

/** SARIF with `baselineState` ("unchanged" or "new") and a partial fingerprint on every result. */
export function annotateSarif(report: string, known: ReadonlySet<string> | undefined): string {
  const log = JSON.parse(report) as {
    runs?: {
      results?: {
        ruleId?: string;
        properties?: { evidence?: { request?: string } };
        baselineState?: string;
        partialFingerprints?: Record<string, string>;
      }[];
    }[];
  };
  for (const run of log.runs ?? [])
    for (const r of run.results ?? []) {
      const request = r.properties?.evidence?.request;
      if (r.ruleId === undefined || request === undefined) continue;
      const fp = trafficFingerprint(r.ruleId, request);
      r.partialFingerprints = { ...r.partialFingerprints, "truestatus/v1": fp };
      if (known !== undefined) r.baselineState = known.has(fp) ? "unchanged" : "new";
    }
  return `${JSON.stringify(log, null, 2)}\n`;
}
