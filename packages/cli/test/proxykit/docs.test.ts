/**
 * The docs and the code in step: each proxy's page shows its limits as capabilities.ts has them,
 * the README names every fault, and the pasted scorecard agrees with the limits (a generated
 * config scores everything but what its proxy cannot tell apart).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LIMITS, limitsTable, unreachable } from "../../src/proxykit/capabilities.js";
import { FAULTS } from "../../src/proxykit/faults.js";
import { PROXY_KINDS, PROXY_VERSIONS } from "../../src/proxykit/generate/index.js";

const doc = (name: string) =>
  readFileSync(new URL(`../../../../docs/proxies/${name}`, import.meta.url), "utf8");

/** A markdown table's cells, whitespace and dash runs normalised (formatters pad tables). */
function cells(table: string): string[][] {
  return table
    .trim()
    .split("\n")
    .map((l) =>
      l
        .trim()
        .replace(/^\||\|$/g, "")
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/^-+$/, "---")),
    );
}

describe("docs/proxies", () => {
  for (const kind of PROXY_KINDS) {
    it(`${kind}.md shows the limits capabilities.ts has`, () => {
      const text = doc(`${kind}.md`);
      const m = new RegExp(`<!-- limits:${kind} -->\\n([\\s\\S]*?)<!-- /limits -->`).exec(text);
      expect(m, `${kind}.md has no limits section`).not.toBeNull();
      expect(cells(m![1]!)).toEqual(cells(limitsTable(kind)));
    });
  }

  it("README.md names every fault and links every proxy page", () => {
    const text = doc("README.md");
    for (const f of FAULTS) expect(text).toContain(`| \`${f.id}\``);
    for (const kind of PROXY_KINDS) expect(text).toContain(`(${kind}.md)`);
  });

  it("the scorecard agrees with the limits: generated = 44 - what the proxy cannot tell apart", () => {
    const text = doc("README.md");
    for (const kind of ["nginx", "haproxy", "caddy"] as const) {
      const row = new RegExp(
        `^\\| ${kind} +\\| [^|]+ \\| [^|]+ \\| (\\d+)/44 [^|]+ \\| (\\d+)/(\\d+) \\(100 %\\) *\\|$`,
        "m",
      ).exec(text);
      expect(row, `no scorecard row for ${kind}`).not.toBeNull();
      const limits = unreachable(kind, PROXY_VERSIONS[kind][0]!).size;
      expect(Number(row![1])).toBe(44 - limits);
      expect(Number(row![3])).toBe(44 - limits);
    }
    expect(text).toMatch(/^\| truestatus gateway +\| [^|]+ \| — +\| 44\/44 \(100 %\) +\|/m);
    expect(LIMITS.gateway).toEqual([]);
  });
});
