// biome-ignore-all lint/suspicious/noControlCharactersInRegex: the test looks for control characters
/**
 * Issue 18 item 5: log content must not drive the terminal that shows a report. An NDJSON log
 * whose URLs, hosts and bodies carry ESC/OSC/C1/CR/bidi bytes goes through `truestatus analyze`
 * (the built CLI, stdout a pipe, and in-process as a colour terminal); every text output shows
 * them escaped, the HTML report too, and JSON stays the same value without raw controls.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { escapeControl, escapeStrings, jsonSafe } from "../../src/audit/report/terminal.js";
import { run } from "./run.js";

const BIN = join(import.meta.dirname, "../../dist/cli/bin.js");
const dir = mkdtempSync(join(tmpdir(), "truestatus-term-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ESC = "\u001b";
/** Clear the screen, conceal the rest, an OSC 8 link and a window title, C1 CSI, CR, RLO. */
const HOSTILE = [
  `${ESC}[2J${ESC}[8m`,
  `${ESC}]8;;https://evil.example${ESC}\\`,
  `${ESC}]0;pwned\u0007`,
  "\u009b31m",
  "\rOK  ",
  "\u202etxt.exe",
];

function log(): string {
  const lines: string[] = [];
  HOSTILE.forEach((h, i) => {
    lines.push(
      JSON.stringify({
        time: `2026-11-24T10:00:0${i}Z`,
        method: "GET",
        url: `/api/${h}x${i}?q=${h}`,
        host: `h${h}`,
        status: 401,
        duration_ms: 5,
        size: 10,
        response_headers: { "content-type": "text/html" },
      }),
    );
    lines.push(
      JSON.stringify({
        time: `2026-11-24T10:00:1${i}Z`,
        method: "GET",
        url: `/other/${i}`,
        status: 500,
        duration_ms: 5,
        size: 10,
        response_headers: { "content-type": "application/json" },
        response_body: `{"error":"boom ${h} at handler (/srv/app/x.js:1:2)"}`,
      }),
    );
  });
  lines.push(`not json ${ESC}[2J`);
  return `${lines.join("\n")}\n`;
}

/** The ESC sequences in `text` that are not the SGR colours styleText makes. */
function foreignEscapes(text: string): string[] {
  return [...text.matchAll(/\u001b(\[[0-9;]*[A-Za-z]|.)/g)]
    .map((m) => m[0])
    .filter((s) => !/^\u001b\[(1|2|22|31|33|36|39)m$/.test(s));
}

const RAW_CONTROL =
  /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("terminal output carries no control characters from the data", () => {
  const file = join(dir, "hostile.ndjson");
  writeFileSync(file, log());

  it("text report (built CLI, to a pipe): every hostile byte shown escaped", () => {
    const r = spawnSync(process.execPath, [BIN, "analyze", file, "--fail-on", "none"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^truestatus analyze: 12 exchanges/);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    expect(r.stdout).not.toContain("\r");
    expect(r.stdout).toContain("\\x1b[2J");
    expect(r.stdout).toContain("\\u202e");
  });

  it("text report in colour: only our own colour codes", async () => {
    const r = await run(["analyze", file, "--fail-on", "none"], {}, true);
    expect(r.out).toContain(`${ESC}[`);
    expect(foreignEscapes(r.out)).toEqual([]);
    expect(r.out).not.toMatch(/[\u0080-\u009f\u202a-\u202e\r]/);
  });

  it("HTML report: escaped visibly, no raw control character", async () => {
    const r = await run(["analyze", file, "--format", "html", "--fail-on", "none"]);
    expect(r.out).toMatch(/^<!doctype html>/);
    expect(r.out).not.toContain(ESC);
    expect(r.out).not.toMatch(RAW_CONTROL);
    expect(r.out).toContain("\\x1b[2J");
  });

  it("JSON and SARIF: the same values, written without raw C1 or bidi characters", async () => {
    for (const format of ["json", "sarif"]) {
      const r = await run(["analyze", file, "--format", format, "--fail-on", "none"]);
      expect(r.out).not.toMatch(RAW_CONTROL);
      expect(() => JSON.parse(r.out)).not.toThrow();
    }
    const j = JSON.parse((await run(["analyze", file, "--format", "json"])).out);
    expect(JSON.stringify(j)).toContain("\\u001b[2J");
  });

  it("an error line quoting a file name is escaped", () => {
    const r = spawnSync(process.execPath, [BIN, "analyze", join(dir, `x${ESC}[2J.log`)], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).toContain("x\\x1b[2J.log");
  });

  it("escapeControl / escapeStrings / jsonSafe", () => {
    expect(escapeControl(`a${ESC}[2Jb\n\tc\u009b\u202e`)).toBe("a\\x1b[2Jb\n\tc\\x9b\\u202e");
    expect(escapeStrings({ [`k${ESC}`]: [`v\r`, 1, null] })).toEqual({
      "k\\x1b": ["v\\x0d", 1, null],
    });
    const json = JSON.stringify({ a: "x\u009by\u2028" });
    expect(jsonSafe(json)).toBe('{"a":"x\\u009by\\u2028"}');
    expect(JSON.parse(jsonSafe(json))).toEqual(JSON.parse(json));
  });
});
