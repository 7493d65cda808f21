/**
 * CSV downloads in both encodings in a real browser (docs/decisions/0019): every page that offers a CSV shows a UTF-8
 * and a Shift_JIS link; the Shift_JIS file decodes to the same text as the UTF-8 one; the incident list's export holds
 * the importer's headers and only the filtered incidents. Screenshots at 1440 px of each page whose links changed.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { openPageForFile, screenshot, signIn } from "./browser";
import { DEMO } from "./periods";

const baseURL = inject("baseURL");
const users = inject("users");
const FIXTURES = path.resolve("test/fixtures/e2e");
let page: Page;
let problems: string[];

const shot = (name: string) => screenshot(page, name);

/** The two links of one CsvDownload group: the UTF-8 one, then the Shift_JIS one. */
async function linksOf(group: Locator): Promise<{ utf8: string; sjis: string }> {
  const links = group.getByRole("link");
  // A client-side navigation may change the URL before the page renders: wait for the group, not only the URL.
  await links.last().waitFor();
  expect(await links.count()).toBe(2);
  const utf8 = (await links.nth(0).getAttribute("href"))!;
  const sjis = (await links.nth(1).getAttribute("href"))!;
  expect(utf8).toContain("encoding=utf-8");
  expect(sjis).toContain("encoding=shift_jis");
  expect(await links.nth(1).innerText()).toBe("Shift_JIS(Excel 用)");
  return { utf8, sjis };
}

/**
 * Both files of a link pair: the Shift_JIS one decodes to the UTF-8 one's text (for a file for reading, with 〜 and —
 * in their CP932 form ～ and ―, docs/decisions/0019).
 */
async function sameTextInBoth(links: { utf8: string; sjis: string }, reading = false): Promise<string> {
  const u = await page.request.get(`${baseURL}${links.utf8}`);
  const s = await page.request.get(`${baseURL}${links.sjis}`);
  expect(u.status()).toBe(200);
  expect(s.status(), await s.text()).toBe(200);
  expect(s.headers()["content-type"]).toBe("text/csv; charset=Shift_JIS");
  expect(s.headers()["content-disposition"]).toContain("-sjis");
  const uBytes = await u.body();
  expect([...uBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder("shift_jis").decode(await s.body());
  const utf8Text = new TextDecoder().decode(uBytes);
  expect(text).toBe(reading ? utf8Text.replace(/〜/g, "～").replace(/—/g, "―") : utf8Text);
  return text;
}

openPageForFile((opened) => ({ page, problems } = opened));
beforeAll(async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, baseURL, users.hr);
});

describe("CSV downloads for HR", () => {
  it("exports the filtered incident list in both encodings, with the importer's headers", async () => {
    await page.goto(`${baseURL}/incidents?period=${DEMO.fy}&channel=C2`);
    await page.getByRole("heading", { level: 1, name: "事案一覧" }).waitFor();
    const total = Number((await page.locator(".result-count strong").innerText()).replace(/[^\d]/g, ""));
    const group = page.getByRole("group", { name: /条件に合う全件をCSVで出力/ });
    const links = await linksOf(group);
    expect(links.sjis).toContain(`period=${DEMO.fy}`);
    expect(links.sjis).toContain("channel=C2");
    await shot("exports-incident-list");
    // A click on the Shift_JIS link downloads the file (the server says attachment) without leaving the page.
    const [download] = await Promise.all([page.waitForEvent("download"), group.getByRole("link").nth(1).click()]);
    expect(download.suggestedFilename()).toMatch(/^incidents-\d{4}-\d{2}-\d{2}-sjis\.csv$/);
    const text = new TextDecoder("shift_jis").decode(fs.readFileSync((await download.path())!));
    const lines = text.split("\r\n").filter(Boolean);
    expect(lines[0]).toMatch(/^管理番号,発生日時,上長報告日時,部署,/);
    expect(await sameTextInBoth(links)).toBe(text);
    // One record per incident (free text may hold line breaks: count the channel cells instead).
    expect(text.match(/,C2 電話,/g)).toHaveLength(total);
  });

  it("offers the import template in both encodings, and the error file after a failed check", async () => {
    await page.goto(`${baseURL}/import`);
    const template = page.getByRole("group", { name: /テンプレートをダウンロード/ });
    expect(await sameTextInBoth(await linksOf(template))).toContain("管理番号,発生日時");
    await page.getByLabel("ファイル(CSV・Excel)").setInputFiles(path.join(FIXTURES, "with-error.sjis.csv"));
    await page.getByRole("button", { name: "アップロードして内容を確認" }).click();
    await page.getByLabel("発生チャネル").selectOption("channel");
    await page.getByRole("button", { name: "対応を変更して再確認" }).click();
    const errors = page.getByRole("group", { name: /エラーの行をダウンロード/ });
    await errors.waitFor();
    expect(await sameTextInBoth(await linksOf(errors))).toContain("エラー");
    await shot("exports-import");
  });

  it("offers each dashboard chart and the report in both encodings", async () => {
    await page.goto(`${baseURL}/?period=${DEMO.fy}`);
    await page.locator("#chart-behaviour .recharts-surface").first().waitFor();
    expect(await sameTextInBoth(await linksOf(page.locator("#chart-channel .csv-download")), true)).toContain("電話");
    await shot("exports-dashboard");
    await page.goto(`${baseURL}/reports/${DEMO.fy}`);
    const report = page.getByRole("group", { name: /CSVをダウンロード/ });
    expect(await sameTextInBoth(await linksOf(report), true)).toContain(DEMO.fyLabel);
    await shot("exports-report");
  });

  it("answers an encoding it does not offer with a page linking to UTF-8", async () => {
    await page.goto(`${baseURL}/import/template.csv?encoding=latin1`);
    await page.getByText("文字コードの指定「latin1」には対応していません").waitFor();
    await page.getByRole("link", { name: /UTF-8 の CSV でダウンロード/ }).waitFor();
    await shot("exports-bad-encoding");
  });
});

describe("CSV downloads for an admin", () => {
  it("offers the audit log in both encodings", async () => {
    await signIn(page, baseURL, users.admin, "/admin/audit");
    await page.getByRole("heading", { level: 1 }).waitFor();
    const links = await linksOf(page.getByRole("group", { name: /CSVで出力/ }));
    // The two files differ by the entry each export writes: compare the header and the first of the older entries.
    const u = new TextDecoder().decode(await (await page.request.get(`${baseURL}${links.utf8}`)).body());
    const s = new TextDecoder("shift_jis").decode(await (await page.request.get(`${baseURL}${links.sjis}`)).body());
    expect(s.split("\r\n")[0]).toBe(u.replace(/^\uFEFF/, "").split("\r\n")[0]);
    expect(s).toContain("監査ログの出力");
    await shot("exports-audit");
  });

  it("sent every message the pages used", () => {
    expect(problems.filter((p) => p.includes("i18n"))).toEqual([]);
  });
});
