/**
 * The charts, as inline SVG made here (no library): status classes over time, failure classes per
 * endpoint template, top rules. Every mark carries `class="mark"`, its numbers in a <title> (shown
 * on hover) and `data-count`; every chart has a legend with patterns and a data table.
 */
import type { Rule, Severity } from "../../rule.js";
import type { Counts, Summary } from "../../summary.js";
import { esc, num } from "./escape.js";
import {
  classSeries,
  legend,
  patternDefs,
  patternId,
  SEVERITY_SERIES,
  type Series,
  STATUS_SERIES,
} from "./palette.js";

/** Endpoints drawn in the per-endpoint chart (all of them are in its table). */
export const CHART_ENDPOINTS = 12;

const sum = (c: Counts): number => Object.values(c).reduce((a, b) => a + b, 0);

/** A round axis maximum ≥ max: 1, 2, 5 × 10^k. */
function niceMax(max: number): number {
  if (max <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function short(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(n);
}

function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** "2026-11-24 19:16:00" (UTC). */
export function utc(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ");
}

export function widthLabel(w: number): string {
  if (w % 604800 === 0) return `${w / 604800} week${w === 604800 ? "" : "s"}`;
  if (w % 86400 === 0) return `${w / 86400} day${w === 86400 ? "" : "s"}`;
  if (w % 3600 === 0) return `${w / 3600} hour${w === 3600 ? "" : "s"}`;
  if (w % 60 === 0) return `${w / 60} minute${w === 60 ? "" : "s"}`;
  return `${w} second${w === 1 ? "" : "s"}`;
}

function figure(
  id: string,
  title: string,
  note: string,
  svg: string,
  legendHtml: string,
  table: string,
): string {
  return `<figure class="chart" id="chart-${id}" data-chart="${id}">
<figcaption><h3>${esc(title)}</h3><p class="note">${note}</p></figcaption>
${legendHtml}
${svg}
<details class="data"><summary>Data table</summary>${table}</details>
</figure>`;
}

function tableOf(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const th = head.map((h, i) => `<th scope="col"${i > 0 ? ' class="n"' : ""}>${esc(h)}</th>`);
  const trs = rows.map(
    (r) =>
      `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td class="n">${typeof c === "number" ? num(c) : esc(c)}</td>`)).join("")}</tr>`,
  );
  return `<div class="scroll"><table><thead><tr>${th.join("")}</tr></thead><tbody>${trs.join("")}</tbody></table></div>`;
}

function empty(id: string, title: string, why: string): string {
  return `<figure class="chart empty" id="chart-${id}" data-chart="${id}"><figcaption><h3>${esc(title)}</h3></figcaption><p class="note">${esc(why)}</p></figure>`;
}

const TICK_STEPS = [1, 5, 15, 60, 300, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800];

/** Round times (multiples of a step from TICK_STEPS) in [from, to), at most 7 of them. */
export function roundTicks(from: number, to: number, width: number): number[] {
  const span = Math.max(to - from, width);
  let step = TICK_STEPS.find((st) => st >= width && span / st <= 7);
  if (step === undefined) step = 604800 * 2 ** Math.ceil(Math.log2(span / 604800 / 7));
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t < to; t += step) out.push(t);
  return out.length > 0 ? out : [from];
}

// ---- status classes over time -----------------------------------------------------------------

export function timelineChart(summary: Summary): string {
  const { width, buckets } = summary.timeline;
  const starts = Object.keys(buckets)
    .map(Number)
    .sort((a, b) => a - b);
  const title = "Status classes over time";
  if (starts.length === 0)
    return empty(
      "timeline",
      title,
      "None of the sources records timestamps (or there were no exchanges), so there is no timeline.",
    );
  const present = STATUS_SERIES.filter((s) =>
    starts.some((t) => (buckets[String(t)]![s.key] ?? 0) > 0),
  );
  const first = starts[0]!;
  const last = starts[starts.length - 1]!;
  // Slots on a true time axis (gaps stay visible), unless the data is so sparse that bars vanish.
  const slots = (last - first) / width + 1;
  const byTime = slots <= 4 * Math.max(starts.length, 60);
  const n = byTime ? slots : starts.length;
  const slotOf = (t: number, i: number): number => (byTime ? (t - first) / width : i);
  const W = 1160;
  const H = 220;
  const left = 56;
  const top = 10;
  const plotW = W - left - 10;
  const plotH = H - top - 30;
  const max = niceMax(Math.max(...starts.map((t) => sum(buckets[String(t)]!))));
  const slotW = plotW / n;
  const barW = Math.max(1, slotW * (n > 1 ? 0.8 : 0.3));
  const marks: string[] = [];
  for (const [i, t] of starts.entries()) {
    const b = buckets[String(t)]!;
    const total = sum(b);
    const x = left + slotOf(t, i) * slotW + (slotW - barW) / 2;
    let y = top + plotH;
    for (const s of present) {
      const c = b[s.key] ?? 0;
      if (c === 0) continue;
      const h = (c / max) * plotH;
      y -= h;
      marks.push(
        `<rect class="mark" data-count="${c}" data-series="${s.key}" x="${x.toFixed(2)}" y="${y.toFixed(2)}" width="${barW.toFixed(2)}" height="${Math.max(h, 0.5).toFixed(2)}" fill="url(#${patternId("timeline", s)})"><title>${esc(utc(t))} UTC (+${esc(widthLabel(width))}): ${esc(s.label)} ${num(c)} of ${num(total)}</title></rect>`,
      );
    }
  }
  const grid: string[] = [];
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH - f * plotH;
    grid.push(
      `<line class="grid" x1="${left}" x2="${W - 10}" y1="${y}" y2="${y}"/><text class="tick" x="${left - 6}" y="${y + 4}" text-anchor="end">${short(max * f)}</text>`,
    );
  }
  const ticks = byTime
    ? roundTicks(first, last + width, width).map((t) => ({
        t,
        x: left + ((t - first) / width) * slotW,
      }))
    : [0, starts.length - 1].map((i) => ({ t: starts[i]!, x: left + i * slotW + slotW / 2 }));
  const tickText = ticks
    .filter((k) => k.x >= left && k.x <= W - 10)
    .map((k, n) => {
      const label = n === 0 || k.t % 86400 === 0 ? utc(k.t) : utc(k.t).slice(11);
      return `<line class="grid" x1="${k.x.toFixed(1)}" x2="${k.x.toFixed(1)}" y1="${top + plotH}" y2="${top + plotH + 4}"/><text class="tick" x="${k.x.toFixed(1)}" y="${H - 8}" text-anchor="${n === 0 ? "start" : "middle"}">${esc(label)}${n === 0 ? " UTC" : ""}</text>`;
    });
  const svg = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-timeline-desc" preserveAspectRatio="xMinYMin meet"><desc id="chart-timeline-desc">Stacked bars: exchanges per ${esc(widthLabel(width))} by status class, ${esc(utc(first))} to ${esc(utc(last + width))} UTC.</desc>${patternDefs("timeline", present)}${grid.join("")}${marks.join("")}${tickText.join("")}</svg>`;
  const table = tableOf(
    ["Bucket start (UTC)", ...present.map((s) => s.label), "total"],
    starts.map((t) => {
      const b = buckets[String(t)]!;
      return [utc(t), ...present.map((s) => b[s.key] ?? 0), sum(b)];
    }),
  );
  return figure(
    "timeline",
    title,
    `Exchanges per ${esc(widthLabel(width))} (UTC), by status class. Hover a bar for its numbers.`,
    svg,
    legend("timeline", present),
    table,
  );
}

