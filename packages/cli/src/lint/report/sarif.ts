/**
 * The lint SARIF 2.1.0 reporter: one run, the lint rules as reportingDescriptors (same ids and help
 * pages as analyze's), one result per finding with a region (startLine, startColumn) in the file
 * where the node is written, and a partial fingerprint for code-scanning's deduplication. With a
 * baseline, each result carries baselineState "new" or "unchanged" (SARIF §3.27.24) and keeps its level.
 */

import { SARIF_LEVEL, sarifRuleDescriptor } from "../../audit/report/sarif-rule.js";
import { REPOSITORY_URL } from "../../links.js";
import type { LintReportInput, LintReportOptions } from "./types.js";

export function lintSarifReport(input: LintReportInput, options: LintReportOptions = {}): string {
  const { result, known } = input;
  const index = new Map(result.rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "truestatus",
            ...(options.version !== undefined
              ? { version: options.version, semanticVersion: options.version }
              : {}),
            informationUri: REPOSITORY_URL,
            rules: result.rules.map((r) => sarifRuleDescriptor(r, ["openapi"])),
          },
        },
        automationDetails: { id: "truestatus/lint/" },
        artifacts: result.files.map((file) => ({
          location: { uri: encodeURI(file.split("\\").join("/")) },
        })),
        results: result.findings.map((f) => ({
          ruleId: f.ruleId,
          ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.location.file.split("\\").join("/")) },
                region: { startLine: f.location.line, startColumn: f.location.column },
              },
              logicalLocations: [{ fullyQualifiedName: f.location.pointer || "/", kind: "member" }],
            },
          ],
          partialFingerprints: { "truestatus/v1": f.fingerprint },
          ...(known !== undefined ? { baselineState: known.has(f) ? "unchanged" : "new" } : {}),
          ...(f.suggestion !== undefined ? { properties: { suggestion: f.suggestion.yaml } } : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
