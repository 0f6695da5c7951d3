/**
 * `truestatus lint --export spectral`: the ruleset, run by the real Spectral CLI
 * (@stoplight/spectral-cli), reports the same findings as `truestatus lint` (rule, file, line,
 * message) on the whole test corpus: the public documents without remote $refs (Spectral would
 * fetch those) and the planted ones.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { run } from "../cli/run.js";

const exec = promisify(execFile);
const fixtures = new URL("fixtures/", import.meta.url).pathname;
const spectralBin = new URL("../../../../node_modules/.bin/spectral", import.meta.url).pathname;

const corpus = [
  ...readdirSync(join(fixtures, "public"))
    .filter(
      (f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith("bad-") && !f.startsWith("teamdigitale-"),
    )
    .map((f) => join(fixtures, "public", f)),
  ...["sloppy.yaml", "sloppy.json", "clean.yaml", "split/openapi.yaml"].map((f) =>
    join(fixtures, "planted", f),
  ),
];

async function truestatusFindings(file: string): Promise<string[]> {
  const r = await run(["lint", file, "--format", "json", "--fail-on", "none"]);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.out) as {
    findings: { ruleId: string; message: string; location: { file: string; line: number } }[];
  };
  return report.findings
    .map((f) => `${f.ruleId} ${f.location.file}:${f.location.line} ${f.message}`)
    .sort();
}

describe("truestatus lint --export spectral", () => {
  it("Spectral reports what truestatus lint reports, on every document of the corpus", async () => {
    const exported = await run(["lint", "--export", "spectral"]);
    expect(exported.code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "truestatus-spectral-"));
    const ruleset = join(dir, ".spectral.js");
    writeFileSync(ruleset, exported.out);
    // One Spectral run for the whole corpus (it starts slowly); exit 1 means "found something".
    const res = await exec(
      spectralBin,
      ["lint", "-r", ruleset, "-f", "json", "--quiet", "--fail-severity", "error", ...corpus],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((e: { stdout: string; code: number }) => {
      if (e.code !== 1) throw e;
      return { stdout: e.stdout };
    });
    const spectral = (
      JSON.parse(res.stdout) as {
        code: string;
        source: string;
        message: string;
        range: { start: { line: number } };
      }[]
    ).map((r) => `${r.code} ${r.source}:${r.range.start.line + 1} ${r.message}`);
    const bySource = new Map<string, string[]>();
    let total = 0;
    for (const file of corpus) {
      const ours = await truestatusFindings(file);
      total += ours.length;
      bySource.set(file, ours);
    }
    // Spectral names a document by its absolute path, as the corpus does.
    expect(spectral.sort()).toEqual([...bySource.values()].flat().sort());
    // The comparison means something only if the corpus has findings of every rule.
    expect(total).toBeGreaterThan(60);
    const rules = new Set(spectral.map((s) => s.split(" ")[0]));
    expect(rules.size).toBe(13);
  }, 120_000);
});
