/**
 * The HTML report of a 1,000,000-line log: its size (target < 5 MB) and the time Chromium takes to
 * open it (target < 2 s), against the JSON report of the same run as the named baseline.
 *
 *   npm run build && node --import tsx bench/report.ts [--runs=3]
 *
 * The log is bench/gen-combined.ts's (deterministic). Each run opens both reports in a fresh
 * browser context, forward, reverse, forward (html, json / json, html / ...), and measures from
 * navigation start to the second animation frame after the load event (the first full paint of
 * the page as laid out); medians of the runs. Chromium is multi-process, so it is not pinned.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { analyzeExchanges } from "../packages/cli/src/audit/engine.js";
import { REPORTERS } from "../packages/cli/src/audit/report/index.js";
import { ALL_CAPABILITIES, exchange } from "../packages/cli/test/audit/helpers.js";
import { launch } from "../test/helpers/browser.js";

const LINES = 1_000_000;
const OUT = "bench/out";
const LOG = `${OUT}/report-1m.log`;
const runs = Number(
  /^--runs=(\d+)$/.exec(process.argv.find((a) => a.startsWith("--runs=")) ?? "")?.[1] ?? 3,
);

mkdirSync(OUT, { recursive: true });
if (!existsSync(LOG)) {
  const g = spawnSync(
    process.execPath,
    ["--import", "tsx", "bench/gen-combined.ts", LOG, String(LINES)],
    {
      stdio: "inherit",
    },
  );
  if (g.status !== 0) throw new Error("gen-combined failed");
}

const reports = {
  html: resolve(`${OUT}/report-1m.html`),
  json: resolve(`${OUT}/report-1m.json`),
  worstHtml: resolve(`${OUT}/report-worst.html`),
  worstJson: resolve(`${OUT}/report-worst.json`),
};
for (const [format, file] of [
  ["html", reports.html],
  ["json", reports.json],
] as const) {
  const t = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [
      "packages/cli/dist/cli/bin.js",
      "analyze",
      LOG,
      "--format",
      format,
      "-o",
      file,
      "--fail-on",
      "none",
      "-q",
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  if (r.status !== 0) throw new Error(`analyze --format ${format} exited ${r.status}`);
  console.log(
    `analyze --format ${format}: ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s`,
  );
}

/**
 * The worst case by construction: every bound full. 1,200 endpoint templates (1,000 kept, the rest
 * in "other"), failures of every class on each, 30 days of timestamps (240 buckets), 18 rules'
 * worth of samples with long redacted excerpts.
 */
function worstCase(): void {
  const word = (i: number) => {
    let w = "";
    for (let n = i + 26; n > 0; n = Math.floor(n / 26)) w += "abcdefghijklmnopqrstuvwxyz"[n % 26];
    return w;
  };
  const statuses = [200, 201, 204, 301, 400, 401, 403, 404, 405, 409, 422, 429, 500, 502, 503, 504];
  const records = [];
  for (let i = 0; i < 200_000; i++)
    records.push(
      exchange({
        method: ["GET", "POST", "PUT", "DELETE"][i % 4]!,
        target: `/api/${word(i % 1200)}/items?q=${"x".repeat(150)}`,
        status: statuses[i % statuses.length]!,
        resHeaders: { "content-type": i % 3 === 0 ? "text/html" : "application/json" },
        body: i % 7 === 0 ? `Error: boom\n    at handler (/srv/app/${word(i)}.js:1:2)` : "{}",
        time: Date.UTC(2026, 9, 1) + i * 13_000,
        file: "worst.har",
        entry: i,
      }),
    );
  const s = analyzeExchanges(records, {
    file: "worst.har",
    format: "har",
    capabilities: ALL_CAPABILITIES,
  });
  writeFileSync(reports.worstHtml, REPORTERS.html(s));
  writeFileSync(reports.worstJson, REPORTERS.json(s));
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const browser = await launch();
worstCase();
const times: Record<string, number[]> = { html: [], json: [], worstHtml: [], worstJson: [] };
try {
  for (let i = 0; i < runs; i++) {
    const forward = ["html", "json", "worstHtml", "worstJson"] as const;
    const order = i % 2 === 0 ? forward : [...forward].reverse();
    for (const format of order) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        offline: true,
      });
      const page = await context.newPage();
      await page.route("**/*", (route) =>
        route.request().url().startsWith("file:") ? route.continue() : route.abort(),
      );
      await page.goto(`file://${reports[format]}`, { waitUntil: "load" });
      // A string: the bench is type-checked without the DOM library.
      const ms = await page.evaluate<number>(
        "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now()))))",
      );
      times[format]!.push(ms);
      await context.close();
    }
  }
} finally {
  await browser.close();
}

const size = (f: string) => statSync(f).size;
const mb = (b: number) => (b / 1e6).toFixed(2);
const htmlBytes = size(reports.html);
const jsonBytes = size(reports.json);
const htmlMs = median(times.html!);
const jsonMs = median(times.json!);
const summary = JSON.parse(readFileSync(reports.json, "utf8")) as { exchanges: number };
console.log(
  `\ndate: ${new Date().toISOString()}  load: ${readFileSync("/proc/loadavg", "utf8").trim()}`,
);
console.log(
  `exchanges: ${summary.exchanges.toLocaleString("en-US")}; open times (ms) html ${times.html!.map((x) => x.toFixed(0)).join(", ")}; json ${times.json!.map((x) => x.toFixed(0)).join(", ")}\n`,
);
console.log("| figure | measured | peer (JSON report, same run) | ratio | target | result |");
console.log("| --- | ---: | ---: | ---: | --- | --- |");
console.log(
  `| HTML report size, 1M-line log | ${mb(htmlBytes)} MB | ${mb(jsonBytes)} MB | ${(htmlBytes / jsonBytes).toFixed(2)}× | < 5 MB | ${htmlBytes < 5e6 ? "PASS" : "FAIL"} |`,
);
console.log(
  `| open in Chromium (median of ${runs}) | ${htmlMs.toFixed(0)} ms | ${jsonMs.toFixed(0)} ms | ${(htmlMs / jsonMs).toFixed(2)}× | < 2,000 ms | ${htmlMs < 2000 ? "PASS" : "FAIL"} |`,
);
const wH = size(reports.worstHtml);
const wJ = size(reports.worstJson);
const wHms = median(times.worstHtml!);
const wJms = median(times.worstJson!);
console.log(
  `| HTML report size, every bound full (info) | ${mb(wH)} MB | ${mb(wJ)} MB | ${(wH / wJ).toFixed(2)}× | < 5 MB | ${wH < 5e6 ? "PASS" : "FAIL"} |`,
);
console.log(
  `| open in Chromium, every bound full (info) | ${wHms.toFixed(0)} ms | ${wJms.toFixed(0)} ms | ${(wHms / wJms).toFixed(2)}× | < 2,000 ms | ${wHms < 2000 ? "PASS" : "FAIL"} |`,
);
