/** Debian's Chromium driven by playwright-core, headless, with a fresh profile per test file. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

export const SCREENSHOT_DIR = path.resolve("test-results/screenshots");

const FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync",
];

export async function openBrowser(opts: { ignoreHTTPSErrors?: boolean } = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-chromium-"));
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
    viewport: { width: 1366, height: 900 },
    locale: "ja-JP",
    timezoneId: "Asia/Tokyo",
    // Only for a test's own self-signed certificate (the proxy test).
    ignoreHTTPSErrors: opts.ignoreHTTPSErrors ?? false,
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the form, as a user does, and waits for the start page (or wherever returnTo leads). */
export async function signIn(page: Page, baseURL: string, user: { email: string; password: string }, to = "/"): Promise<void> {
  await page.context().clearCookies(); // whoever was signed in before
  await page.goto(`${baseURL}/login?returnTo=${encodeURIComponent(to)}`);
  await page.fill("#email", user.email);
  await page.fill("#password", user.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click("form button.primary")]);
}

/** Collects what the browser reports about the page: Content-Security-Policy refusals and script errors. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    // A 4xx answer to a form (422 for invalid input) is logged by Chromium as a failed load: not a problem.
    if (m.type() === "error" && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
      problems.push(m.text());
    }
  });
  page.on("pageerror", (e) => problems.push(e.message));
  return problems;
}

/**
 * One page in a fresh browser for the tests of a file: opened before them (`use` receives it, with the problems the
 * browser reports on it, see watchProblems) and closed after them.
 */
export function openPageForFile(use: (opened: { page: Page; problems: string[] }) => void): void {
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const browser = await openBrowser();
    close = browser.close;
    const page = await browser.context.newPage();
    use({ page, problems: watchProblems(page) });
  });
  afterAll(async () => close?.());
}

/** A full-page screenshot under SCREENSHOT_DIR, to look at after the run. */
export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
