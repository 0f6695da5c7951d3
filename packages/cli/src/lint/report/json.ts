/**
 * The lint JSON reporter (schema: docs/lint.md): every finding with its location (file, line,
 * column, JSON pointer), fingerprint, whether the baseline knows it, and the suggested YAML.
 */
import { ruleDocsUrl } from "../../links.js";
import { countBySeverity } from "../lint.js";
import type { LintReportInput, LintReportOptions } from "./types.js";

export const LINT_SCHEMA_VERSION = 1;

export function lintJsonReport(input: LintReportInput, options: LintReportOptions = {}): string {
  const { result, known } = input;
  const rules = new Map(result.rules.map((r) => [r.id, r]));
  const used = [...new Set(result.findings.map((f) => f.ruleId))].sort();
  const fresh = result.findings.filter((f) => known?.has(f) !== true);
  const report = {
    schemaVersion: LINT_SCHEMA_VERSION,
    tool: {
      name: "truestatus",
      command: "lint",
      ...(options.version !== undefined ? { version: options.version } : {}),
    },
    document: {
      file: result.file,
      openapi: result.version,
      files: result.files,
      operations: result.operations,
      remoteRefs: result.remoteRefs,
    },
    counts: { ...countBySeverity(fresh), known: result.findings.length - fresh.length },
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      location: {
        file: f.location.file,
        line: f.location.line,
        column: f.location.column,
        pointer: f.location.pointer,
      },
      fingerprint: f.fingerprint,
      known: known?.has(f) === true,
      ...(f.suggestion !== undefined
        ? {
            suggestion: {
              file: f.suggestion.location.file,
              line: f.suggestion.location.line,
              pointer: f.suggestion.location.pointer,
              yaml: f.suggestion.yaml,
            },
          }
        : {}),
    })),
    rules: Object.fromEntries(
      used.map((id) => {
        const r = rules.get(id);
        return [
          id,
          {
            title: r?.meta.title ?? id,
            severity: r?.meta.severity ?? "warning",
            docs: ruleDocsUrl(id),
          },
        ];
      }),
    ),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
