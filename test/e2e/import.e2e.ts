import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { openPageForFile, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
const FIXTURES = path.resolve("test/fixtures/e2e");
let page: Page;
/** Console errors; the i18n ones (a message this page was not sent) fail the last test. */
let problems: string[];

const shot = (name: string) => screenshot(page, name);

async function totalIncidents(query = ""): Promise<number> {
  await page.goto(`${baseURL}/incidents${query}`);
  return Number((await page.locator(".result-count strong").innerText()).replace(/[^\d]/g, ""));
}

async function upload(file: string) {
  await page.goto(`${baseURL}/import`);
  await page.getByLabel("ファイル(CSV・Excel)").setInputFiles(path.join(FIXTURES, file));
  await page.getByRole("button", { name: "アップロードして内容を確認" }).click();
}

openPageForFile((opened) => ({ page, problems } = opened));
beforeAll(async () => {
  page.on("dialog", (d) => void d.accept());
  await signIn(page, baseURL, inject("users").hr);
});

describe("importing a Shift_JIS file on the import page", () => {
  let before = 0;

  it("offers the template and states the size limit", async () => {
    before = await totalIncidents();
    await page.goto(`${baseURL}/import`);
    await page.getByRole("heading", { level: 1, name: "事案の取り込み(CSV・Excel)" }).waitFor();
    expect(await page.locator("main").innerText()).toContain("1ファイルの上限は 50 MB です");
    const template = await page.request.get(`${baseURL}/import/template.csv`);
    const bytes = await template.body();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toContain("管理番号,発生日時,上長報告日時");
    await shot("import-start");
  });

  it("refuses a file over the limit with a message, not a crash", async () => {
    const res = await page.request.post(`${baseURL}/import?index`, {
      headers: { Origin: baseURL },
      multipart: { file: { name: "big.csv", mimeType: "text/csv", buffer: Buffer.alloc(51 * 1024 * 1024, 0x61) }, encoding: "auto" },
    });
    expect(res.status()).toBe(413);
    expect(await res.text()).toContain("ファイルが大きすぎます(上限 50 MB)");
  });

  it("shows an unrecognised required column and lets the user map it", async () => {
    await upload("with-error.sjis.csv");
    await page.getByText("必須の列がありません: 発生場面").waitFor();
    const row = page.locator("tr.unmatched", { hasText: "発生チャネル" });
    expect(await row.count()).toBe(1);
    await shot("import-missing-column");
    await page.getByLabel("発生チャネル").selectOption("channel");
    await page.getByRole("button", { name: "対応を変更して再確認" }).click();
    await page.getByText("文字コード: shift_jis / 区切り: カンマ").waitFor();
  });

  it("reports the error with its row, column and value, and a preview of the rows as they will be stored", async () => {
    await page.getByText("3行を確認: 取り込むと新規 2件、更新 0件、重複 0件、エラー 1件(まだ何も保存していません)").waitFor();
    const error = page.locator("table.errors tbody tr");
    expect(await error.count()).toBe(1);
    const cells = await error.locator("td").allInnerTexts();
    expect(cells.slice(0, 3)).toEqual(["4", "発生日", "令和元年4月1日"]);
    expect(cells[3]).toContain("令和は2019年5月1日から");
    const preview = await page.locator("table.preview tbody").innerText();
    // CP932-only characters survived the decoding; words became codes and labels.
    expect(preview).toContain("㈱ミナト商事");
    expect(preview).toContain("髙橋 様");
    expect(preview).toContain("①土下座");
    expect(preview).toContain("精神的な攻撃、威圧的な言動");
    expect(preview).toContain("2024-04-03 14:05");
    expect(await page.getByRole("link", { name: /エラーの行をダウンロード/ }).count()).toBe(1);
    await shot("import-errors");
  });

  it("stores nothing while a row has an error", async () => {
    await page.getByRole("button", { name: "取り込む", exact: true }).click();
    // Issue 16: the page used to point at an option no longer on screen; it now offers every way forward there.
    await page.getByText("エラーのある行があるため、何も保存していません。").waitFor();
    const ways = page.locator(".ways-forward");
    await ways.getByRole("button", { name: "エラーのない 2行だけを取り込む" }).waitFor();
    expect(await ways.getByRole("link").allInnerTexts()).toEqual(["エラーの行をダウンロード(修正して再度取り込めます)(UTF-8)", "Shift_JIS(Excel 用)", "列の対応を確認・変更する", "別のファイルを選ぶ"]);
    await page.getByRole("button", { name: "対応を変更して再確認" }).waitFor();
    // The counts say nothing was stored, and what the valid rows would store.
    await page.getByText("3行: 保存 0件(エラー 1件のため)。エラーの行を除く 2行なら、新規 2件、更新 0件、重複 0件になります").waitFor();
    await shot("import-stopped");
    expect(await totalIncidents()).toBe(before);
  });

  it("imports the corrected file, and the incidents appear in the list", async () => {
    await upload("fixed.sjis.csv");
    await page.getByLabel("発生チャネル").selectOption("channel");
    await page.getByRole("button", { name: "対応を変更して再確認" }).click();
    await page.getByText("3行を確認: 取り込むと新規 3件、更新 0件、重複 0件、エラー 0件(まだ何も保存していません)").waitFor();
    await page.getByRole("button", { name: "取り込む", exact: true }).click();
    await page.getByText("3件を取り込み、0件を更新しました。").waitFor();
    await page.locator("p.counts", { hasText: "3行: 新規 3件、更新 0件、重複 0件、エラー 0件" }).waitFor();
    await shot("import-done");
    expect(await totalIncidents()).toBe(before + 3);
    expect(await totalIncidents("?client=%E3%83%9F%E3%83%8A%E3%83%88")).toBe(1);
    expect(await page.locator("table.incidents tbody").innerText()).toContain("WEB-001");
    // The import's worker indexes them for the text search just after its answer (docs/decisions/0030).
    await expect.poll(() => totalIncidents("?q=WEB-001"), { timeout: 10_000 }).toBe(1);
  });

  it("undoes the batch from the history", async () => {
    await page.goto(`${baseURL}/import`);
    const batch = page.locator("table.history tbody tr", { hasText: "fixed.sjis.csv" });
    await batch.getByRole("button", { name: "取り消す" }).click();
    await page.getByText("バッチを取り消しました(削除 3件、復元 0件)。").waitFor();
    expect(await totalIncidents()).toBe(before);
  });

  it("was sent every message it showed", () => {
    expect(problems.filter((p) => p.startsWith("i18n:"))).toEqual([]);
  });
});