// ---- failure classes per endpoint ---------------------------------------------------------------

/** Endpoints with failures, most failures first (ties by key): the chart draws the first few. */
export function endpointsByFailures(summary: Summary): [string, Counts][] {
  const rows: [string, Counts][] = Object.entries(summary.endpoints)
    .filter(([, e]) => sum(e.classes) > 0)
    .map(([k, e]) => [k, e.classes]);
  if (sum(summary.otherEndpoints.classes) > 0)
    rows.push(["(other endpoints, past the template limit)", summary.otherEndpoints.classes]);
  return rows.sort(([ka, a], [kb, b]) => sum(b) - sum(a) || (ka < kb ? -1 : ka > kb ? 1 : 0));
}

function hbars(
  chart: string,
  rows: readonly { label: string; title: string; parts: { s: Series; count: number }[] }[],
  series: readonly Series[],
  desc: string,
): string {
  const W = 1160;
  const rowH = 26;
  const labelW = 380;
  const right = 70;
  const H = rows.length * rowH + 8;
  const max = Math.max(1, ...rows.map((r) => r.parts.reduce((a, p) => a + p.count, 0)));
  const plotW = W - labelW - right;
  const out: string[] = [];
  for (const [i, r] of rows.entries()) {
    const y = 4 + i * rowH;
    const total = r.parts.reduce((a, p) => a + p.count, 0);
    out.push(
      `<text class="label" x="${labelW - 10}" y="${y + 17}" text-anchor="end"><title>${esc(r.title)}</title>${esc(clipText(r.label, 52))}</text>`,
    );
    let x = labelW;
    for (const p of r.parts) {
      if (p.count === 0) continue;
      const w = (p.count / max) * plotW;
      out.push(
        `<rect class="mark" data-count="${p.count}" data-series="${esc(p.s.key)}" x="${x.toFixed(2)}" y="${y + 3}" width="${Math.max(w, 1).toFixed(2)}" height="${rowH - 8}" fill="url(#${patternId(chart, p.s)})"><title>${esc(r.title)}: ${esc(p.s.label)} ${num(p.count)} of ${num(total)}</title></rect>`,
      );
      x += w;
    }
    out.push(`<text class="value" x="${(x + 6).toFixed(2)}" y="${y + 17}">${num(total)}</text>`);
  }
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-${chart}-desc" preserveAspectRatio="xMinYMin meet"><desc id="chart-${chart}-desc">${esc(desc)}</desc>${patternDefs(chart, series)}${out.join("")}</svg>`;
}

