/** The scorecard at the top of the HTML report: grade, truthful share, classes, coverage, sources. */
import { CAPABILITY_LABELS } from "../../exchange.js";
import type { Summary } from "../../summary.js";
import { coverageGaps } from "../options.js";
import { formatShare, type Scorecard, scorecard } from "../scorecard.js";
import { esc, num } from "./escape.js";

function metric(name: string, value: number, label: string, extra = ""): string {
  return `<div class="tile${extra}"><div class="big" data-metric="${esc(name)}" data-value="${value}">${num(value)}</div><div class="label">${esc(label)}</div></div>`;
}

function gradeBlock(card: Scorecard): string {
  if (card.grade === undefined || card.truthfulShare === undefined)
    return `<div class="grade grade-none" data-metric="grade" data-value="">–</div>
<div class="headline"><p class="lead">No answered failures to judge.</p><p class="muted">Every exchange succeeded (or no exchange was read).</p></div>`;
  return `<div class="grade grade-${card.grade}" data-metric="grade" data-value="${card.grade}" title="Grade from the truthful share (docs/report.md)">${card.grade}</div>
<div class="headline"><p class="lead"><strong data-metric="truthful-share" data-value="${card.truthfulShare}">${formatShare(card.truthfulShare)}</strong> of failures answered truthfully</p>
<p class="muted"><span data-metric="answered" data-value="${card.answered}">${num(card.answered)}</span> answered failures, <span data-metric="untruthful" data-value="${card.untruthful}">${num(card.untruthful)}</span> of them answered with a soft error or an error/warning finding. </p><p class="muted small">Grades: A ≥ 99%, B ≥ 95%, C ≥ 90%, D ≥ 75%, else F.</p></div>`;
}

export function scorecardSection(summary: Summary): string {
  const card = scorecard(summary);
  const classes = Object.entries(card.classes)
    .map(([c, n]) => metric(`class-${c}`, n, c.replace(/_/g, " "), n === 0 ? " zero" : ""))
    .join("");
  const gaps = coverageGaps(summary);
  const gapList =
    gaps.length === 0
      ? '<p class="muted">Every rule could run on every source.</p>'
      : `<details class="gaps"><summary>What could not be checked (${num(gaps.length)})</summary><ul>${gaps
          .map(
            (g) =>
              `<li><code>${esc(g.file)}</code> does not record ${esc(g.missing)}: ${g.rules.map((r) => `<code>${esc(r)}</code>`).join(", ")}</li>`,
          )
          .join("")}</ul></details>`;
  const sources = Object.entries(summary.sources)
    .map(
      ([file, s]) =>
        `<li><code>${esc(file)}</code> <span class="pill">${esc(s.format)}${s.wrapper === undefined ? "" : ` in ${esc(s.wrapper)}`}</span> ${num(s.exchanges)} exchanges${s.malformed > 0 ? `, <strong>${num(s.malformed)} malformed</strong>` : ""}${s.partial ? ` <span class="warn">partial: ${esc(s.error ?? "ended early")}</span>` : ""}<span class="muted small"> · records ${esc(s.capabilities.map((c) => CAPABILITY_LABELS[c]).join(", ") || "status lines only")}</span></li>`,
    )
    .join("");
  const skipped = (summary.skipped ?? [])
    .map(
      (x) =>
        `<li class="skipped"><code>${esc(x.file)}</code> <span class="warn">skipped, not analysed: ${esc(x.reason)}</span></li>`,
    )
    .join("");
  return `<section id="scorecard" aria-label="Scorecard">
<div class="score-head">${gradeBlock(card)}
<div class="tiles totals" aria-label="Findings by severity">
${metric("exchanges", summary.exchanges, "exchanges")}
${metric("findings-error", card.findings.error, "errors", card.findings.error > 0 ? " bad" : "")}
${metric("findings-warning", card.findings.warning, "warnings", card.findings.warning > 0 ? " meh" : "")}
${metric("findings-info", card.findings.info, "info notes")}
${metric("malformed", summary.malformed.count, "malformed", summary.malformed.count > 0 ? " meh" : "")}
</div></div>
<h2 class="sub">Failures by class</h2>
<div class="tiles classes">${classes}</div>
<div class="cols">
<div><h2 class="sub">Coverage</h2><p><strong data-metric="rules-ran" data-value="${card.rulesRan}">${card.rulesRan}</strong> of <span data-metric="rules-total" data-value="${card.rulesTotal}">${card.rulesTotal}</span> rules could run on at least one exchange.</p>${gapList}</div>
<div><h2 class="sub">Sources</h2><ul class="sources">${sources}${skipped}</ul></div>
</div>
</section>`;
}
