/**
 * The scorecard: a probe's findings by class, a grade, and what to change first. Pure: from
 * ProbeResults to numbers and text (the demo prints two side by side).
 */
import type { Rule, Severity } from "../audit/rule.js";
import { RULES } from "../audit/rules/index.js";
import type { Summary } from "../audit/summary.js";
import type { ProbeResult } from "./probe.js";

export const SCORE_CLASSES = [
  "auth",
  "access control",
  "bad input",
  "methods & paths",
  "rate limiting",
  "soft errors",
  "leaks",
  "dependencies",
  "your scenarios",
] as const;
export type ScoreClass = (typeof SCORE_CLASSES)[number] | "other";

const CLASS_OF: Readonly<Record<string, ScoreClass>> = {
  "401-for-accepted-token": "auth",
  "401-needs-www-authenticate": "auth",
  "401-with-insufficient-scope": "auth",
  "403-without-credentials": "auth",
  "probe-unauthenticated-not-401": "auth",
  "probe-other-identity-not-refused": "access control",
  "probe-bad-body-not-400": "bad input",
  "probe-state-changed": "bad input",
  "422-for-malformed-json": "bad input",
  "400-for-business-rule": "bad input",
  "probe-media-type-not-refused": "bad input",
  "probe-wrong-method-not-405": "methods & paths",
  "405-needs-allow": "methods & paths",
  "probe-not-found-not-404": "methods & paths",
  "probe-head-differs-from-get": "methods & paths",
  "probe-options-without-allow": "methods & paths",
  "head-with-body": "methods & paths",
  "no-content-with-body": "methods & paths",
  "redirect-needs-location": "methods & paths",
  "201-needs-location": "methods & paths",
  "429-needs-retry-after": "rate limiting",
  "503-needs-retry-after": "rate limiting",
  "probe-retry-after-not-honoured": "rate limiting",
  "soft-error-2xx": "soft errors",
  "problem-status-mismatch": "soft errors",
  "error-leaks-internals": "leaks",
  "html-error-page-from-json-api": "leaks",
  "500-masks-upstream-failure": "dependencies",
  "probe-step-unexpected-status": "your scenarios",
};

export function scoreClass(ruleId: string): ScoreClass {
  return CLASS_OF[ruleId] ?? "other";
}

/** Points a rule with findings costs, by its worst severity (counted once per rule). */
const PENALTY: Record<Severity, number> = { error: 12, warning: 6, info: 1 };

export interface Score {
  readonly requests: number;
  /** Findings by class (every class listed, 0 when none). */
  readonly byClass: Readonly<Record<ScoreClass, number>>;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** 0 to 100. */
  readonly points: number;
  readonly grade: "A" | "B" | "C" | "D" | "E" | "F";
  /** Rules with findings, worst first. */
  readonly rules: readonly { id: string; count: number; severity: Severity }[];
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function score(summary: Summary, requests: number): Score {
  const byClass = Object.fromEntries([...SCORE_CLASSES, "other"].map((c) => [c, 0])) as Record<
    ScoreClass,
    number
  >;
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const rules: { id: string; count: number; severity: Severity }[] = [];
  let points = 100;
  for (const [id, rf] of Object.entries(summary.findings)) {
    byClass[scoreClass(id)] += rf.count;
    let worst: Severity = "info";
    for (const [sev, n] of Object.entries(rf.bySeverity) as [Severity, number][]) {
      bySeverity[sev] += n;
      if (n > 0 && RANK[sev] < RANK[worst]) worst = sev;
    }
    points -= PENALTY[worst];
    rules.push({ id, count: rf.count, severity: worst });
  }
  rules.sort(
    (x, y) => RANK[x.severity] - RANK[y.severity] || y.count - x.count || (x.id < y.id ? -1 : 1),
  );
  points = Math.max(0, points);
  const grade =
    points >= 90
      ? "A"
      : points >= 80
        ? "B"
        : points >= 70
          ? "C"
          : points >= 60
            ? "D"
            : points >= 50
              ? "E"
              : "F";
  return { requests, byClass, bySeverity, points, grade, rules };
}

export interface ScorecardColumn {
  readonly name: string;
  readonly result: ProbeResult;
}

type Paint = (t: string) => string;
export interface ScorecardStyles {
  readonly bold: Paint;
  readonly dim: Paint;
  readonly red: Paint;
  readonly green: Paint;
}

const plain: Paint = (t) => t;
const PLAIN: ScorecardStyles = { bold: plain, dim: plain, red: plain, green: plain };

/** Side by side: one column per API, one row per class, then the grade and what to change. */
export function renderScorecard(
  columns: readonly ScorecardColumn[],
  st: ScorecardStyles = PLAIN,
  rules: readonly Rule[] = RULES,
): string {
  const scores = columns.map((c) => score(c.result.summary, c.result.requests.length));
  const w = 18;
  const cell = (s: string) => s.padEnd(w);
  const out: string[] = [];
  out.push(st.bold(`${"".padEnd(20)}${columns.map((c) => cell(c.name)).join("")}`));
  out.push(`${"requests sent".padEnd(20)}${scores.map((s) => cell(String(s.requests))).join("")}`);
  for (const cls of [...SCORE_CLASSES, "other"] as const) {
    if (cls === "other" && scores.every((s) => s.byClass.other === 0)) continue;
    const row = scores.map((s) => {
      const n = s.byClass[cls];
      const text = cell(n === 0 ? "ok" : `${n} finding${n === 1 ? "" : "s"}`);
      return n === 0 ? st.green(text) : st.red(text);
    });
    out.push(`${cls.padEnd(20)}${row.join("")}`);
  }
  out.push(
    `${"errors/warn/info".padEnd(20)}${scores.map((s) => cell(`${s.bySeverity.error}/${s.bySeverity.warning}/${s.bySeverity.info}`)).join("")}`,
  );
  out.push(
    st.bold(
      `${"grade".padEnd(20)}${scores.map((s) => cell(`${s.grade} (${s.points}/100)`)).join("")}`,
    ),
  );
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const [i, c] of columns.entries()) {
    const s = scores[i]!;
    if (s.rules.length === 0) continue;
    out.push("", st.bold(`What to change in ${c.name}, worst first:`));
    for (const r of s.rules) {
      const rule = byId.get(r.id);
      const sample = c.result.summary.findings[r.id]?.samples[0];
      out.push(`  ${r.severity.padEnd(7)} ${r.id} (${r.count}): ${rule?.meta.title ?? ""}`);
      if (sample !== undefined)
        out.push(
          st.dim(
            `          e.g. ${sample.evidence.request} → ${sample.evidence.status ?? "no answer"}: ${sample.message}`,
          ),
        );
      if (rule !== undefined) out.push(`          fix: ${rule.meta.fix}`);
    }
  }
  return `${out.join("\n")}\n`;
}
