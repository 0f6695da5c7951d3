/**
 * The findings table: one row per finding, the first SAMPLE_LIMIT of each rule (JSON and SARIF list
 * up to --max-findings; counts are exact in the scorecard and the rules chart), each with a detail
 * row holding its redacted evidence, the
 * standard it rests on, its NIST CSF 2.0 category and the fix for Express, Fastify and Hono.
 * Filtering, sorting and expanding are done by script.ts on the data-* attributes.
 */
import { classify } from "../../classify.js";
import type { CsfCategory, Rule, Severity } from "../../rule.js";
import { type FindingSample, SAMPLE_LIMIT, type Summary } from "../../summary.js";
import { endpointKey } from "../../template.js";
import { ruleDocsUrl, specLabel } from "../options.js";
import { esc, num } from "./escape.js";
import { FRAMEWORKS } from "./fix-docs.js";
import { RULE_FIXES } from "./fixes.generated.js";

export const CSF_LABELS: Readonly<Record<CsfCategory, string>> = {
  "PR.AA": "Identity Management, Authentication, and Access Control",
  "PR.DS": "Data Security",
  "PR.IR": "Technology Infrastructure Resilience",
  "DE.CM": "Continuous Monitoring",
  "DE.AE": "Adverse Event Analysis",
};

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** "GET /users/{id}" for the request line of a sample (its target is already redacted). */
export function sampleEndpoint(request: string): string {
  const sp = request.indexOf(" ");
  if (sp === -1) return request;
  const target = request.slice(sp + 1);
  const q = target.indexOf("?");
  return endpointKey(request.slice(0, sp), q === -1 ? target : target.slice(0, q));
}

/**
 * The failure class of a sample: the engine's, or (for findings of cross-exchange rules, which
 * carry none) the class its status alone implies.
 */
export function sampleClass(s: FindingSample): string | undefined {
  if (s.class !== undefined) return s.class;
  if (s.evidence.status === undefined) return undefined;
  return classify({
    format: "har",
    location: s.location,
    request: { method: "GET", target: "/", path: "/" },
    response: { status: s.evidence.status },
  });
}

function locationText(s: FindingSample): string {
  const l = s.location;
  return l.line !== undefined
    ? `${l.file}:${l.line}`
    : l.entry !== undefined
      ? `${l.file} entry ${l.entry}`
      : l.file;
}

/** A sort key that orders locations naturally (file, then number). */
function locationKey(s: FindingSample): string {
  const n = s.location.line ?? s.location.entry ?? 0;
  return `${s.location.file}#${String(n).padStart(12, "0")}`;
}

function specLink(rule: Rule): string {
  const { document, section } = rule.meta.spec;
  const m = /^RFC (\d+)$/.exec(document);
  if (m === null) return esc(specLabel(rule.meta.spec));
  const href = `https://www.rfc-editor.org/rfc/rfc${m[1]}${section !== undefined ? `#section-${section}` : ""}`;
  return `<a href="${esc(href)}" rel="noreferrer">${esc(specLabel(rule.meta.spec))}</a>`;
}

