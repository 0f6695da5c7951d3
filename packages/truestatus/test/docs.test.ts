/** Docs parity (convention 4): every policy option and failure kind has its line in docs/. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FAILURE_CLASSES, FAILURE_KINDS, failures, POLICY_OPTIONS } from "../src/index.js";

const read = (p: string) => readFileSync(new URL(`../../../docs/${p}`, import.meta.url), "utf8");

describe("docs", () => {
  it("policy.md documents every option with its default", () => {
    const doc = read("policy.md");
    for (const o of POLICY_OPTIONS) expect(doc).toMatch(new RegExp(`\\|\\s*\`${o.name}\`\\s*\\|`));
  });

  it("failures.md documents every kind, constructor and class", () => {
    const doc = read("failures.md");
    for (const kind of Object.keys(FAILURE_KINDS))
      expect(doc).toMatch(new RegExp(`\\|\\s*\`${kind}\`\\s*\\|`));
    for (const ctor of Object.keys(failures)) expect(doc).toContain(`${ctor}(`);
    for (const cls of FAILURE_CLASSES) expect(doc).toContain(`\`${cls}\``);
  });

  it("emit.md documents every export of every adapter", async () => {
    const doc = read("emit.md");
    for (const name of ["express", "fastify", "hono", "node", "koa", "nestjs"]) {
      const mod = (await import(`../src/server/${name}.ts`)) as Record<string, unknown>;
      const row = doc.split("\n").find((l) => l.startsWith(`| \`truestatus/${name}\``));
      expect(row, name).toBeDefined();
      for (const key of Object.keys(mod)) expect(row, `${name}: ${key}`).toContain(`\`${key}\``);
    }
  });
});
