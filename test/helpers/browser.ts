/**
 * A real browser for the HTML report: Debian's chromium driven by playwright-core, headless, with
 * every network request blocked and recorded (a self-contained report makes none).
 */
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
}

export interface OpenedReport {
  readonly page: Page;
  /** Requests other than the report itself (file:) and data: URLs; each was aborted. */
  readonly requests: string[];
  readonly consoleErrors: string[];
}

/** Opens a report file in a fresh 1280×800 page whose network is cut off. */
export async function openReport(
  browser: Browser,
  file: string,
  colorScheme: "light" | "dark" = "light",
): Promise<OpenedReport> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme,
    offline: true,
  });
  const page = await context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  await page.goto(`file://${file}`, { waitUntil: "load" });
  return { page, requests, consoleErrors };
}
