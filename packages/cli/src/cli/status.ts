/** `truestatus status [code]`: what the RFCs say about a status code, and which failures produce it. */
import { FAILURE_KINDS, type FailureKind, STATUSES, specUrl, statusInfo } from "truestatus";
import { columns, type Styles } from "./output.js";

export function renderStatusList(st: Styles): string {
  const rows: string[][] = [["code", "reason", "defined in", "must carry"]];
  for (const s of STATUSES) {
    const must = s.headers.filter((h) => h.level === "MUST").map((h) => h.field);
    const spec = s.spec.section ? `${s.spec.document} §${s.spec.section}` : s.spec.document;
    rows.push([
      String(s.code),
      s.obsolete ? `${s.reason} (obsolete)` : s.reason,
      spec,
      must.join(", ") || "-",
    ]);
  }
  const lines = columns(rows);
  return `${[st.bold(lines[0]!), ...lines.slice(1)].join("\n")}\n`;
}

/** Returns the text, or undefined when the code is not registered. */
export function renderStatus(code: number, st: Styles): string | undefined {
  const s = statusInfo(code);
  if (!s) return undefined;
  const spec = s.spec.section ? `${s.spec.document} §${s.spec.section}` : s.spec.document;
  const url = specUrl(s.spec);
  const lines = [
    st.bold(`${s.code} ${s.reason}`) +
      (s.obsolete ? " (obsolete: do not send)" : "") +
      (s.temporary ? " (temporary registration)" : ""),
    `class:      ${s.class.replace("_", " ")}`,
    `defined in: ${spec}${url ? `  ${st.dim(url)}` : ""}`,
    `content:    ${s.content ? "allowed (never in answer to HEAD)" : "never"}`,
    `cacheable:  ${s.cacheable ? "yes, heuristically (RFC 9110 §15.1)" : "only with explicit freshness"}`,
    `retry:      ${s.retry.replaceAll("_", " ")}`,
  ];
  if (s.headers.length > 0) {
    lines.push("header fields:");
    for (const h of s.headers)
      lines.push(
        `  ${h.level.padEnd(6)} ${h.field}${h.when ? ` (${h.when})` : ""}  ${st.dim(h.source)}`,
      );
  }
  const kinds = (Object.keys(FAILURE_KINDS) as FailureKind[]).filter(
    (k) => FAILURE_KINDS[k].status === code,
  );
  if (kinds.length > 0) lines.push(`truestatus failures answered with it: ${kinds.join(", ")}`);
  return `${lines.join("\n")}\n`;
}
