/**
 * Finding and exporting in a real browser (issue 19): the list found by 管理番号 typed full-width, a text search over
 * summary and prevention, the .xlsx export (opened with exceljs, the same incidents as the list, Japanese intact,
 * audited), a saved view's round trip (save, open, duplicate refused, rename, delete), a supervisor who cannot find
 * another department's incident, and the audit page's details. At 1440 px and at 390×844, with screenshots.
 */
import fs from "node:fs";
import Database from "better-sqlite3";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { openPageForFile, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
const users = inject("users");
const scope = inject("scope");
let page: Page;
let problems: string[];
let db: Database.Database;

openPageForFile((opened) => ({ page, problems } = opened));
beforeAll(async () => {
  db = new Database(inject("databasePath"), { readonly: true, fileMustExist: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, baseURL, users.hr, "/incidents");
});
afterAll(() => db?.close());

const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const noSidewaysScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

async function search(q: string, extra = ""): Promise<void> {
  await page.goto(`${baseURL}/incidents${extra}`);
  await page.fill("#f-q", q);
  await Promise.all([page.waitForURL((u) => u.searchParams.get("q") === q), page.locator("#list-filters button.primary").click()]);
}

describe("finding incidents", () => {
  it("finds an incident by its 管理番号 typed full-width, and by a word of its summary or prevention", async () => {
    const { ref } = db.prepare("select ref from incidents where ref is not null order by id limit 1 offset 10").get() as { ref: string };
    await search(fullWidth(ref));
    const rows = page.locator("table tbody tr");
    await page.getByText("1件", { exact: true }).waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain(ref);

    const word = "繰り返し";
    const expected = (db.prepare("select count(*) as n from incidents where summary like ? or prevention like ? or ref like ?").get(`%${word}%`, `%${word}%`, `%${word}%`) as { n: number }).n;
    expect(expected).toBeGreaterThan(0);
    await search(word);
    await expect.poll(() => page.locator("body").innerText()).toContain(`${expected.toLocaleString("ja-JP")}件`);
    expect(problems).toEqual([]);
  });

  it("downloads the filtered list as .xlsx: the same incidents, Japanese intact, audited with its format", async () => {
    await page.goto(`${baseURL}/incidents?status=open&q=${encodeURIComponent("繰り返し")}`);
    const ids = db
      .prepare("select ref from incidents where status = 'open' and (summary like '%繰り返し%' or prevention like '%繰り返し%' or ref like '%繰り返し%') order by id")
      .all()
      .map((r) => (r as { ref: string | null }).ref ?? "");
    expect(ids.length).toBeGreaterThan(0);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Excel形式(.xlsx)で出力" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^incidents-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(fs.readFileSync((await download.path())!).buffer as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).getCell(1).value).toBe("管理番号");
    const refs: string[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) refs.push(String(row.getCell(1).value ?? ""));
    });
    expect(refs).toEqual(ids);
    const texts = sheet.getColumn(EXCEL_SUMMARY_COLUMN(sheet)).values.slice(2).map(String);
    expect(texts.some((t) => t.includes("繰り返し"))).toBe(true);
    const entry = db.prepare("select detail from audit_log where action = 'incidents.exported' order by id desc limit 1").get() as { detail: string };
    expect(JSON.parse(entry.detail)).toMatchObject({ format: "xlsx", count: ids.length });
  });

  it("does not let a supervisor find another department's incident by its 管理番号", async () => {
    const { ref } = db.prepare("select ref from incidents where id = ?").get(scope.otherIncident) as { ref: string };
    await signIn(page, baseURL, users.supervisor, "/incidents");
    expect(ref).toMatch(/^KH-/);
    await search(ref);
    await page.getByText("条件に一致する事案はありません。").waitFor();
    expect(await page.locator("table tbody tr").count(), `${page.url()} ${await page.locator("table tbody tr").first().innerText().catch(() => "")}`).toBe(0);
    await signIn(page, baseURL, users.hr, "/incidents");
  });
});

/** The column of 概要 in the export's header row. */
function EXCEL_SUMMARY_COLUMN(sheet: ExcelJS.Worksheet): number {
  let found = 0;
  sheet.getRow(1).eachCell((cell, n) => {
    if (cell.value === "概要") found = n;
  });
  expect(found).toBeGreaterThan(0);
  return found;
}

describe("saved views", () => {
  for (const [label, width, height] of [["desktop", 1440, 900], ["phone", 390, 844]] as const) {
    it(`saves, opens, renames and deletes a view (${label})`, async () => {
      await page.setViewportSize({ width, height });
      const name = `未完了の重大 ${label}`;
      await page.goto(`${baseURL}/incidents?status=open&severity=4`);
      await page.fill("#view-name-new", name);
      await page.getByRole("button", { name: "今の条件を保存" }).click();
      await page.getByRole("status").filter({ hasText: "ビューを保存しました。" }).waitFor();
      await page.getByRole("link", { name: new RegExp(`^${name}`) }).waitFor();
      // The same name again is refused, in Japanese, beside the form.
      await page.fill("#view-name-new", name);
      await page.getByRole("button", { name: "今の条件を保存" }).click();
      await page.getByText("同じ名前のビューがすでにあります。").waitFor();

      await page.goto(`${baseURL}/incidents`);
      const link = page.getByRole("link", { name, exact: true });
      await Promise.all([page.waitForURL((u) => u.searchParams.get("severity") === "4"), link.click()]);
      expect(new URL(page.url()).searchParams.getAll("status")).toEqual(["open"]);
      await page.getByRole("link", { name: `${name} (表示中)` }).waitFor();
      expect(await noSidewaysScroll()).toBe(true);
      await screenshot(page, `find-list-saved-views-${width}`);

      await page.getByLabel(`ビュー「${name}」の編集`).click();
      const renamed = `${name} 改`;
      await page.getByLabel(`「${name}」の新しい名前`).fill(renamed);
      await page.getByRole("button", { name: "名前を変更" }).first().click();
      await page.getByRole("status").filter({ hasText: "ビューの名前を変更しました。" }).waitFor();
      await page.getByRole("link", { name: new RegExp(`^${renamed}`) }).waitFor();
      await page.getByLabel(`ビュー「${renamed}」の編集`).click();
      await page.getByRole("button", { name: `ビュー「${renamed}」を削除` }).click();
      await page.getByRole("status").filter({ hasText: "ビューを削除しました。" }).waitFor();
      await page.getByRole("link", { name: new RegExp(`^${renamed}`) }).waitFor({ state: "detached" });
      expect(problems).toEqual([]);
    });
  }
});

describe("the audit page", () => {
  it("shows details as label: value pairs and filters by part of a name or e-mail (1440 and 390 px)", async () => {
    await signIn(page, baseURL, users.admin, "/admin/audit");
    const part = users.hr.email.split("@")[0].toUpperCase();
    await page.goto(`${baseURL}/admin/audit?actor=${encodeURIComponent(part)}&action=incidents.exported`);
    const detail = page.locator("table.audit tbody tr").first().locator("dl.audit-detail");
    await detail.waitFor();
    expect(await detail.locator("dt").allInnerTexts()).toEqual(expect.arrayContaining(["条件", "件数", "形式"]));
    expect(await detail.innerText()).toContain("xlsx");
    expect(await detail.innerText()).not.toContain("{");
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      expect(await noSidewaysScroll()).toBe(true);
      await screenshot(page, `find-audit-${width}`);
    }
    expect(problems).toEqual([]);
  });
});
