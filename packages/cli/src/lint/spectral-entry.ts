/**
 * What `truestatus lint --export spectral` puts inside the ruleset: the lint rules and a function
 * that runs one of them as a Spectral custom function. Bundled at build time (esbuild, an IIFE named
 * `truestatus`) into dist/lint/spectral-rules.js; nothing here may use Node APIs.
 */
import { pointerSegments } from "./pointer.js";
import type { LintOptions } from "./rule.js";
import { LINT_RULES } from "./rules/index.js";

export interface SpectralResult {
  readonly message: string;
  readonly path: (string | number)[];
}

type Path = (string | number)[];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function get(root: unknown, path: readonly (string | number)[]): unknown {
  let cur = root;
  for (const seg of path)
    cur = isObject(cur) || Array.isArray(cur) ? (cur as Record<string, unknown>)[seg] : undefined;
  return cur;
}

/**
 * The path of the node where it is written in the root document, following its local `$ref`s, as
 * `truestatus lint` places findings (Spectral maps some paths through a reference inside a
 * referenced object to an ancestor). A path through a reference to another file is left as it is:
 * Spectral follows those itself.
 */
export function sourcePath(root: unknown, path: readonly (string | number)[]): Path {
  let out: Path = [];
  let node = root;
  const follow = (): boolean => {
    for (let hops = 0; hops < 64 && isObject(node) && typeof node.$ref === "string"; hops++) {
      const ref = node.$ref;
      if (!ref.startsWith("#")) return false;
      out = pointerSegments(ref.slice(1));
      node = get(root, out);
    }
    return true;
  };
  for (const seg of path) {
    if (!follow()) return [...path];
    node = get(node, [seg]);
    out = [...out, seg];
  }
  return follow() && node !== undefined ? out : [...path];
}

/** What Spectral passes a custom function besides its input: the root document, unresolved. */
interface SpectralContext {
  readonly document?: { readonly data?: unknown };
}

/** A Spectral `then.function` for the rule `id`: given the resolved document (`given: "$"`). */
export function spectralFunction(
  id: string,
  options: LintOptions,
): (input: unknown, functionOptions: unknown, context?: SpectralContext) => SpectralResult[] {
  const rule = LINT_RULES.find((r) => r.id === id);
  if (rule === undefined) throw new Error(`truestatus: no lint rule ${id}`);
  return (input, _functionOptions, context) => {
    if (typeof input !== "object" || input === null) return [];
    const doc = input as Record<string, unknown>;
    if (typeof doc.openapi !== "string" || !/^3\.[01]\./.test(doc.openapi)) return [];
    const root = context?.document?.data;
    return rule.check(doc, options).map((f) => ({
      message: f.message,
      path: root === undefined ? [...f.path] : sourcePath(root, f.path),
    }));
  };
}

export const rules = LINT_RULES.map((r) => ({
  id: r.id,
  severity: r.meta.severity,
  title: r.meta.title,
  description: r.meta.description,
}));
