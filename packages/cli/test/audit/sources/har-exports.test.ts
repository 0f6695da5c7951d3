/**
 * HAR files as browsers and tools export them (test/fixtures/hars, public exports of Chrome,
 * Firefox, Firebug, IE 11 and Fiddler; test/fixtures/logs/chromium-omit.har, real Chromium through
 * Playwright with bodies omitted): what they record, and what the rules may conclude from it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzeInputs } from "../../../src/audit/analyze.js";
import { tempDir, write } from "./helpers.js";

const HARS = new URL("../../fixtures/hars/", import.meta.url).pathname;
const LOGS = new URL("../../fixtures/logs/", import.meta.url).pathname;
const exports = readdirSync(HARS).filter((f) => f.endsWith(".har"));

interface RawEntry {
  request: { method: string };
  response: { status: number; bodySize?: number; content?: { size?: number; text?: string } };
}
const entries = (file: string): RawEntry[] =>
  (JSON.parse(readFileSync(file, "utf8")) as { log: { entries: RawEntry[] } }).log.entries;

describe("browser and tool HAR exports: no body on the wire is concluded from them", () => {
  it("the exports do record a body or a size on their 304s (what fooled the rules before)", () => {
    const recorded = (e: RawEntry) =>
      (e.response.bodySize ?? 0) > 0 ||
      (e.response.content?.size ?? 0) > 0 ||
      (e.response.content?.text?.length ?? 0) > 0;
    const with304 = exports.filter((f) =>
      entries(HARS + f).some((e) => e.response.status === 304 && recorded(e)),
    );
    // Chrome 51 and 111, Firefox 47 and 111, Firebug, IE 11 (Fiddler records none).
    expect(with304.sort()).toEqual([
      "chrome111-304.har",
      "chrome51-304.har",
      "firebug-304.har",
      "firefox111-304.har",
      "firefox47-304.har",
      "ie11-304.har",
    ]);
  });

  it.each(exports)("%s: no 204/304/HEAD body finding, and the report says why", async (f) => {
    const { summary } = await analyzeInputs([HARS + f]);
    expect(summary.exchanges).toBe(entries(HARS + f).length);
    expect(summary.findings["no-content-with-body"]).toBeUndefined();
    expect(summary.findings["head-with-body"]).toBeUndefined();
    for (const id of ["no-content-with-body", "head-with-body"])
      expect(summary.coverage[id]).toEqual({
        checked: 0,
        notChecked: { [HARS + f]: ["response.size"] },
      });
  });
});

describe("coverage is per exchange: a HAR without bodies is not reported as checked", () => {
  it("Playwright with content: omit: the body rules count the exchanges they could not read", async () => {
    const file = `${LOGS}chromium-omit.har`;
    const raw = entries(file);
    // What Playwright wrote: sizes, never a text.
    expect(raw.every((e) => e.response.content?.text === undefined)).toBe(true);
    const { summary } = await analyzeInputs([file]);
    expect(summary.exchanges).toBe(raw.length);
    const answered2xx = raw.filter((e) => e.response.status >= 200 && e.response.status < 300);
    const answered = raw.filter((e) => e.response.status > 0);
    expect(summary.coverage["soft-error-2xx"]).toEqual({
      checked: raw.length - answered2xx.length,
      notChecked: {},
      notRecorded: { [file]: { "response.body": answered2xx.length } },
    });
    expect(summary.coverage["problem-status-mismatch"]?.notRecorded).toEqual({
      [file]: { "response.body": answered.length },
    });
    // The soft error of /api/soft-error is in the traffic but not in the file: not found, and
    // not claimed as checked.
    expect(summary.findings["soft-error-2xx"]).toBeUndefined();
    // With bodies recorded (the same page, content: embed) it is found.
    const embedded = await analyzeInputs([`${LOGS}chromium.har`]);
    expect(embedded.summary.findings["soft-error-2xx"]?.count).toBe(1);
    expect(embedded.summary.coverage["soft-error-2xx"]?.notRecorded).toBeUndefined();
  });

  it("an empty body recorded as such (content.size 0) is checked; an omitted one is not", async () => {
    const dir = tempDir();
    const entry = (status: number, content: object) => ({
      startedDateTime: "2026-11-24T19:00:00Z",
      time: 1,
      request: { method: "GET", url: "http://h/x", headers: [], cookies: [] },
      response: { status, headers: [], content },
    });
    const file = write(
      dir,
      "a.har",
      JSON.stringify({
        log: {
          creator: { name: "Playwright" },
          entries: [
            entry(200, { size: 0, mimeType: "application/json" }),
            entry(200, { size: 17, mimeType: "application/json" }),
            entry(200, {
              size: 12,
              mimeType: "image/png",
              encoding: "base64",
              text: "iVBORw0KGgoAAAAN",
            }),
          ],
        },
      }),
    );
    const { summary } = await analyzeInputs([file]);
    expect(summary.coverage["soft-error-2xx"]).toEqual({
      checked: 2,
      notChecked: {},
      notRecorded: { [file]: { "response.body": 1 } },
    });
  });
});