export function endpointChart(summary: Summary): string {
  const title = "Failure classes per endpoint";
  const all = endpointsByFailures(summary);
  if (all.length === 0) return empty("endpoints", title, "No failures: every exchange succeeded.");
  const keys = [...new Set(all.flatMap(([, c]) => Object.keys(c)))];
  const series = classSeries(keys);
  const shown = all.slice(0, CHART_ENDPOINTS);
  const svg = hbars(
    "endpoints",
    shown.map(([k, c]) => ({
      label: k,
      title: k,
      parts: series.map((s) => ({ s, count: c[s.key] ?? 0 })),
    })),
    series,
    `Horizontal stacked bars: failures by class for the ${shown.length} endpoint templates with the most failures.`,
  );
  const table = tableOf(
    ["Endpoint template", ...series.map((s) => s.label), "failures", "exchanges"],
    all.map(([k, c]) => [
      k,
      ...series.map((s) => c[s.key] ?? 0),
      sum(c),
      summary.endpoints[k]?.count ?? summary.otherEndpoints.count,
    ]),
  );
  const note =
    all.length > shown.length
      ? `The ${shown.length} endpoint templates with the most failures, of ${num(all.length)} with any (all in the data table).`
      : `Every endpoint template with failures (${num(all.length)}).`;
  return figure("endpoints", title, note, svg, legend("endpoints", series), table);
}

// ---- top rules ----------------------------------------------------------------------------------

export function rulesChart(summary: Summary, rules: ReadonlyMap<string, Rule>): string {
  const title = "Findings by rule";
  const entries = Object.entries(summary.findings).sort(
    ([ia, a], [ib, b]) => b.count - a.count || (ia < ib ? -1 : 1),
  );
  if (entries.length === 0) return empty("rules", title, "No rule found anything.");
  const present = SEVERITY_SERIES.filter((s) =>
    entries.some(([, f]) => (f.bySeverity[s.key as Severity] ?? 0) > 0),
  );
  const svg = hbars(
    "rules",
    entries.map(([id, f]) => ({
      label: id,
      title: `${id}${rules.get(id) ? `: ${rules.get(id)!.meta.title}` : ""}`,
      parts: present.map((s) => ({ s, count: f.bySeverity[s.key as Severity] ?? 0 })),
    })),
    present,
    "Horizontal bars: findings per rule, by severity, most first.",
  );
  const table = tableOf(
    ["Rule", ...present.map((s) => s.label), "findings"],
    entries.map(([id, f]) => [
      id,
      ...present.map((s) => f.bySeverity[s.key as Severity] ?? 0),
      f.count,
    ]),
  );
  return figure(
    "rules",
    title,
    "Exact counts of findings per rule (the table below lists the first few of each).",
    svg,
    legend("rules", present),
    table,
  );
}
