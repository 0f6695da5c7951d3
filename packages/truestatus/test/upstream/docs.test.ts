/** Docs parity: docs/upstream.md shows every row of the upstream table with its status and error type. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  GOT_TIMEOUT_EVENTS,
  UPSTREAM_CODE_PREFIXES,
  UPSTREAM_ERROR_CODES,
  UPSTREAM_ERROR_NAMES,
  UPSTREAM_KIND_STATUS,
  UPSTREAM_STATUS_RULES,
} from "../../src/upstream/table.js";

const doc = readFileSync(new URL("../../../../docs/upstream.md", import.meta.url), "utf8");
const rows = doc.split("\n").filter((l) => l.startsWith("| "));

function rowOf(cell: string): string {
  const row = rows.find((r) => r.split("|")[1]!.includes(cell));
  expect(row, `docs/upstream.md has a row for ${cell}`).toBeDefined();
  return row!;
}

describe("docs/upstream.md", () => {
  it("has a row for every code, with its status, error type and reason", () => {
    for (const [code, rule] of Object.entries(UPSTREAM_ERROR_CODES)) {
      const row = rowOf(`\`${code}\``);
      const cells = row.split("|").map((c) => c.trim());
      expect(cells[2], code).toBe(String(UPSTREAM_KIND_STATUS[rule.kind]));
      expect(cells[3], code).toContain(`\`${rule.error}\``);
      expect(row, code).toContain(rule.why.replaceAll("|", "\\|"));
    }
  });

  it("has a row for every prefix, error name and got event", () => {
    for (const r of UPSTREAM_CODE_PREFIXES) expect(rowOf(`\`${r.prefix}*\``)).toContain(r.error);
    for (const [n, r] of Object.entries(UPSTREAM_ERROR_NAMES))
      expect(rowOf(`\`${n}\``)).toContain(r.error);
    for (const [n, r] of Object.entries(GOT_TIMEOUT_EVENTS))
      expect(rowOf(`\`${n}\``)).toContain(r.error);
  });

  it("has a row for every upstream status rule", () => {
    for (const r of UPSTREAM_STATUS_RULES) {
      const label = r.from === r.to ? `${r.from}` : `${r.from}–${r.to}`;
      const row = rows.find((l) => l.split("|")[1]!.trim() === label);
      expect(row, label).toBeDefined();
      expect(row!.split("|")[2]!.trim()).toBe(String(UPSTREAM_KIND_STATUS[r.kind]));
    }
  });
});
