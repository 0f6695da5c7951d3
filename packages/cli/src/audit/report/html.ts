/**
 * The HTML reporter: one self-contained file (no network request, no CDN: inline CSS, inline SVG
 * charts made by the project, one small inline script), built from the Summary alone, so that
 * `analyze` and `probe` share it. A Content-Security-Policy forbids every fetch. Layout and
 * definitions: docs/report.md.
 */
import { createHash } from "node:crypto";
import { RULES } from "../rules/index.js";
import type { Summary } from "../summary.js";
import { endpointChart, rulesChart, timelineChart } from "./html/charts.js";
import { esc, num } from "./html/escape.js";
import { findingsSection } from "./html/findings.js";
import { scorecardSection } from "./html/scorecard.js";
import { SCRIPT } from "./html/script.js";
import { STYLE } from "./html/style.js";
import type { ReportOptions } from "./options.js";

const SCRIPT_HASH = createHash("sha256").update(SCRIPT).digest("base64");
/** Nothing may be fetched: no default source, inline style, the one script by its hash. */
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;

export function htmlReport(summary: Summary, options: ReportOptions = {}): string {
  const rules = new Map((options.rules ?? RULES).map((r) => [r.id, r]));
  const files = Object.keys(summary.sources);
  const what =
    files.length === 0
      ? "no sources"
      : files.length === 1
        ? files[0]!
        : `${files[0]!} and ${files.length - 1} more`;
  const version = options.version !== undefined ? ` ${options.version}` : "";
  const partial = summary.partial
    ? '<p class="banner" role="alert">Partial: an input ended early; the numbers cover what was read.</p>'
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<title>truestatus report: ${esc(what)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header class="top"><h1>truestatus <span>· HTTP status codes that tell the truth</span></h1>
<div class="meta-line">${esc(what)} · ${num(summary.exchanges)} exchanges · truestatus${esc(version)}</div></header>
${partial}${scorecardSection(summary)}
<div class="charts">
${timelineChart(summary)}
${endpointChart(summary)}
${rulesChart(summary, rules)}
</div>
${findingsSection(summary, rules)}
<footer>Made by <code>truestatus analyze --format html</code>. Self-contained: this file fetches nothing. Definitions: docs/report.md.</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
