/**
 * Guards the public surface of @truestatus/cli (convention 11): the export names of each subpath,
 * as users import them (the built package, resolved by name through its export map), the bin, and
 * the links every report prints.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exportNames } from "../../../test/helpers/export-names.js";
import { RULES } from "../src/audit/rules/index.js";
import { REPOSITORY_URL, RULE_DOCS_BASE, ruleDocsUrl } from "../src/links.js";

const ROOT = new URL("../../../", import.meta.url);
const read = (p: string) => JSON.parse(readFileSync(new URL(p, ROOT), "utf8")) as PackageJson;

interface PackageJson {
  name: string;
  version: string;
  repository: { url: string; directory: string };
  homepage: string;
  bugs: { url: string };
  bin?: Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  exports: Record<string, unknown>;
}

const SUBPATHS = [
  "@truestatus/cli/audit",
  "@truestatus/cli/audit/sources",
  "@truestatus/cli/audit/redact",
  "@truestatus/cli/probe",
  "@truestatus/cli/gateway",
];

describe("@truestatus/cli surface", () => {
  it.each(SUBPATHS)("%s exports what it did", (specifier) => {
    expect(exportNames(specifier)).toMatchSnapshot();
  });

  it("the bin is the bundled CLI, and the CLI depends on the library's own version", () => {
    const cli = read("packages/cli/package.json");
    const lib = read("packages/truestatus/package.json");
    expect(cli.bin).toEqual({ truestatus: "./dist/cli/bin.js" });
    expect(existsSync(new URL("packages/cli/dist/cli/bin.js", ROOT))).toBe(true);
    expect(cli.dependencies?.truestatus).toBe(`^${lib.version}`);
    expect(cli.version).toBe(lib.version);
  });
});

describe("links", () => {
  it("both packages name the repository every report links to", () => {
    for (const dir of ["truestatus", "cli"]) {
      const p = read(`packages/${dir}/package.json`);
      expect(p.repository.url).toBe(`git+${REPOSITORY_URL}.git`);
      expect(p.repository.directory).toBe(`packages/${dir}`);
      expect(p.homepage.startsWith(`${REPOSITORY_URL}/`)).toBe(true);
      expect(p.bugs.url).toBe(`${REPOSITORY_URL}/issues`);
    }
  });

  it("every rule's docs link names a page that exists in docs/rules/", () => {
    for (const r of RULES) {
      const url = ruleDocsUrl(r.id);
      expect(url.startsWith(RULE_DOCS_BASE)).toBe(true);
      const path = url.slice(`${REPOSITORY_URL}/blob/main/`.length);
      expect(existsSync(new URL(path, ROOT)), url).toBe(true);
    }
  });

  it("no published package runs a script at install time", () => {
    const banned = ["preinstall", "install", "postinstall", "prepare", "prepublish"];
    for (const dir of ["truestatus", "cli"]) {
      const scripts = read(`packages/${dir}/package.json`).scripts ?? {};
      for (const s of banned) expect(scripts[s], `${dir}: ${s}`).toBeUndefined();
    }
  });
});
