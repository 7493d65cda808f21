/**
 * An Excel workbook on the import page (issue 16): the summary says which sheet was read among which, the mapping form
 * offers the other sheet, and the sheet chosen is the one committed. The batch is undone at the end.
 */
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { openPageForFile, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
const LEDGER = path.resolve("test/fixtures/import/xlsx/ledger.xlsx");
let page: Page;
let problems: string[];

openPageForFile((opened) => ({ page, problems } = opened));
beforeAll(async () => {
  page.on("dialog", (d) => void d.accept());
  await signIn(page, baseURL, inject("users").hr);
});

describe("importing a workbook with two sheets", () => {
  it("reads the first sheet and says so, with the workbook's sheets", async () => {
    await page.goto(`${baseURL}/import`);
    expect(await page.getByLabel("ファイル(CSV・Excel)").getAttribute("accept")).toContain(".xlsx");
    await page.getByLabel("ファイル(CSV・Excel)").setInputFiles(LEDGER);
    await page.getByRole("button", { name: "アップロードして内容を確認" }).click();
    await page.getByText("Excel ブック(.xlsx) / シート: 事案台帳 (このブックのシート: 事案台帳、2023年度)").waitFor();
    await page.getByText("4行を確認: 取り込むと新規 4件、更新 0件、重複 0件、エラー 0件(まだ何も保存していません)").waitFor();
    expect(await page.locator("table.preview tbody").innerText()).toContain("2024-04-03 10:30");
    await screenshot(page, "import-xlsx-first-sheet");
  });

  it("re-checks the other sheet chosen in the mapping form, and commits that one", async () => {
    await page.getByLabel("読み込むシート").selectOption("2023年度");
    await page.getByRole("button", { name: "対応を変更して再確認" }).click();
    await page.getByText("Excel ブック(.xlsx) / シート: 2023年度 (このブックのシート: 事案台帳、2023年度)").waitFor();
    await page.getByText("2行を確認: 取り込むと新規 2件、更新 0件、重複 0件、エラー 0件(まだ何も保存していません)").waitFor();
    await page.getByRole("button", { name: "取り込む", exact: true }).click();
    await page.getByText("2件を取り込み、0件を更新しました。").waitFor();
    await screenshot(page, "import-xlsx-committed");
  });

  it("undoes the batch from the history", async () => {
    await page.goto(`${baseURL}/import`);
    const batch = page.locator("table.history tbody tr", { hasText: "ledger.xlsx" }).first();
    await batch.getByRole("button", { name: "取り消す" }).click();
    await page.getByText("バッチを取り消しました(削除 2件、復元 0件)。").waitFor();
  });

  it("was sent every message it showed", () => {
    expect(problems.filter((p) => p.startsWith("i18n:"))).toEqual([]);
  });
});
