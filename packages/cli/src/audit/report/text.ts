/**
 * The text reporter: what a person reads first in a terminal. The summary (volume, status mix,
 * failure classes, busiest endpoints, malformed records, what could not be checked), then the
 * findings grouped by rule, worst first, with exact counts and up to three redacted examples.
 */
import { styleText } from "node:util";
import type { Rule, Severity } from "../rule.js";
import { RULES } from "../rules/index.js";
import { type Counts, type EndpointStats, SAMPLE_LIMIT, type Summary } from "../summary.js";
import { grouped } from "./grouped.js";
import {
  coverageGaps,
  type ReportOptions,
  ruleDocsUrl,
  specLabel,
  unrecordedGaps,
} from "./options.js";
import { applicableCoverage, formatShare, scorecard } from "./scorecard.js";
import { escapeStrings } from "./terminal.js";

type Paint = (text: string) => string;
interface Paints {
  readonly bold: Paint;
  readonly dim: Paint;
  readonly red: Paint;
  readonly yellow: Paint;
  readonly cyan: Paint;
}

const plain: Paint = (t) => t;
// The caller decided (TTY, NO_COLOR); styleText must not second-guess it from process.stdout.
const NO_CHECK = { validateStream: false } as const;
function paints(color: boolean): Paints {
  if (!color) return { bold: plain, dim: plain, red: plain, yellow: plain, cyan: plain };
  return {
    bold: (t) => styleText("bold", t, NO_CHECK),
    dim: (t) => styleText("dim", t, NO_CHECK),
    red: (t) => styleText("red", t, NO_CHECK),
    yellow: (t) => styleText("yellow", t, NO_CHECK),
    cyan: (t) => styleText("cyan", t, NO_CHECK),
  };
}

const n = grouped;
const pct = (x: number, total: number): string =>
  total === 0 || x === 0 ? "0%" : `${((100 * x) / total).toFixed(x * 1000 < total ? 2 : 1)}%`;
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function statusGroups(statuses: Counts): string {
  const groups: Counts = {};
  for (const [code, count] of Object.entries(statuses)) {
    const g = code === "none" ? "no response" : `${code[0]}xx`;
    groups[g] = (groups[g] ?? 0) + count;
  }
  const total = Object.values(groups).reduce((a, b) => a + b, 0);
  return Object.entries(groups)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([g, c]) => `${g} ${n(c)} (${pct(c, total)})`)
    .join(" · ");
}

function top(counts: Counts, k: number): [string, number][] {
  return Object.entries(counts)
    .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1))
    .slice(0, k);
}

function endpointLine(key: string, e: EndpointStats, width: number): string {
  const errors = Object.entries(e.statuses)
    .filter(([s]) => s === "none" || s >= "400")
    .reduce((a, [, c]) => a + c, 0);
  const classes = top(e.classes, 3)
    .map(([c, k]) => `${c} ${n(k)}`)
    .join(", ");
  return `  ${key.padEnd(width)}  ${n(e.count).padStart(10)}  errors ${pct(errors, e.count).padStart(6)}${classes ? `  (${classes})` : ""}`;
}

/** Inputs that could not be read: shown even in --quiet, since what was left out matters. */
function skippedLines(s: Summary, p: Paints): string[] {
  const list = s.skipped ?? [];
  if (list.length === 0) return [];
  return [
    p.yellow(
      `  skipped ${n(list.length)} input${list.length === 1 ? "" : "s"} that could not be read:`,
    ),
    ...list.map((x) => `    ${x.file}: ${x.reason}`),
  ];
}

