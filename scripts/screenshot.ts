/**
 * Regenerates docs/report.png (the README's screenshot): the HTML report of the test fixture log,
 * at 1280×800 in Chromium. Run: npm run screenshot (needs /usr/bin/chromium or CHROMIUM_PATH).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeInputs } from "../packages/cli/src/audit/analyze.js";
import { REPORTERS } from "../packages/cli/src/audit/report/index.js";
import { fixtureHar } from "../packages/cli/test/audit/report/html-fixture.js";
import { launch, openReport } from "../test/helpers/browser.js";

const dir = mkdtempSync(join(tmpdir(), "truestatus-shot-"));
const browser = await launch();
try {
  writeFileSync(join(dir, "session.har"), fixtureHar());
  // Analysed from its directory, so that the report names the file "session.har".
  const cwd = process.cwd();
  process.chdir(dir);
  const { summary } = await analyzeInputs(["session.har"], {}).finally(() => process.chdir(cwd));
  const html = join(dir, "report.html");
  const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
  writeFileSync(html, REPORTERS.html(summary, { version }));
  const dark = process.argv.includes("--dark");
  const { page } = await openReport(browser, html, dark ? "dark" : "light");
  const out = process.argv.find((a) => a.endsWith(".png")) ?? "docs/report.png";
  await page.screenshot({ path: out, fullPage: process.argv.includes("--full") });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
