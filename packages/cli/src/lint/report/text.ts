/**
 * The lint text reporter, one line per finding as compilers and ESLint print them (file:line:col
 * severity message rule-id), with the YAML to add under it when asked (--fix-suggestions), and a
 * count at the end.
 */
import { styleText } from "node:util";
import { ruleDocsUrl } from "../../links.js";
import type { Severity } from "../rule.js";
import { terminalSafe } from "./terminal.js";
import type { LintReportInput, LintReportOptions } from "./types.js";

type Paint = (text: string) => string;
const NO_CHECK = { validateStream: false } as const;

export function lintTextReport(input: LintReportInput, options: LintReportOptions = {}): string {
  const paint = (format: Parameters<typeof styleText>[0]): Paint =>
    options.color === true ? (t) => styleText(format, t, NO_CHECK) : (t) => t;
  const bold = paint("bold");
  const dim = paint("dim");
  const sev: Record<Severity, Paint> = {
    error: paint("red"),
    warning: paint("yellow"),
    info: paint("cyan"),
  };
  const { result, known } = input;
  const out: string[] = [];
  let file: string | undefined;
  const fresh = { error: 0, warning: 0, info: 0 };
  let knownCount = 0;
  const used = new Set<string>();
  for (const f of result.findings) {
    const isKnown = known?.has(f) === true;
    if (isKnown) knownCount++;
    else fresh[f.severity]++;
    used.add(f.ruleId);
    if (f.location.file !== file) {
      if (file !== undefined) out.push("");
      file = f.location.file;
      out.push(bold(terminalSafe(file)));
    }
    const where = `${f.location.line}:${f.location.column}`.padEnd(8);
    out.push(
      `  ${dim(where)} ${sev[f.severity](f.severity.padEnd(7))} ${terminalSafe(f.message)}  ${dim(f.ruleId)}${isKnown ? dim(" (known: in the baseline)") : ""}`,
    );
    if (options.fixSuggestions === true && f.suggestion !== undefined) {
      const s = f.suggestion;
      out.push(
        dim(
          `           add under ${terminalSafe(s.location.file)}:${s.location.line} (${terminalSafe(s.location.pointer || "/")}):`,
        ),
      );
      for (const line of s.yaml.split("\n")) out.push(`             ${terminalSafe(line)}`);
    }
  }
  if (result.findings.length > 0) out.push("");
  const total = fresh.error + fresh.warning + fresh.info;
  const files = result.files.length;
  const head = `truestatus lint: ${result.operations} operation${result.operations === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"} (OpenAPI ${result.version})`;
  out.push(bold(head));
  out.push(
    total === 0 && knownCount === 0
      ? "  no findings"
      : `  ${sev.error(`${fresh.error} error${fresh.error === 1 ? "" : "s"}`)}, ${sev.warning(`${fresh.warning} warning${fresh.warning === 1 ? "" : "s"}`)}, ${fresh.info} info${knownCount > 0 ? dim(`; ${knownCount} known (baseline)`) : ""}`,
  );
  if (result.remoteRefs > 0)
    out.push(
      dim(
        `  ${result.remoteRefs} remote $ref${result.remoteRefs === 1 ? " was" : "s were"} not followed: what they point at was not checked`,
      ),
    );
  if (used.size > 0) {
    out.push(dim("  rules: "));
    for (const id of [...used].sort()) out.push(dim(`    ${id}  ${ruleDocsUrl(id)}`));
  }
  return `${out.join("\n")}\n`;
}
