/** Test helpers for lint rules: small resolved documents, and the table-driven rule runner. */
import { DEFAULT_POLICY } from "truestatus";
import { expect, it } from "vitest";
import { DEFAULT_LINT_OPTIONS } from "../../src/lint/lint.js";
import type { JsonPath, LintOptions, LintRule } from "../../src/lint/rule.js";

type Json = Record<string, unknown>;

/** A resolved OpenAPI 3.0 document with these paths (and other top-level members). */
export function doc(paths: Json, extra: Json = {}): Json {
  return { openapi: "3.0.3", info: { title: "t", version: "1" }, paths, ...extra };
}

/** A document with one operation: `method path` with these responses (and other operation members). */
export function one(
  responses: Json,
  opExtra: Json = {},
  docExtra: Json = {},
  method = "get",
  path = "/x",
): Json {
  return doc({ [path]: { [method]: { responses, ...opExtra } } }, docExtra);
}

export const problem = (schema: Json = { type: "object" }) => ({
  content: { "application/problem+json": { schema } },
});

export const bearer = {
  components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
};

export interface LintCase {
  readonly name: string;
  readonly doc: Json;
  readonly options?: Partial<LintOptions>;
}

export interface InvalidLintCase extends LintCase {
  readonly findings: readonly { readonly message: RegExp; readonly path?: JsonPath }[];
}

/** Table-driven (as eslint's RuleTester): valid documents give no finding, invalid ones exactly these. */
export function testLintRule(
  rule: LintRule,
  cases: { valid: readonly LintCase[]; invalid: readonly InvalidLintCase[] },
): void {
  const opts = (c: LintCase): LintOptions => ({
    ...DEFAULT_LINT_OPTIONS,
    policy: DEFAULT_POLICY,
    ...c.options,
  });
  for (const c of cases.valid)
    it(`valid: ${c.name}`, () => {
      expect(rule.check(c.doc, opts(c))).toEqual([]);
    });
  for (const c of cases.invalid)
    it(`invalid: ${c.name}`, () => {
      const found = rule.check(c.doc, opts(c));
      expect(found.map((f) => f.message)).toHaveLength(c.findings.length);
      for (const [i, want] of c.findings.entries()) {
        const f = found[i]!;
        expect(f.ruleId).toBe(rule.id);
        expect(f.severity).toBe(rule.meta.severity);
        expect(f.message).toMatch(want.message);
        if (want.path) expect(f.path).toEqual(want.path);
        if (f.suggestion) expect(f.suggestion.yaml.length).toBeGreaterThan(5);
      }
    });
}
