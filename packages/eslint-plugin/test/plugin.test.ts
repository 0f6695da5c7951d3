/** The plugin as users load it: flat configs, ESLint's own API, the docs pages and links. */
import { existsSync, readFileSync } from "node:fs";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { REPOSITORY_URL as CLI_REPOSITORY_URL } from "../../cli/src/links.js";
import plugin, { configs, rules } from "../src/index.js";
import { REPOSITORY_URL } from "../src/util/links.js";

const root = new URL("../../../", import.meta.url);
const names = Object.keys(rules).sort();

describe("eslint-plugin-truestatus", () => {
  it("recommended is low-noise, strict turns every rule on", () => {
    const rec = configs.recommended.rules ?? {};
    const strict = configs.strict.rules ?? {};
    expect(Object.keys(strict).sort()).toEqual(names.map((n) => `truestatus/${n}`));
    for (const n of names) expect(strict[`truestatus/${n}`], n).not.toBe("off");
    // the heuristic and the style rule are off in recommended; the rest on
    expect(rec["truestatus/no-403-without-identity"]).toBe("off");
    expect(rec["truestatus/prefer-truestatus-failures"]).toBe("off");
    for (const [id, rule] of Object.entries(rules))
      expect(rec[`truestatus/${id}`] !== "off", id).toBe(rule.meta.docs?.recommended === true);
    expect(configs.recommended.plugins?.truestatus).toBe(plugin);
  });

  it("runs under ESLint's own API with the flat config", async () => {
    const eslint = new ESLint({ overrideConfigFile: true, overrideConfig: [configs.strict] });
    const [result] = await eslint.lintText(
      `app.get("/me", (req, res) => res.status(401).json({ error: "login" }));\napp.get("/x", (req, res) => res.json({ error: "nope" }));\n`,
      { filePath: "server.js" },
    );
    expect(result!.messages.map((m) => m.ruleId).sort()).toEqual([
      "truestatus/challenge-on-401",
      "truestatus/no-error-body-on-success",
      "truestatus/prefer-truestatus-failures",
    ]);
  });

  it.each(names)("%s: has docs/eslint/<name>.md and its docs URL points there", (name) => {
    const rule = rules[name as keyof typeof rules];
    expect(rule.meta.docs?.url).toBe(`${REPOSITORY_URL}/blob/main/docs/eslint/${name}.md`);
    const page = readFileSync(new URL(`docs/eslint/${name}.md`, root), "utf8");
    expect(page).toContain(`\`truestatus/${name}\``);
    for (const fw of ["Express", "Fastify", "Hono", "Koa", "NestJS"]) expect(page).toContain(fw);
    const detector = rule.meta.docs?.detector;
    if (detector !== undefined)
      expect(existsSync(new URL(`docs/rules/${detector}.md`, root))).toBe(true);
  });

  it("names the same repository as the CLI and the package.json", () => {
    expect(REPOSITORY_URL).toBe(CLI_REPOSITORY_URL);
    const pkg = JSON.parse(
      readFileSync(new URL("packages/eslint-plugin/package.json", root), "utf8"),
    ) as {
      repository: { url: string };
      version: string;
      scripts: Record<string, string>;
    };
    expect(pkg.repository.url).toBe(`git+${REPOSITORY_URL}.git`);
    expect(plugin.meta.version).toBe(pkg.version);
    // installable alone: no install-time scripts
    for (const s of ["preinstall", "install", "postinstall", "prepare"])
      expect(pkg.scripts[s]).toBeUndefined();
  });
});
