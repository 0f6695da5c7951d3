/**
 * The HTML report in a real browser (Debian's chromium via playwright-core): it opens offline with
 * no console error and no network request, its numbers are the JSON report's, its charts draw every
 * data point, the findings table filters, sorts and expands, and no planted secret reaches it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, openReport } from "../../../../../test/helpers/browser.js";
import { CHART_ENDPOINTS, endpointsByFailures } from "../../../src/audit/report/html/charts.js";
import { sampleClass, sampleEndpoint } from "../../../src/audit/report/html/findings.js";
import { scorecard } from "../../../src/audit/report/scorecard.js";
import { type RuleFindings, SAMPLE_LIMIT, type Summary } from "../../../src/audit/summary.js";
import { run } from "../../cli/run.js";
import { fixtureHar, PLANTED_HEADER_TOKEN, PLANTED_QUERY_TOKEN } from "./html-fixture.js";

let dir: string;
let browser: Browser;
let htmlFile: string;
let html: string;
let summary: Summary;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "truestatus-html-"));
  const log = join(dir, "session.har");
  writeFileSync(log, fixtureHar());
  htmlFile = join(dir, "report.html");
  const jsonFile = join(dir, "report.json");
  const h = await run(["analyze", log, "--format", "html", "--output", htmlFile]);
  const j = await run(["analyze", log, "--format", "json", "--output", jsonFile]);
  // Exit 1: the fixture has error findings (the default --fail-on error).
  expect([h.code, h.err, j.code, j.err]).toEqual([1, "", 1, ""]);
  html = readFileSync(htmlFile, "utf8");
  summary = JSON.parse(readFileSync(jsonFile, "utf8")) as Summary;
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sumOf = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

describe("HTML report in Chromium", () => {
  it("opens offline with no console error and no network request; saves a 1280×800 screenshot", async () => {
    for (const scheme of ["light", "dark"] as const) {
      const { page, requests, consoleErrors } = await openReport(browser, htmlFile, scheme);
      await page.locator("tr.finding").first().click();
      expect(requests).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(await page.title()).toBe(`truestatus report: ${join(dir, "session.har")}`);
      if (scheme === "light") {
        mkdirSync("test-results", { recursive: true });
        await page.locator("tr.finding").first().click();
        await page.screenshot({ path: "test-results/report.png" });
        const png = readFileSync("test-results/report.png");
        expect(png.readUInt32BE(16)).toBe(1280);
        expect(png.readUInt32BE(20)).toBe(800);
      }
      await page.context().close();
    }
  });

  it("fetches nothing even when the report asks: the Content-Security-Policy forbids it", async () => {
    const probe = join(dir, "probe.html");
    copyFileSync(htmlFile, probe);
    const withImg = html.replace("</main>", '<img src="https://example.com/x.png"></main>');
    writeFileSync(probe, withImg);
    const { page, requests, consoleErrors } = await openReport(browser, probe);
    // The browser refuses before any request leaves: the route never sees it.
    expect(requests).toEqual([]);
    expect(consoleErrors.join("\n")).toMatch(/Content Security Policy/);
    await page.context().close();
  });

  it("shows the scorecard numbers of the JSON report", async () => {
    const { page } = await openReport(browser, htmlFile);
    const value = (name: string) =>
      page.locator(`[data-metric="${name}"]`).getAttribute("data-value");
    const text = (name: string) => page.locator(`[data-metric="${name}"]`).textContent();
    const severities = { error: 0, warning: 0, info: 0 };
    for (const f of Object.values(summary.findings))
      for (const [s, n] of Object.entries(f.bySeverity)) severities[s as "error"] += n;
    expect(await value("exchanges")).toBe(String(summary.exchanges));
    expect(await text("exchanges")).toBe(summary.exchanges.toLocaleString("en-US"));
    for (const s of ["error", "warning", "info"] as const)
      expect(Number(await value(`findings-${s}`)), s).toBe(severities[s]);
    expect(Number(await value("malformed"))).toBe(summary.malformed.count);
    for (const [cls, n] of Object.entries(summary.classes)) {
      expect(Number(await value(`class-${cls}`)), cls).toBe(n);
      expect(await text(`class-${cls}`)).toBe(n.toLocaleString("en-US"));
    }
    const answered = sumOf(summary.classes) - (summary.classes.client_abort ?? 0);
    expect(Number(await value("answered"))).toBe(answered);
    expect(Number(await value("untruthful"))).toBe(summary.untruthful);
    expect(await text("truthful-share")).toBe(
      `${(Math.floor((1000 * (answered - summary.untruthful)) / answered) / 10).toFixed(1)}%`,
    );
    expect(await value("grade")).toBe(scorecard(summary).grade);
    const ran = Object.values(summary.coverage).filter((c) => c.checked > 0).length;
    expect(Number(await value("rules-ran"))).toBe(ran);
    // Rules that apply to this source: ran, or listed as not checked (probe-only rules are neither).
    const applicable = Object.values(summary.coverage).filter(
      (c) => c.checked > 0 || Object.keys(c.notChecked).length > 0,
    ).length;
    expect(applicable).toBeLessThan(Object.keys(summary.coverage).length);
    expect(Number(await value("rules-total"))).toBe(applicable);
    await page.context().close();
  });

  it("draws every data point of every chart, with numbers in a data table", async () => {
    const { page } = await openReport(browser, htmlFile);
    const marks = (chart: string) => page.locator(`[data-chart="${chart}"] svg .mark`);
    // timeline: one mark per (bucket, status class) with a count
    const buckets = Object.values(summary.timeline.buckets);
    expect(buckets.length).toBeGreaterThan(60);
    const points = buckets.flatMap((b) => Object.values(b).filter((n) => n > 0));
    expect(await marks("timeline").count()).toBe(points.length);
    const drawn = await marks("timeline").evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute("data-count"))),
    );
    expect(drawn.reduce((a, b) => a + b, 0)).toBe(summary.exchanges);
    expect(await page.locator('[data-chart="timeline"] tbody tr').count()).toBe(buckets.length);
    // endpoints: one mark per (endpoint, class) for the busiest few; every endpoint in the table
    const eps = endpointsByFailures(summary);
    const epPoints = eps
      .slice(0, CHART_ENDPOINTS)
      .flatMap(([, c]) => Object.values(c).filter((n) => n > 0));
    expect(await marks("endpoints").count()).toBe(epPoints.length);
    expect(
      (
        await marks("endpoints").evaluateAll((els) =>
          els.map((e) => Number(e.getAttribute("data-count"))),
        )
      ).reduce((a, b) => a + b, 0),
    ).toBe(sumOf(summary.classes));
    expect(await page.locator('[data-chart="endpoints"] tbody tr').count()).toBe(eps.length);
    // rules: one mark per (rule, severity)
    const rulePoints = Object.values(summary.findings).flatMap((f) =>
      Object.values(f.bySeverity).filter((n) => n > 0),
    );
    expect(await marks("rules").count()).toBe(rulePoints.length);
    // hover: the numbers are in each mark's title
    const title = await marks("rules").first().locator("title").textContent();
    const top = Object.entries(summary.findings).sort(([, a], [, b]) => b.count - a.count)[0]!;
    expect(title).toContain(top[0]);
    expect(title).toContain(top[1].count.toLocaleString("en-US"));
    // readable without colour: every series has a pattern or a distinct label in the legend
    expect(await page.locator('[data-chart="timeline"] .legend li').allInnerTexts()).toEqual(
      expect.arrayContaining(["2xx success", "4xx client error", "5xx server error"]),
    );
    await page.context().close();
  });

  it("filters by rule to exactly that rule's findings, and sorts", async () => {
    const { page } = await openReport(browser, htmlFile);
    const rows = page.locator("tr.finding");
    // The HTML shows the first few of each rule (JSON and SARIF list them all).
    const shown = (f: RuleFindings) => f.samples.slice(0, SAMPLE_LIMIT);
    const all = Object.values(summary.findings).reduce((a, f) => a + shown(f).length, 0);
    expect(all).toBeLessThan(
      Object.values(summary.findings).reduce((a, f) => a + f.samples.length, 0),
    );
    expect(await rows.count()).toBe(all);
    for (const [id, f] of Object.entries(summary.findings)) {
      await page.selectOption('select[name="rule"]', id);
      const visible = page.locator("tr.finding:visible");
      expect(await visible.count(), id).toBe(shown(f).length);
      expect(new Set(await visible.evaluateAll((els) => els.map((e) => e.dataset.rule)))).toEqual(
        new Set([id]),
      );
      expect(await page.locator("#shown").textContent()).toBe(`${shown(f).length} of ${all} shown`);
    }
    await page.selectOption('select[name="rule"]', "");
    await page.selectOption('select[name="severity"]', "warning");
    const warnings = Object.values(summary.findings).flatMap((f) =>
      shown(f).filter((s) => s.severity === "warning"),
    );
    expect(await page.locator("tr.finding:visible").count()).toBe(warnings.length);
    await page.selectOption('select[name="severity"]', "");
    const endpoint = sampleEndpoint(
      Object.values(summary.findings)[0]!.samples[0]!.evidence.request,
    );
    await page.selectOption('select[name="endpoint"]', endpoint);
    const n = Object.values(summary.findings)
      .flatMap(shown)
      .filter((s) => sampleEndpoint(s.evidence.request) === endpoint).length;
    expect(await page.locator("tr.finding:visible").count()).toBe(n);
    await page.selectOption('select[name="endpoint"]', "");
    // class: cross-exchange findings (401-for-accepted-token) take the class of their status
    const auth = Object.values(summary.findings)
      .flatMap(shown)
      .filter((s) => sampleClass(s) === "auth");
    expect(auth.filter((s) => s.class === undefined).length).toBeGreaterThan(0);
    await page.selectOption('select[name="class"]', "auth");
    expect(await page.locator("tr.finding:visible").count()).toBe(auth.length);
    await page.selectOption('select[name="class"]', "");
    // sort by rule, descending on the second click
    const ids = () => rows.evaluateAll((els) => els.map((e) => e.dataset.rule ?? ""));
    await page.click('button.sort[data-key="rule"]');
    const asc = await ids();
    expect(asc).toEqual([...asc].sort());
    await page.click('button.sort[data-key="rule"]');
    const desc = await ids();
    expect(desc).toEqual([...asc].sort().reverse());
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain("Rule");
    await page.context().close();
  });

  it("expands a finding to its redacted evidence, standard, NIST CSF category and fixes", async () => {
    const { page } = await openReport(browser, htmlFile);
    await page.selectOption('select[name="rule"]', "401-needs-www-authenticate");
    const row = page.locator("tr.finding:visible").first();
    const detail = page.locator(`#${await row.getAttribute("id")}-d`);
    expect(await detail.isVisible()).toBe(false);
    await row.click();
    expect(await detail.isVisible()).toBe(true);
    expect(await row.locator("button.expand").getAttribute("aria-expanded")).toBe("true");
    const text = await detail.textContent();
    expect(text).toContain("access_token=[REDACTED]");
    expect(text).toContain("RFC 9110 §15.5.2");
    expect(text).toContain("PR.AA");
    for (const fw of ["Express", "Fastify", "Hono"])
      expect(text).toContain(`${fw} with truestatus`);
    await detail.locator("summary", { hasText: "Hono with truestatus" }).click();
    expect(await detail.locator("pre").filter({ hasText: "truestatus(app)" }).isVisible()).toBe(
      true,
    );
    await row.click();
    expect(await detail.isVisible()).toBe(false);
    await page.context().close();
  });

  it("prints without controls", async () => {
    const { page } = await openReport(browser, htmlFile);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("#filters").isVisible()).toBe(false);
    expect(await page.locator("#chart-timeline svg[role=img]").isVisible()).toBe(true);
    await page.context().close();
  });

  it("never contains a planted secret (header, query string, error body)", () => {
    const har = fixtureHar();
    expect(har.split(PLANTED_HEADER_TOKEN).length).toBeGreaterThan(100);
    expect(har).toContain(`access_token=${PLANTED_QUERY_TOKEN}`);
    expect(har).toMatch(new RegExp(`"text":"[^"]*Bearer ${PLANTED_HEADER_TOKEN}`));
    for (const token of [PLANTED_HEADER_TOKEN, PLANTED_QUERY_TOKEN])
      for (let i = 0; i + 10 <= token.length; i++)
        expect(html.includes(token.slice(i, i + 10)), token.slice(i, i + 10)).toBe(false);
    expect(html).toContain("access_token=[REDACTED]");
    expect(html).toContain("Bearer [REDACTED]");
    // and no control character (a NUL in an attribute would be an HTML parse error)
    const controls = [...html].filter((c) => {
      const code = c.charCodeAt(0);
      return (code < 0x20 && c !== "\n" && c !== "\t" && c !== "\r") || code === 0x7f;
    });
    expect(controls).toEqual([]);
  });
});
