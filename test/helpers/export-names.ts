/** The export names of a module as users import it: a real Node process resolving it by name. */
import { execFileSync } from "node:child_process";

const ROOT = new URL("../../", import.meta.url);

export function exportNames(specifier: string): string[] {
  const out = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()))`,
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  return JSON.parse(out) as string[];
}
