/**
 * Every main page in Japanese and in English, loaded whole and reached by client-side navigation: each page receives only
 * the messages of its namespaces (use-t.ts), so a page that forgot one logs "i18n: no message …" and shows the key.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { en, ja } from "~/i18n/dictionary.server";
import { openBrowser, signIn, watchProblems } from "./browser";
import { DEMO } from "./periods";

const [baseURL, scope] = [inject("baseURL"), inject("scope")];
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let problems: string[];

const PAGES = [
  "/", "/incidents", "/incidents/new", `/incidents/${scope.ownIncident}`, `/incidents/${scope.ownIncident}/edit`,
  `/incidents/${scope.ownIncident}/delete`, `/incidents/${scope.ownIncident}/report`, "/import", "/reports", `/reports/${DEMO.fy}`,
  `/reports/${DEMO.fy}?audience=executive`, "/measures", "/measures/G01", "/training", "/consultations", "/consultations/new",
  "/admin/users", "/admin/users/1", "/admin/departments", "/admin/audit", "/admin/settings", "/admin/retention", "/admin/backups", "/admin/api-tokens", "/account/password",
  "/notifications", "/account/notifications",
];
/** Error pages: the page that failed sent no messages, the root's cover what they show. */
const MISSING = ["/incidents/99999999", "/reports/issued/999999", "/consultations/99999999"];
const KEYS = Object.keys(ja);

async function setLang(lang: "ja" | "en") {
  await browser.context.addCookies([{ name: "lang", value: lang, url: baseURL }]);
}
/** The page's visible text, once hydrated (a missing key is logged when the browser renders it too). */
async function shown(): Promise<string> {
  await page.waitForLoadState("networkidle");
  return page.locator("body").innerText();
}
const keysShown = (text: string) => KEYS.filter((k) => text.includes(k));
/** Loads a page whole, checks its status and that it shows no key; its text. */
async function visit(url: string, status: number, label: string): Promise<string> {
  expect((await page.goto(`${baseURL}${url}`))?.status(), label).toBe(status);
  const text = await shown();
  expect(keysShown(text), label).toEqual([]);
  return text;
}

beforeAll(async () => {
  browser = await openBrowser();
  page = await browser.context.newPage();
  problems = watchProblems(page);
  await signIn(page, baseURL, inject("users").admin);
});
afterAll(async () => browser?.close());

describe("every page in both languages", () => {
  it("renders each main page's texts in Japanese and in English, with no missing message", async () => {
    const headings: Record<string, string[]> = {};
    for (const lang of ["ja", "en"] as const) {
      await setLang(lang);
      for (const url of PAGES) {
        await visit(url, 200, `${lang} ${url}`);
        expect(await page.locator("html").getAttribute("lang")).toBe(lang);
        (headings[url] ??= []).push(await page.locator("h1").first().innerText());
      }
    }
    // The same page, another language: its heading changed.
    for (const [url, [jaHeading, enHeading]] of Object.entries(headings)) expect(enHeading, url).not.toBe(jaHeading);
    expect(problems).toEqual([]);
  });

  it("sends a page only its language's messages of its namespaces", async () => {
    for (const [lang, other] of [["en", ja], ["ja", en]] as const) {
      await setLang(lang);
      await page.goto(`${baseURL}/import`);
      const html = await page.content();
      const mine = lang === "en" ? en : ja;
      expect(html).toContain(mine["importPage.intro"]);
      // Another page's namespace, and this page's texts in the other language, never came.
      for (const text of [mine["audit.intro"], mine["backups.title"], other["importPage.intro"], other["error.title"]]) {
        expect(html, text).not.toContain(text);
      }
    }
  });

  it("keeps every message when moving between pages in the browser (each route's loader brings its own)", async () => {
    for (const lang of ["en", "ja"] as const) {
      await setLang(lang);
      await page.goto(`${baseURL}/`);
      await shown();
      const links = await page.locator("header nav.nav-wide a").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
      expect(links.length).toBeGreaterThan(8);
      for (const href of links) {
        await page.locator(`header nav.nav-wide a[href="${href}"]`).click();
        await page.waitForURL((u) => u.pathname === href);
        expect(keysShown(await shown()), `${lang} ${href}`).toEqual([]);
      }
    }
    expect(problems).toEqual([]);
  });

  it("shows the error pages in both languages", async () => {
    for (const lang of ["ja", "en"] as const) {
      await setLang(lang);
      for (const url of MISSING) {
        expect(await visit(url, 404, `${lang} ${url}`), `${lang} ${url}`).toContain((lang === "ja" ? ja : en)["error.title"]);
      }
      // No route matched: no loader ran, so no messages came; the page falls back to Japanese (app/i18n/fallback.ts).
      expect(await visit("/no-such-page", 404, `${lang} /no-such-page`)).toContain(ja["error.notFound"]);
    }
    expect(problems).toEqual([]);
  });
});
