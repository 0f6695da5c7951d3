/** Parity: every rule has a NIST CSF 2.0 category and per-framework fixes, read from its docs page. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CSF_LABELS } from "../../../src/audit/report/html/findings.js";
import { FRAMEWORKS, parseFixSections } from "../../../src/audit/report/html/fix-docs.js";
import { RULE_FIXES } from "../../../src/audit/report/html/fixes.generated.js";
import { RULES } from "../../../src/audit/rules/index.js";

const doc = (id: string) =>
  readFileSync(new URL(`../../../../../docs/rules/${id}.md`, import.meta.url), "utf8");

describe("rule fixes and CSF categories", () => {
  it("fixes.generated.ts is what docs/rules say (run npm run gen:fixes when this fails)", () => {
    expect(Object.keys(RULE_FIXES).sort()).toEqual(RULES.map((r) => r.id).sort());
    for (const r of RULES) expect(RULE_FIXES[r.id], r.id).toEqual(parseFixSections(doc(r.id)));
  });

  it("every rule has a fix for Express, Fastify and Hono, and a documented NIST CSF 2.0 category", () => {
    for (const r of RULES) {
      for (const fw of FRAMEWORKS) expect(RULE_FIXES[r.id]?.[fw], `${r.id} ${fw}`).toMatch(/\S/);
      expect(Object.keys(CSF_LABELS), r.id).toContain(r.meta.csf);
      expect(doc(r.id), r.id).toMatch(
        new RegExp(`\\| NIST CSF 2\\.0 \\| ${r.meta.csf.replace(".", "\\.")} `),
      );
    }
  });

  it("the parser names a missing section", () => {
    expect(parseFixSections("### Express\n```ts\nx\n```\n")).toEqual({
      error: 'no "### Fastify" section',
    });
  });
});