/** Escapes, then shows `code` spans (the rule meta's Markdown) as <code>. */
function inlineCode(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

function fixBlock(id: string, rule: Rule | undefined): string {
  const fixes = RULE_FIXES[id];
  const sentence = rule ? `<p>${inlineCode(rule.meta.fix)}</p>` : "";
  if (fixes === undefined) return sentence;
  const tabs = FRAMEWORKS.map(
    (fw) =>
      `<details class="fw"><summary>${fw} with truestatus</summary><pre><code>${esc(fixes[fw])}</code></pre></details>`,
  );
  return `${sentence}<div class="fws">${tabs.join("")}</div>`;
}

function detail(id: string, s: FindingSample, rule: Rule | undefined, cols: number): string {
  const ev = s.evidence;
  const evidence = [
    `<div class="ev-line"><span class="k">request</span><code>${esc(ev.request)}</code></div>`,
    ev.status !== undefined
      ? `<div class="ev-line"><span class="k">status</span><code>${esc(ev.status)}</code></div>`
      : "",
    ev.excerpt !== undefined
      ? `<div class="ev-line"><span class="k">excerpt</span><code>${esc(ev.excerpt)}</code></div>`
      : "",
    `<div class="ev-line"><span class="k">where</span><code>${esc(locationText(s))}</code></div>`,
  ].join("");
  const meta = rule
    ? `<dl class="meta">
<dt>Standard</dt><dd>${specLink(rule)}</dd>
<dt>NIST CSF 2.0</dt><dd><abbr title="${esc(CSF_LABELS[rule.meta.csf])}">${esc(rule.meta.csf)}</abbr> ${esc(CSF_LABELS[rule.meta.csf])}</dd>
<dt>Why it matters</dt><dd>${inlineCode(rule.meta.description)}</dd>
<dt>Docs</dt><dd><a href="${esc(ruleDocsUrl(id))}" rel="noreferrer">${esc(id)}</a></dd>
</dl>`
    : "";
  return `<tr class="detail" hidden><td colspan="${cols}"><div class="detail-grid">
<div class="panel"><h4>Evidence <span class="muted">(redacted)</span></h4><div class="evidence">${evidence}</div>${meta}</div>
<div class="panel"><h4>How to fix</h4>${fixBlock(id, rule)}</div>
</div></td></tr>`;
}

interface Row {
  readonly id: string;
  readonly sample: FindingSample;
  readonly endpoint: string;
}

function rowsOf(summary: Summary): Row[] {
  const rows: Row[] = [];
  for (const [id, f] of Object.entries(summary.findings))
    for (const sample of f.samples.slice(0, SAMPLE_LIMIT))
      rows.push({ id, sample, endpoint: sampleEndpoint(sample.evidence.request) });
  return rows.sort(
    (a, b) =>
      SEVERITY_RANK[a.sample.severity] - SEVERITY_RANK[b.sample.severity] ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
      (locationKey(a.sample) < locationKey(b.sample) ? -1 : 1),
  );
}

function options(values: readonly string[], label: (v: string) => string): string {
  return values.map((v) => `<option value="${esc(v)}">${esc(label(v))}</option>`).join("");
}

export function findingsSection(summary: Summary, rules: ReadonlyMap<string, Rule>): string {
  const rows = rowsOf(summary);
  const total = Object.values(summary.findings).reduce((a, f) => a + f.count, 0);
  if (rows.length === 0 && total === 0)
    return `<section id="findings"><h2>Findings</h2><p class="ok-note">No rule found anything in ${num(summary.exchanges)} exchanges.</p></section>`;
  const uniq = (f: (r: Row) => string | undefined): string[] =>
    [...new Set(rows.map(f).filter((v): v is string => v !== undefined))].sort();
  const ruleIds = Object.keys(summary.findings).sort();
  const cols = 7;
  const body = rows.map((r, i) => {
    const s = r.sample;
    const rule = rules.get(r.id);
    const cls = sampleClass(s) ?? "";
    return `<tr class="finding sev-${s.severity}" id="f-${i}" data-rule="${esc(r.id)}" data-severity="${s.severity}" data-rank="${SEVERITY_RANK[s.severity]}" data-endpoint="${esc(r.endpoint)}" data-class="${esc(cls)}" data-loc="${esc(locationKey(s))}">
<td><button type="button" class="expand" aria-expanded="false" aria-controls="f-${i}-d" title="Show evidence and fix"><span aria-hidden="true">▸</span><span class="sr">Show details</span></button></td>
<td><span class="sev sev-${s.severity}">${s.severity}</span></td>
<td><code>${esc(r.id)}</code>${rule ? `<div class="muted small">${esc(rule.meta.title)}</div>` : ""}</td>
<td class="msg">${esc(s.message)}</td>
<td><code class="ep">${esc(r.endpoint)}</code></td>
<td>${cls ? esc(cls.replace(/_/g, " ")) : '<span class="muted">—</span>'}</td>
<td class="loc">${esc(locationText(s))}</td>
</tr>${detail(r.id, s, rule, cols).replace('<tr class="detail"', `<tr class="detail" id="f-${i}-d"`)}`;
  });
  const ruleLabel = (id: string): string => `${id} (${num(summary.findings[id]?.count ?? 0)})`;
  return `<section id="findings">
<h2>Findings <span class="muted">${num(total)} in ${num(ruleIds.length)} rule${ruleIds.length === 1 ? "" : "s"}</span></h2>
<p class="note">Up to ${SAMPLE_LIMIT} examples per rule (the first by location), with redacted evidence; counts are exact everywhere else, and the JSON and SARIF reports list every finding (up to --max-findings per rule). Click a row to see its evidence and how to fix it.</p>
<form class="filters" id="filters" role="search" aria-label="Filter findings">
<label>Severity <select name="severity"><option value="">all</option>${options(
    uniq((r) => r.sample.severity),
    (v) => v,
  )}</select></label>
<label>Rule <select name="rule"><option value="">all</option>${options(ruleIds, ruleLabel)}</select></label>
<label>Endpoint <select name="endpoint"><option value="">all</option>${options(
    uniq((r) => r.endpoint),
    (v) => v,
  )}</select></label>
<label>Class <select name="class"><option value="">all</option>${options(
    uniq((r) => r.sample.class),
    (v) => v.replace(/_/g, " "),
  )}</select></label>
<label class="grow">Search <input type="search" name="q" placeholder="message, request, file…"></label>
<output id="shown" aria-live="polite">${num(rows.length)} of ${num(rows.length)} shown</output>
</form>
<div class="scroll"><table class="findings" id="findings-table">
<thead><tr><th scope="col"><span class="sr">Details</span></th>
<th scope="col" aria-sort="ascending"><button type="button" class="sort" data-key="rank">Severity</button></th>
<th scope="col"><button type="button" class="sort" data-key="rule">Rule</button></th>
<th scope="col">Message</th>
<th scope="col"><button type="button" class="sort" data-key="endpoint">Endpoint</button></th>
<th scope="col"><button type="button" class="sort" data-key="class">Class</button></th>
<th scope="col"><button type="button" class="sort" data-key="loc">Where</button></th></tr></thead>
<tbody>${body.join("\n")}</tbody></table></div>
</section>`;
}
