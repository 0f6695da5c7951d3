/**
 * `truestatus lint --export spectral`: a Spectral ruleset (JavaScript, self-contained) whose rules
 * are truestatus' lint rules, bundled at build time, so Spectral reports the same findings at the
 * same places (both read the resolved document and point at paths in it).
 */
import { readFile } from "node:fs/promises";
import { ruleDocsUrl } from "../links.js";
import type { LintOptions } from "./rule.js";
import { LINT_RULES } from "./rules/index.js";

/** Where the build puts the bundle, from the built CLI (dist/cli/*), dist/lint, or the sources. */
const CANDIDATES = ["../lint/spectral-rules.js", "../../dist/lint/spectral-rules.js"];

async function bundle(): Promise<string> {
  for (const c of CANDIDATES) {
    try {
      return await readFile(new URL(c, import.meta.url), "utf8");
    } catch {
      // try the next place
    }
  }
  throw new Error("dist/lint/spectral-rules.js is missing: the CLI was not built (npm run build)");
}

const SEVERITY = { error: "error", warning: "warn", info: "info" } as const;

export async function spectralRuleset(options: LintOptions, version?: string): Promise<string> {
  const code = await bundle();
  const rules = LINT_RULES.map(
    (r) => `    ${JSON.stringify(r.id)}: {
      description: ${JSON.stringify(r.meta.title)},
      documentationUrl: ${JSON.stringify(ruleDocsUrl(r.id))},
      severity: ${JSON.stringify(SEVERITY[r.meta.severity])},
      given: "$",
      resolved: true,
      message: "{{error}}",
      then: { function: truestatus.spectralFunction(${JSON.stringify(r.id)}, options) },
    },`,
  ).join("\n");
  return `// A Spectral ruleset written by \`truestatus lint --export spectral\`${version !== undefined ? ` (truestatus ${version})` : ""}.
// The same rules as \`truestatus lint\`, reporting the same findings; regenerate it rather than edit it.
// Rule pages: ${ruleDocsUrl("<id>")}
/* eslint-disable */
${code.trim()}

const options = ${JSON.stringify(options, null, 2)};

export default {
  rules: {
${rules}
  },
};
`;
}
