/** `truestatus lint` end to end (in-process): reports, exit codes, suggestions and bad input. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AjvModule from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse, parseDocument, YAMLMap } from "yaml";
import { pointerSegments } from "../../src/lint/load.js";
import { run } from "../cli/run.js";

const planted = (name: string) => new URL(`fixtures/planted/${name}`, import.meta.url).pathname;
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ??
  AjvModule) as typeof AjvModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as typeof addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(
  JSON.parse(
    readFileSync(new URL("../fixtures/sarif/sarif-schema-2.1.0.json", import.meta.url), "utf8"),
  ) as object,
);

interface JsonReport {
  schemaVersion: number;
  counts: { error: number; warning: number; info: number; known: number };
  findings: {
    ruleId: string;
    severity: string;
    message: string;
    location: { file: string; line: number; column: number; pointer: string };
    fingerprint: string;
    suggestion?: { yaml: string; line: number; pointer: string };
  }[];
}

describe("truestatus lint", () => {
  it("prints each finding as file:line:column, severity, message and rule; exit 1 on errors", async () => {
    const r = await run(["lint", planted("sloppy.yaml")]);
    expect(r.code).toBe(1);
    expect(r.err).toBe("");
    expect(r.out).toMatch(
      /^ {2}112:5 +error +the 401 response does not declare a WWW-Authenticate header.*401-needs-www-authenticate$/m,
    );
    expect(r.out).toMatch(
      /^ {2}12:7 +warning +GET \/orders requires scopes \(orders:read\) but declares no 403 response +scoped-operation-needs-403$/m,
    );
    // Severities shared with analyze (issue 22's review): 500-masks-upstream-failure and
    // soft-error-2xx are errors, 405-needs-allow a warning.
    expect(r.out).toContain("8 errors, 10 warnings, 1 info");
    expect(r.out).toContain("docs/rules/401-needs-www-authenticate.md");
  });

  it("--fail-on decides the exit code", async () => {
    expect((await run(["lint", planted("sloppy.yaml"), "--fail-on", "none"])).code).toBe(0);
    expect((await run(["lint", planted("split/openapi.yaml"), "--fail-on", "error"])).code).toBe(1);
    const clean = await run(["lint", planted("clean.yaml"), "--fail-on", "info"]);
    expect(clean.code).toBe(0);
    expect(clean.out).toContain("no findings");
  });

  it("the JSON report lists every finding with its location and a line-free fingerprint", async () => {
    const r = await run(["lint", planted("sloppy.yaml"), "--format", "json"]);
    const report = JSON.parse(r.out) as JsonReport;
    expect(report.schemaVersion).toBe(1);
    expect(report.findings).toHaveLength(19);
    expect(report.counts).toEqual({ error: 8, warning: 10, info: 1, known: 0 });
    const f = report.findings.find((x) => x.ruleId === "problem-status-not-integer")!;
    expect(f.location).toMatchObject({
      line: 142,
      column: 9,
      pointer: "/components/schemas/Problem/properties/status",
    });
    expect(f.fingerprint).toBe(
      "problem-status-not-integer:sloppy.yaml#/components/schemas/Problem/properties/status",
    );
    for (const x of report.findings) expect(x.fingerprint).not.toMatch(/:\d+:\d+/);
  });

  it("JSON and YAML of the same document give the same findings (lines aside)", async () => {
    const of = async (f: string) =>
      (JSON.parse((await run(["lint", planted(f), "--format", "json"])).out) as JsonReport).findings
        .map((x) => `${x.ruleId} ${x.location.pointer} ${x.message}`)
        .sort();
    expect(await of("sloppy.json")).toEqual(await of("sloppy.yaml"));
  });

  it("SARIF has a region (line and column) per result and is valid SARIF 2.1.0", async () => {
    const r = await run(["lint", planted("split/openapi.yaml"), "--format", "sarif"]);
    const log = JSON.parse(r.out) as {
      runs: {
        results: {
          ruleId: string;
          locations: {
            physicalLocation: {
              artifactLocation: { uri: string };
              region: { startLine: number; startColumn: number };
            };
          }[];
          partialFingerprints: Record<string, string>;
        }[];
      }[];
    };
    expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(5);
    const schema = results.find((x) => x.ruleId === "problem-status-not-integer")!;
    expect(schema.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(
      /split\/components\/schemas\.json$/,
    );
    expect(schema.locations[0]!.physicalLocation.region).toEqual({ startLine: 7, startColumn: 7 });
    expect(schema.partialFingerprints["truestatus/v1"]).toBe(
      "problem-status-not-integer:components/schemas.json#/Problem/properties/status",
    );
  });

  it("--fix-suggestions prints YAML that parses and fixes what it was suggested for", async () => {
    const r = await run(["lint", planted("sloppy.yaml"), "--fix-suggestions", "--fail-on", "none"]);
    expect(r.out).toContain("add under");
    const json = JSON.parse(
      (await run(["lint", planted("sloppy.yaml"), "--format", "json"])).out,
    ) as JsonReport;
    const suggested = json.findings.filter((f) => f.suggestion !== undefined);
    expect(suggested.length).toBeGreaterThan(8);
    for (const f of suggested) expect(() => parse(f.suggestion!.yaml)).not.toThrow();
    const challenge = suggested.find((f) => f.ruleId === "401-needs-www-authenticate")!;
    expect(parse(challenge.suggestion!.yaml)).toMatchObject({
      headers: { "WWW-Authenticate": { schema: { type: "string" } } },
    });
    // Apply every suggestion where it says, lint again: each suggested finding is gone.
    const doc = parseDocument(readFileSync(planted("sloppy.yaml"), "utf8"));
    for (const f of suggested) {
      const at = pointerSegments(f.suggestion!.pointer);
      const add = parse(f.suggestion!.yaml) as Record<string, unknown>;
      for (const [k, v] of Object.entries(add)) {
        const existing = doc.getIn([...at, k]);
        if (existing instanceof YAMLMap && typeof v === "object" && v !== null)
          for (const [k2, v2] of Object.entries(v)) doc.setIn([...at, k, k2], doc.createNode(v2));
        else doc.setIn([...at, k], doc.createNode(v));
      }
    }
    const dir = mkdtempSync(join(tmpdir(), "truestatus-lint-fix-"));
    writeFileSync(join(dir, "sloppy.yaml"), doc.toString());
    const after = JSON.parse(
      (await run(["lint", join(dir, "sloppy.yaml"), "--format", "json"])).out,
    ) as JsonReport;
    const left = new Set(after.findings.map((f) => `${f.ruleId} ${f.message}`));
    for (const f of suggested)
      expect(left.has(`${f.ruleId} ${f.message}`), `${f.ruleId}: ${f.message}`).toBe(false);
  });

  it.each([
    [
      "a missing file",
      ["lint", "/nonexistent/openapi.yaml"],
      /openapi\.yaml: cannot read \(ENOENT\)/,
    ],
    ["no document", ["lint"], /lint needs one OpenAPI document/],
    [
      "a document with --export",
      ["lint", "x.yaml", "--export", "spectral"],
      /--export writes a ruleset: give no document/,
    ],
    [
      "an unknown format",
      ["lint", "x.yaml", "--format", "html"],
      /expected one of: text, json, sarif/,
    ],
  ])("%s: one line on stderr, exit 2", async (_name, argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.out).toBe("");
  });

  it("a broken $ref: the file and line of the $ref, exit 2", async () => {
    const r = await run([
      "lint",
      new URL("fixtures/public/bad-teamdigitale-marketplace-catalog.yml", import.meta.url).pathname,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad-teamdigitale-marketplace-catalog\.yml:234: not valid YAML/);
  });
});