function summarySection(s: Summary, p: Paints): string[] {
  const out: string[] = [];
  const files = Object.entries(s.sources);
  const head = `truestatus analyze: ${n(s.exchanges)} exchanges from ${files.length} source${files.length === 1 ? "" : "s"}`;
  out.push(p.bold(head) + (s.partial ? ` ${p.red("[PARTIAL: an input ended early]")}` : ""));
  for (const [file, src] of files) {
    const extra = src.partial ? p.red(` partial: ${src.error ?? "ended early"}`) : "";
    out.push(
      p.dim(
        `  ${file}  ${src.format}${src.wrapper === undefined ? "" : ` in ${src.wrapper}`}  ${n(src.exchanges)} exchanges, ${n(src.malformed)} malformed`,
      ) + extra,
    );
  }
  out.push(...skippedLines(s, p));
  out.push("");
  out.push(`${p.bold("Statuses")}  ${statusGroups(s.statuses)}`);
  out.push(
    `  top: ${top(s.statuses, 8)
      .map(([c, k]) => `${c} ${n(k)}`)
      .join(" · ")}`,
  );
  const classes = top(s.classes, 20);
  out.push(
    `${p.bold("Failure classes")}  ${classes.length === 0 ? "none" : classes.map(([c, k]) => `${c} ${n(k)} (${pct(k, s.exchanges)})`).join(" · ")}`,
  );
  const card = scorecard(s);
  out.push(
    `${p.bold("Truthful")}  ${
      card.truthfulShare === undefined
        ? "no answered failures to judge"
        : `${formatShare(card.truthfulShare)} of ${n(card.answered)} answered failures (grade ${card.grade}); ${n(card.untruthful)} not truthful`
    }`,
  );
  const eps = top(
    Object.fromEntries(Object.entries(s.endpoints).map(([k, e]) => [k, e.count])),
    10,
  );
  if (eps.length > 0) {
    const total = Object.keys(s.endpoints).length;
    out.push(
      `${p.bold("Endpoints")}  ${n(total)} template${total === 1 ? "" : "s"}${s.otherEndpoints.count > 0 ? ` + other (${n(s.otherEndpoints.count)} exchanges past the template limit)` : ""}; busiest:`,
    );
    const width = Math.min(60, Math.max(...eps.map(([k]) => k.length)));
    for (const [k] of eps)
      out.push(endpointLine(k.length > 60 ? `${k.slice(0, 59)}…` : k, s.endpoints[k]!, width));
  }
  if (s.malformed.count > 0) {
    out.push(`${p.bold("Malformed records")}  ${n(s.malformed.count)} (counted, not analysed)`);
    for (const [reason, m] of top(
      Object.fromEntries(Object.entries(s.malformed.reasons).map(([r, m]) => [r, m.count])),
      10,
    )) {
      const where = s.malformed.reasons[reason]!.first.map(
        (l) => `${l.file}:${l.line ?? `entry ${l.entry}`}`,
      ).join(", ");
      out.push(`  ${n(m).padStart(8)}  ${reason}  ${p.dim(`(first: ${where})`)}`);
    }
  }
  const gaps = coverageGaps(s);
  const unrecorded = unrecordedGaps(s);
  if (gaps.length > 0 || unrecorded.length > 0) {
    const cov = applicableCoverage(s);
    const ran = cov.filter((c) => c.checked > 0).length;
    out.push(
      `${p.bold("Coverage")}  ${ran} of ${cov.length} rules ran on at least one exchange; not checked:`,
    );
    // Files with the same gap share a line: a directory of 30 HARs is one line, not 30.
    const lines: string[] = [];
    for (const g of sameGap(gaps, (g) => `${g.missing}\n${g.rules.join(", ")}`))
      lines.push(
        `  ${fileList(g.files)} ${g.files.length === 1 ? "does" : "do"} not record ${g.first.missing}: ${g.first.rules.join(", ")}`,
      );
    for (const g of sameGap(
      unrecorded,
      (g) => `${g.missing}\n${g.rules.map((r) => r.id).join(", ")}`,
    )) {
      const counts = new Map<string, number>();
      for (const u of g.items)
        for (const r of u.rules) counts.set(r.id, (counts.get(r.id) ?? 0) + r.count);
      lines.push(
        `  ${fileList(g.files)}: some exchanges do not record ${g.first.missing}: ${[...counts].map(([id, c]) => `${id} (${n(c)})`).join(", ")}`,
      );
    }
    for (const l of lines.slice(0, 40)) out.push(p.dim(l));
    if (lines.length > 40) out.push(p.dim(`  … and ${lines.length - 40} more`));
  }
  return out;
}

