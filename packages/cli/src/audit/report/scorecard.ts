/**
 * The scorecard: the few numbers a report leads with, computed once from a Summary for every
 * reporter (text and HTML). Definitions in docs/report.md.
 */
import { UNANSWERED_CLASSES } from "../classify.js";
import type { Severity } from "../rule.js";
import type { Summary } from "../summary.js";

export type Grade = "A" | "B" | "C" | "D" | "F";

/** The classes the scorecard always shows (zero when absent), in this order. */
export const SCORECARD_CLASSES = [
  "auth",
  "validation",
  "not_found",
  "throttling",
  "dependency",
  "server_bug",
  "client_abort",
  "soft_error",
] as const;

/** Lowest truthful share (inclusive) for each grade, best first; below the last: F. */
export const GRADE_THRESHOLDS: readonly (readonly [Grade, number])[] = [
  ["A", 0.99],
  ["B", 0.95],
  ["C", 0.9],
  ["D", 0.75],
];

export interface Scorecard {
  /** Undefined when there is no answered failure to judge. */
  readonly grade: Grade | undefined;
  /** Failures the server answered (every class but client_abort and network_error). */
  readonly answered: number;
  /** Answered failures with a soft error or an error/warning finding. */
  readonly untruthful: number;
  /** (answered − untruthful) / answered, or undefined when answered is 0. */
  readonly truthfulShare: number | undefined;
  /** Every class of the summary, plus SCORECARD_CLASSES at 0 when absent. */
  readonly classes: Readonly<Record<string, number>>;
  /** Findings by severity (exact counts). */
  readonly findings: Readonly<Record<Severity, number>>;
  /** Rules that ran on at least one exchange, of all rules run. */
  readonly rulesRan: number;
  readonly rulesTotal: number;
}

/**
 * The coverage of the rules that apply to this summary's sources: those that ran, or that a
 * source could not feed. A probe-only rule on recorded traffic is neither, and not counted.
 */
export function applicableCoverage(summary: Summary): Summary["coverage"][string][] {
  return Object.values(summary.coverage).filter(
    (c) => c.checked > 0 || Object.keys(c.notChecked).length > 0,
  );
}

export function gradeOf(share: number): Grade {
  for (const [g, min] of GRADE_THRESHOLDS) if (share >= min) return g;
  return "F";
}

export function scorecard(summary: Summary): Scorecard {
  let answered = 0;
  for (const [cls, n] of Object.entries(summary.classes))
    if (!UNANSWERED_CLASSES.has(cls)) answered += n;
  const untruthful = Math.min(summary.untruthful, answered);
  const share = answered === 0 ? undefined : (answered - untruthful) / answered;
  const classes: Record<string, number> = {};
  for (const c of SCORECARD_CLASSES) classes[c] = summary.classes[c] ?? 0;
  for (const [c, n] of Object.entries(summary.classes)) classes[c] = n;
  const findings: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const rf of Object.values(summary.findings))
    for (const [sev, n] of Object.entries(rf.bySeverity) as [Severity, number][])
      findings[sev] += n;
  const cov = applicableCoverage(summary);
  return {
    grade: share === undefined ? undefined : gradeOf(share),
    answered,
    untruthful,
    truthfulShare: share,
    classes,
    findings,
    rulesRan: cov.filter((c) => c.checked > 0).length,
    rulesTotal: cov.length,
  };
}

/** "97.2%" (two decimals under 1% from either end, so 99.96% never shows as 100.0%). */
export function formatShare(share: number): string {
  const p = 100 * share;
  const scale = (p > 99 && p < 100) || (p > 0 && p < 1) ? 100 : 10;
  // Rounded down: 99.996% is not 100%.
  return `${(Math.floor(p * scale) / scale).toFixed(scale === 100 ? 2 : 1)}%`;
}
