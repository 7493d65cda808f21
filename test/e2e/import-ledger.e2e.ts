/**
 * The files HR really has, on the import page (issue 16): an old Shift_JIS ledger with no close dates, a Google Forms
 * export recognised by its headers, a mapping saved and used again, and every refusal offering a way forward on the
 * same screen. Fixtures: test/fixtures/import (make-fixtures.sh); dates are fixed days in the past.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { openPageForFile, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
const FIXTURES = path.resolve("test/fixtures/import");
let page: Page;
let problems: string[];
let tmp: string;

openPageForFile((opened) => ({ page, problems } = opened));
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-ledger-e2e-"));
  page.on("dialog", (d) => void d.accept());
  await signIn(page, baseURL, inject("users").hr);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function upload(file: string) {
  await page.goto(`${baseURL}/import`);
  await page.getByLabel("ファイル(CSV・Excel)").setInputFiles(file);
  await page.getByRole("button", { name: "アップロードして内容を確認" }).click();
}
function tmpCsv(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `\uFEFF${text.replace(/\n/g, "\r\n")}`);
  return file;
}
async function atPhoneAndDesktop(name: string) {
  await screenshot(page, `${name}-1440`);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-390`);
  await page.setViewportSize({ width: 1366, height: 900 });
}

describe("an old ledger", () => {
  it("imports with no editing, its closed cases without a date marked 終了日不明 in the list", async () => {
    await upload(path.join(FIXTURES, "old-ledger.csv"));
    await page.getByText("文字コード: shift_jis / 区切り: カンマ").waitFor();
    await page.getByText("8行を確認: 取り込むと新規 8件、更新 0件、重複 0件、エラー 0件(まだ何も保存していません)").waitFor();
    await page.getByText("終了日の記録がない終了事案 6件は「終了日不明」として取り込みます(日付は推測しません)。").waitFor();
    expect(await page.locator("table.preview .closed-unknown").count()).toBe(6);
    await page.getByRole("button", { name: "取り込む", exact: true }).click();
    await page.getByText("8件を取り込み、0件を更新しました。").waitFor();

    // 2023-07: before the demo data, only the ledger's 土下座 case.
    await page.goto(`${baseURL}/incidents?period=2023-07`);
    const row = page.locator("table.incidents tbody tr");
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain("終了日不明");
    await screenshot(page, "incidents-closed-date-unknown");
    await row.locator("a").first().click();
    await page.locator("dl.facts .closed-unknown", { hasText: "終了日不明" }).waitFor();
  });
});

describe("a form export and a saved mapping", () => {
  it("recognises a Google Forms export by its headers and says so on the mapping screen", async () => {
    await upload(path.join(FIXTURES, "google-forms.csv"));
    await page.getByText("Google フォーム の書き出しとして読み取りました").waitFor();
    await page.getByText("3行を確認: 取り込むと新規 3件、更新 0件、重複 0件、エラー 0件(まだ何も保存していません)").waitFor();
    expect(await page.getByLabel("タイムスタンプ").inputValue()).toBe("reported_at");
    expect(await page.getByLabel("メールアドレス").inputValue()).toBe("");
    await atPhoneAndDesktop("import-preset");
  });

  it("saves a corrected mapping by name, and reads the next file with the same columns with it", async () => {
    await page.getByLabel("タイムスタンプ").selectOption("");
    await page.getByLabel("今の対応付けに名前を付けて保存").fill("フォーム回答(受付時刻なし)");
    await page.getByRole("button", { name: "保存して再確認" }).click();
    await page.getByText("対応付け「フォーム回答(受付時刻なし)」を保存しました。").waitFor();

    await upload(path.join(FIXTURES, "google-forms.csv"));
    await page.getByText("保存した対応付け「フォーム回答(受付時刻なし)」で読み取りました。").waitFor();
    expect(await page.getByLabel("タイムスタンプ").inputValue()).toBe("");
    // Chosen by name, and deleted.
    await page.getByLabel("保存した対応付け").selectOption("フォーム回答(受付時刻なし)");
    await page.getByRole("button", { name: "この対応付けを削除" }).click();
    await page.getByText("対応付けを削除しました。").waitFor();
    // The list of saved mappings comes with the page's data, which may arrive just after the message: wait for it to go.
    await page.getByLabel("保存した対応付け").waitFor({ state: "detached", timeout: 10_000 });
    expect(await page.getByLabel("保存した対応付け").count()).toBe(0);
  });
});

describe("every refusal offers a way forward", () => {
  it("after invalid rows: import the valid ones (keeping the corrected mapping), download the errors, fix the mapping, another file", async () => {
    const file = tmpCsv(
      "some-errors.csv",
      "管理番号,発生日,発生チャネル,行為類型,概要\nW-1,2024-05-01,電話,暴言,道の1\nW-2,令和元年4月1日,電話,暴言,道の2\nW-3,2024-05-03,来店,威圧,道の3\n",
    );
    await upload(file);
    // 発生チャネル is not a known header: the file is refused until it is pointed out.
    await page.getByText("必須の列がありません: 発生場面").waitFor();
    await page.getByLabel("発生チャネル").selectOption("channel");
    await page.getByRole("button", { name: "対応を変更して再確認" }).click();
    const ways = page.locator(".ways-forward");
    await ways.getByText("まだ何も保存していません。次のいずれかで進めてください。").waitFor();
    expect(await ways.getByRole("link").allInnerTexts()).toEqual([
      "エラーの行をダウンロード(修正して再度取り込めます)(UTF-8)", "Shift_JIS(Excel 用)", "列の対応を確認・変更する", "別のファイルを選ぶ",
    ]);
    await atPhoneAndDesktop("import-ways-forward");

    // A run stopped by the invalid row keeps every way forward on the screen.
    await page.getByRole("button", { name: "取り込む", exact: true }).click();
    await page.getByText("エラーのある行があるため、何も保存していません。").waitFor();
    await ways.getByRole("button", { name: "エラーのない 2行だけを取り込む" }).click();
    await page.getByText("2件を取り込み、0件を更新しました。").waitFor();
    expect(await page.locator(".ways-forward").count()).toBe(0);
    // The corrected mapping was kept: both rows are stored with their channel.
    await page.goto(`${baseURL}/incidents?period=2024-05&q=${encodeURIComponent("道の")}`);
    expect(await page.locator("table.incidents tbody tr").count()).toBe(2);
  });

  it("when no row is valid, says so instead of offering to import nothing", async () => {
    const file = tmpCsv("no-valid.csv", "発生日時,発生場面,行為類型\n令和元年4月1日,電話,暴言\n2024-05-01,FAX,暴言\n");
    await upload(file);
    const ways = page.locator(".ways-forward");
    await ways.getByText("取り込める行がありません(全 2行にエラーがあります)。").waitFor();
    expect(await ways.getByRole("button").count()).toBe(0);
    await ways.getByRole("link", { name: "列の対応を確認・変更する" }).waitFor();
  });

  it("after an unusable file, says what to do with the upload form at hand", async () => {
    await upload(path.join(FIXTURES, "binary.csv"));
    await page.getByText("文字コードを指定するか、別のファイルを選んで、もう一度アップロードしてください。").waitFor();
    await page.getByLabel("ファイル(CSV・Excel)").waitFor();
  });

  it("undoes its batches, leaving the demo data to the other tests", async () => {
    for (const file of ["old-ledger.csv", "some-errors.csv"]) {
      await page.goto(`${baseURL}/import`);
      const batch = page.locator("table.history tbody tr", { hasText: file }).filter({ has: page.getByRole("button", { name: "取り消す" }) });
      await batch.getByRole("button", { name: "取り消す" }).click();
      await page.getByText(/バッチを取り消しました/).waitFor();
    }
    await page.goto(`${baseURL}/incidents?period=2019-04`);
    expect(await page.locator("table.incidents tbody tr").count()).toBe(0);
  });

  it("was sent every message it showed", () => {
    expect(problems.filter((p) => p.startsWith("i18n:"))).toEqual([]);
  });
});
