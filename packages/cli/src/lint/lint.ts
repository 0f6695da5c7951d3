/**
 * Runs the lint rules over a loaded document and places each finding: file:line:column, the JSON
 * pointer of the node in its file, and a fingerprint that survives edits elsewhere in the document
 * (rule id, file relative to the root document, pointer: never a line number). Findings that land
 * on the same node with the same message (a shared component referenced by many operations) are
 * one finding, as Spectral counts them.
 */
import { DEFAULT_POLICY } from "truestatus";
import { lintFingerprint } from "../baseline/fingerprint.js";
import type { LoadedApi, SourceLocation } from "./load.js";
import type { LintFinding, LintOptions, LintRule, Severity, Suggestion } from "./rule.js";
import { LINT_RULES } from "./rules/index.js";

export interface PlacedSuggestion extends Suggestion {
  /** Where the YAML goes. */
  readonly location: SourceLocation;
}

export interface PlacedFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location: SourceLocation;
  /** rule id + file + pointer: what a baseline matches on. */
  readonly fingerprint: string;
  readonly suggestion?: PlacedSuggestion;
}

export interface LintResult {
  readonly file: string;
  readonly version: "3.0" | "3.1";
  readonly files: readonly string[];
  readonly operations: number;
  readonly remoteRefs: number;
  /** Sorted by file, line, column, rule. */
  readonly findings: readonly PlacedFinding[];
  readonly rules: readonly LintRule[];
}

export const DEFAULT_LINT_OPTIONS: LintOptions = {
  policy: DEFAULT_POLICY,
  errorMediaTypes: [],
  upstreamOperations: [],
};

export function lintLoaded(
  api: LoadedApi,
  options: LintOptions = DEFAULT_LINT_OPTIONS,
  rules: readonly LintRule[] = LINT_RULES,
): LintResult {
  const seen = new Set<string>();
  const findings: PlacedFinding[] = [];
  const place = (f: LintFinding) => {
    const location = api.locate(f.path);
    const key = `${f.ruleId}\n${location.file}\n${location.pointer}\n${f.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      location,
      fingerprint: lintFingerprint(f.ruleId, location),
      ...(f.suggestion !== undefined
        ? { suggestion: { ...f.suggestion, location: api.locate(f.suggestion.path) } }
        : {}),
    });
  };
  for (const rule of rules) for (const f of rule.check(api.data, options)) place(f);
  findings.sort(
    (a, b) =>
      cmp(a.location.file, b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.message, b.message),
  );
  let operations = 0;
  const paths = api.data.paths;
  if (typeof paths === "object" && paths !== null)
    for (const item of Object.values(paths))
      if (typeof item === "object" && item !== null)
        for (const m of ["get", "put", "post", "delete", "options", "head", "patch", "trace"])
          if (typeof (item as Record<string, unknown>)[m] === "object") operations++;
  return {
    file: api.file,
    version: api.version,
    files: api.files,
    operations,
    remoteRefs: api.remoteRefs,
    findings,
    rules,
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function countBySeverity(
  findings: readonly { severity: Severity }[],
): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}
