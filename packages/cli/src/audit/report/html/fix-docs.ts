/**
 * The per-framework fixes of a rule, read from its docs page (docs/rules/<id>.md, the one source
 * of truth): the first code block under each of "### Express", "### Fastify" and "### Hono".
 * `npm run gen:fixes` writes them into fixes.generated.ts; a test checks that file is current.
 */
export const FRAMEWORKS = ["Express", "Fastify", "Hono"] as const;
export type Framework = (typeof FRAMEWORKS)[number];
export type FrameworkFixes = Readonly<Record<Framework, string>>;

/** The code of each framework's section, or an error naming the missing one. */
export function parseFixSections(markdown: string): FrameworkFixes | { error: string } {
  const out: Partial<Record<Framework, string>> = {};
  const lines = markdown.split("\n");
  for (const fw of FRAMEWORKS) {
    const at = lines.indexOf(`### ${fw}`);
    if (at === -1) return { error: `no "### ${fw}" section` };
    const open = lines.findIndex((l, i) => i > at && l.startsWith("```"));
    const close = lines.findIndex((l, i) => i > open && l.startsWith("```"));
    if (open === -1 || close === -1) return { error: `no code block under "### ${fw}"` };
    out[fw] = lines.slice(open + 1, close).join("\n");
  }
  return out as FrameworkFixes;
}
