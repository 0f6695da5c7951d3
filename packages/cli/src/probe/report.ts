/**
 * Probe reports: the same reporters as analyze (text, JSON, SARIF) for the Summary, plus what only
 * a probe has: every request sent, what was skipped and why.
 */
import { REPORTERS, type ReportFormat, type ReportOptions } from "../audit/report/index.js";
import type { ProbeResult } from "./probe.js";

/** The probe's own part, as JSON (under "probe" in --format json). */
export function probeFacts(r: ProbeResult) {
  return {
    target: r.target,
    maxRequests: r.maxRequests,
    sent: r.requests.length,
    skipped: r.skipped,
    witness: r.witness,
    notes: r.notes,
    requests: r.requests,
    refused: r.refused,
  };
}

/** The text reporter's title, after an optional colour escape. */
const TITLE = new RegExp(`^((?:${String.fromCharCode(27)}\\[[0-9;]*m)?)truestatus analyze:`);

export function requestList(r: ProbeResult): string {
  const lines = [
    `Requests sent to ${r.target}: ${r.requests.length} of at most ${r.maxRequests}` +
      (r.skipped.budget > 0 ? ` (${r.skipped.budget} more wanted: raise --max-requests)` : "") +
      (r.refused.length > 0 ? ` (${r.refused.length} not sent: listed below)` : ""),
  ];
  for (const q of r.requests)
    lines.push(
      `  #${String(q.n).padEnd(4)} ${q.scenario.padEnd(24)} ${`${q.method} ${q.target}`.padEnd(56)} ${String(q.status ?? q.error ?? "-").padEnd(5)} as ${q.identity}`,
    );
  if (r.refused.length > 0) {
    lines.push("Not sent:");
    for (const q of r.refused)
      lines.push(
        `  ${q.scenario.padEnd(24)} ${q.did}: ${q.skip === "unsafe" ? "needs --unsafe: " : ""}${q.reason}`,
      );
  }
  if (r.witness.watched > 0)
    lines.push(
      r.witness.changed.length === 0
        ? `State witness: ${r.witness.watched} resource${r.witness.watched === 1 ? "" : "s"} read before the probe's writes and after them: unchanged`
        : `State witness: STATE CHANGED DURING THE PROBE: ${r.witness.changed.map((c) => `${c.path} (${c.change})`).join("; ")}`,
    );
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return `${lines.join("\n")}\n`;
}

/** The report of a probe in a --format: the analyze reporter's output, with the probe's part. */
export function probeReport(
  r: ProbeResult,
  format: ReportFormat,
  options: ReportOptions = {},
): string {
  if (format === "json") {
    const summary = JSON.parse(REPORTERS.json(r.summary, options)) as object;
    return `${JSON.stringify({ ...summary, probe: probeFacts(r) }, null, 2)}\n`;
  }
  if (format === "text") {
    // The analyze reporter, titled for what produced the exchanges.
    const report = REPORTERS.text(r.summary, options).replace(TITLE, "$1truestatus probe:");
    return options.quiet ? report : `${report}\n${requestList(r)}`;
  }
  return REPORTERS[format](r.summary, options);
}
