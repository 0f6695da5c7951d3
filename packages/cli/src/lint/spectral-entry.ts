/**
 * What `truestatus lint --export spectral` puts inside the ruleset: the lint rules and a function
 * that runs one of them as a Spectral custom function. Bundled at build time (esbuild, an IIFE named
 * `truestatus`) into dist/lint/spectral-rules.js; nothing here may use Node APIs.
 */
import type { LintOptions } from "./rule.js";
import { LINT_RULES } from "./rules/index.js";

export interface SpectralResult {
  readonly message: string;
  readonly path: (string | number)[];
}

/** A Spectral `then.function` for the rule `id`: given the resolved document (`given: "$"`). */
export function spectralFunction(
  id: string,
  options: LintOptions,
): (input: unknown) => SpectralResult[] {
  const rule = LINT_RULES.find((r) => r.id === id);
  if (rule === undefined) throw new Error(`truestatus: no lint rule ${id}`);
  return (input) => {
    if (typeof input !== "object" || input === null) return [];
    const doc = input as Record<string, unknown>;
    if (typeof doc.openapi !== "string" || !/^3\.[01]\./.test(doc.openapi)) return [];
    return rule.check(doc, options).map((f) => ({ message: f.message, path: [...f.path] }));
  };
}

export const rules = LINT_RULES.map((r) => ({
  id: r.id,
  severity: r.meta.severity,
  title: r.meta.title,
  description: r.meta.description,
}));
