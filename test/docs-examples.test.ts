/**
 * Every TypeScript / JavaScript example in the docs a user builds from compiles under --strict
 * against the built packages, with the frameworks installed (root devDependencies): each code
 * block is written as its own module and type-checked by tsc. A block that is a fragment fails.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RULES } from "../packages/cli/src/audit/rules/index.js";

const ROOT = new URL("../", import.meta.url).pathname;
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const DOCS = [
  "README.md",
  "docs/emit.md",
  "docs/failures.md",
  "docs/policy.md",
  "docs/ratelimit.md",
];
/** The rule pages: their "How to fix" snippets (Express, Fastify, Hono), shown in the HTML report. */
const RULE_PAGES = readdirSync(join(ROOT, "docs/rules"))
  .filter((f) => f.endsWith(".md"))
  .map((f) => `docs/rules/${f}`);

interface Block {
  readonly doc: string;
  readonly line: number;
  readonly code: string;
}

/** The code blocks of a doc; of a rule page, those of its "How to fix" section. */
function blocks(doc: string, from = ""): Block[] {
  const text = readFileSync(join(ROOT, doc), "utf8");
  const start = from === "" ? 0 : text.indexOf(from);
  if (start === -1) return [];
  const out: Block[] = [];
  const re = /^```(ts|typescript|js|javascript)\n([\s\S]*?)^```$/gm;
  for (const m of text.matchAll(re)) {
    if (m.index < start) continue;
    const line = text.slice(0, m.index).split("\n").length;
    out.push({ doc, line, code: m[2]! });
  }
  return out;
}

// Inside the repository, so that `truestatus`, the CLI and the frameworks resolve from node_modules.
const dir = mkdtempSync(join(ROOT, ".docs-examples-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the docs' examples compile under --strict", () => {
  const all = [
    ...DOCS.flatMap((d) => blocks(d)),
    ...RULE_PAGES.flatMap((d) => blocks(d, "\n## How to fix\n")),
  ];

  it("finds the examples", () => {
    expect(all.filter((b) => b.doc === "docs/emit.md").length).toBeGreaterThanOrEqual(8);
    expect(all.filter((b) => b.doc === "README.md").length).toBeGreaterThanOrEqual(4);
    // Express, Fastify and Hono on the page of every rule that judges traffic (analyze, probe);
    // the pages of lint-only rules fix an OpenAPI document, in YAML.
    for (const { id } of RULES) {
      const page = `docs/rules/${id}.md`;
      expect(all.filter((b) => b.doc === page).length, page).toBeGreaterThanOrEqual(3);
    }
  });

  it("tsc --strict finds no error in any of them", () => {
    const names = new Map<string, Block>();
    all.forEach((b, i) => {
      const name = `${b.doc.replace(/[/.]/g, "_")}_L${b.line}_${i}.ts`;
      names.set(name, b);
      // `export {}`: every block is a module (top-level await, no shared globals).
      writeFileSync(join(dir, name), `${b.code}\nexport {};\n`);
    });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "es2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
        },
        include: ["*.ts"],
      }),
    );
    const r = spawnSync(process.execPath, [TSC, "-p", "tsconfig.json"], {
      cwd: dir,
      encoding: "utf8",
    });
    // Each error named by the doc and line of its block.
    const errors = (r.stdout + r.stderr)
      .split("\n")
      .filter((l) => l.includes("error TS"))
      .map((l) => {
        const file = l.split("(")[0]!;
        const b = names.get(file);
        return b ? `${b.doc} (block at line ${b.line}): ${l.slice(file.length)}` : l;
      });
    expect(errors).toEqual([]);
    expect(r.status).toBe(0);
  }, 120_000);

  it("truestatus/express and express-oauth2-jwt-bearer type-check together (no req.auth clash)", () => {
    const sub = join(dir, "auth0");
    mkdirSync(sub);
    writeFileSync(
      join(sub, "app.ts"),
      [
        'import express from "express";',
        'import { auth as jwt } from "express-oauth2-jwt-bearer";',
        'import { requireAuth, truestatus } from "truestatus/express";',
        "const app = express();",
        'const mine = requireAuth<{ id: string }>((token) => (token === "t" ? { id: "1" } : null));',
        'app.get("/a", jwt({ audience: "api", issuerBaseURL: "https://issuer.example" }), (req, res) => {',
        "  res.json({ sub: req.auth?.payload.sub });",
        "});",
        'app.get("/b", mine, (req, res) => {',
        "  const id: string = mine.identity(req).id;",
        "  res.json({ id });",
        "});",
        "app.use(truestatus());",
        "export {};",
        "",
      ].join("\n"),
    );
    writeFileSync(join(sub, "package.json"), JSON.stringify({ type: "module", private: true }));
    writeFileSync(
      join(sub, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "es2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          noEmit: true,
          // Declaration files checked too: that is where the clash (TS2717) was.
          skipLibCheck: false,
          types: ["node"],
        },
        include: ["app.ts"],
      }),
    );
    const r = spawnSync(process.execPath, [TSC, "-p", "tsconfig.json"], {
      cwd: sub,
      encoding: "utf8",
    });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 120_000);
});
