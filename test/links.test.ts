/**
 * Links a reader follows: every relative link in the repository's Markdown resolves to a file or
 * folder of the repository; the packages' READMEs (shown on npm, outside the repository) link only
 * with absolute URLs, and those into the repository name a file that exists.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPOSITORY_URL } from "../packages/cli/src/links.js";
import { REPOSITORY_URL as LIBRARY_REPOSITORY_URL } from "../packages/truestatus/src/semantics/links.js";

const ROOT = new URL("..", import.meta.url).pathname;

function markdown(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? markdown(join(dir, e.name))
      : e.name.endsWith(".md")
        ? [join(dir, e.name)]
        : [],
  );
}

/** [text](target) links, outside code spans and fenced blocks. */
function links(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

const REPO_DOCS = ["README.md", ...markdown("docs"), "bench/RESULTS.md"];
const PACKAGE_READMES = ["packages/truestatus/README.md", "packages/cli/README.md"];

describe("links", () => {
  it.each(REPO_DOCS)("%s: relative links resolve inside the repository", (file) => {
    const base = join(ROOT, file, "..");
    for (const target of links(readFileSync(join(ROOT, file), "utf8"))) {
      if (/^[a-z]+:/.test(target) || target.startsWith("#")) continue;
      const path = decodeURIComponent(target.split("#")[0]!);
      expect(existsSync(join(base, path)), `${file} → ${target}`).toBe(true);
    }
  });

  it.each(PACKAGE_READMES)("%s: absolute links only, into files that exist", (file) => {
    for (const target of links(readFileSync(join(ROOT, file), "utf8"))) {
      expect(target, `${file} → ${target}`).toMatch(/^https:\/\//);
      for (const prefix of [`${REPOSITORY_URL}/blob/main/`, `${REPOSITORY_URL}/tree/main/`]) {
        if (target.startsWith(prefix)) {
          const path = target.slice(prefix.length).split("#")[0]!;
          expect(existsSync(join(ROOT, path)), `${file} → ${target}`).toBe(true);
        }
      }
    }
  });

  it("the library names the repository the CLI names (problem type URIs point into it)", () => {
    // The library cannot import the CLI: each has its constant, kept equal here.
    expect(LIBRARY_REPOSITORY_URL).toBe(REPOSITORY_URL);
  });
});