/** Gaps grouped by `key`, in the order first seen, with the files that share each. */
function sameGap<T extends { readonly file: string }>(
  gaps: readonly T[],
  key: (g: T) => string,
): { first: T; items: T[]; files: string[] }[] {
  const groups = new Map<string, { first: T; items: T[]; files: string[] }>();
  for (const g of gaps) {
    const k = key(g);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, { first: g, items: [g], files: [g.file] });
    else {
      group.items.push(g);
      group.files.push(g.file);
    }
  }
  return [...groups.values()];
}

/** "a.har", "a.har and b.har", "a.har, b.har, c.har and 27 more files". */
function fileList(names: readonly string[]): string {
  if (names.length === 1) return names[0]!;
  if (names.length <= 3) return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  return `${names.slice(0, 3).join(", ")} and ${n(names.length - 3)} more files`;
}

function findingsSection(s: Summary, p: Paints, rules: ReadonlyMap<string, Rule>): string[] {
  const out: string[] = [];
  const entries = Object.entries(s.findings).sort(([ia, a], [ib, b]) => {
    const ra = Math.min(...Object.keys(a.bySeverity).map((k) => SEVERITY_RANK[k as Severity]));
    const rb = Math.min(...Object.keys(b.bySeverity).map((k) => SEVERITY_RANK[k as Severity]));
    return ra - rb || b.count - a.count || (ia < ib ? -1 : 1);
  });
  const total = entries.reduce((a, [, f]) => a + f.count, 0);
  out.push(
    p.bold(`Findings  ${n(total)} in ${entries.length} rule${entries.length === 1 ? "" : "s"}`),
  );
  if (entries.length === 0) out.push("  none");
  for (const [id, f] of entries) {
    const rule = rules.get(id);
    const sevs = (Object.entries(f.bySeverity) as [Severity, number][])
      .sort(([a], [b]) => SEVERITY_RANK[a] - SEVERITY_RANK[b])
      .map(([sev, c]) => {
        const label = `${sev} ×${n(c)}`;
        return sev === "error" ? p.red(label) : sev === "warning" ? p.yellow(label) : p.cyan(label);
      })
      .join(", ");
    out.push("");
    out.push(
      `${p.bold(id)}  ${sevs}${rule ? `  ${rule.meta.title} (${specLabel(rule.meta.spec)})` : ""}`,
    );
    const shown = f.samples.slice(0, SAMPLE_LIMIT);
    for (const sample of shown) {
      const loc = `${sample.location.file}${sample.location.line !== undefined ? `:${sample.location.line}` : sample.location.entry !== undefined ? ` entry ${sample.location.entry}` : ""}`;
      const status = sample.evidence.status !== undefined ? ` → ${sample.evidence.status}` : "";
      out.push(`  ${p.dim(loc)}  ${sample.evidence.request}${status}`);
      out.push(`    ${sample.message}`);
      if (sample.evidence.excerpt !== undefined)
        out.push(p.dim(`    | ${sample.evidence.excerpt}`));
    }
    if (f.count > shown.length) out.push(p.dim(`  … ${n(f.count - shown.length)} more`));
    if (rule) out.push(`  fix: ${rule.meta.fix}`, p.dim(`  docs: ${ruleDocsUrl(id)}`));
  }
  return out;
}

export function textReport(report: Summary, options: ReportOptions = {}): string {
  // Every string from the traffic, escaped before it is laid out: nothing printed can drive the
  // terminal (ESC, C1, CR, bidi overrides are shown as \x1b, \u202e, ...).
  const summary = escapeStrings(report);
  const p = paints(options.color === true);
  const rules = new Map((options.rules ?? RULES).map((r) => [r.id, r]));
  const out = options.quiet
    ? summary.skipped?.length
      ? [...skippedLines(summary, p), ""]
      : []
    : [...summarySection(summary, p), ""];
  out.push(...findingsSection(summary, p, rules));
  return `${out.join("\n")}\n`;
}
