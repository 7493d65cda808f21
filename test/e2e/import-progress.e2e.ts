/**
 * The import page's progress bar (docs/decisions/0020) on a 100,000-row file: it moves during the check and during the
 * commit, fed by the server's event stream, and then the result appears. The stream refuses a malformed id and
 * another user's. The batch is undone at the end, so that the other browser tests see the demo data as they expect.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { openPageForFile, SCREENSHOT_DIR, signIn } from "./browser";

const baseURL = inject("baseURL");
const ROWS = 100_000;
const FILE_NAME = "progress-100k.csv";
/** Dates counted back from a fixed past day (never today: the test must not depend on when it runs). */
const LAST_DAY = Date.UTC(2025, 2, 31);

let page: Page;
let problems: string[];
let dir: string;
let file: string;

/** A valid CSV of `rows` distinct incidents: the required columns, refs unique to this file. */
function writeCsv(target: string, rows: number): void {
  const channels = ["電話", "来店", "メール"];
  const behaviours = ["暴言", "長時間拘束", "土下座の要求", "MA05"];
  const lines = ["管理番号,発生日時,発生場面,行為類型,概要"];
  for (let i = 0; i < rows; i++) {
    const day = new Date(LAST_DAY - (i % 1800) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, "/");
    const time = `${9 + (i % 9)}:${String(i % 60).padStart(2, "0")}`;
    lines.push(`PB-${i},${day} ${time},${channels[i % 3]},${behaviours[i % 4]},進み具合の確認用 ${i}`);
  }
  fs.writeFileSync(target, `${lines.join("\r\n")}\r\n`);
}

/** Records every value the page's <progress> takes (and its stage text) from now on, in the page itself. */
async function watchBar(): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { barValues: number[]; barObserver?: MutationObserver };
    w.barObserver?.disconnect();
    w.barValues = [];
    const record = () => {
      const bar = document.querySelector(".import-progress progress");
      const value = bar?.getAttribute("value");
      if (value !== null && value !== undefined && Number(value) !== w.barValues.at(-1)) w.barValues.push(Number(value));
    };
    w.barObserver = new MutationObserver(record);
    w.barObserver.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["value"] });
  });
}

const barValues = () => page.evaluate(() => (window as unknown as { barValues: number[] }).barValues);

/** What the window shows (a full page of a 100,000-row result at 390 px is megabytes of PNG). */
const screenshot = (p: Page, name: string) => p.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });

/** The page's import of 100,000 rows runs at ~4,000 – 10,000 rows/s on a shared 2-core machine: check, then commit. */
const IMPORT_TIMEOUT_MS = 120_000;

/** Waits until the bar is part-way (and has moved at least twice), then screenshots it. */
async function shootMidway(name: string): Promise<void> {
  const started = Date.now();
  await page.waitForFunction(
    () => {
      const v = (window as unknown as { barValues: number[] }).barValues;
      return v.length >= 2 && v.at(-1)! > 10 && v.at(-1)! < 90;
    },
    undefined,
    { timeout: IMPORT_TIMEOUT_MS / 2, polling: 50 },
  ).catch(async (e) => {
    await screenshot(page, `${name}-failed`);
    throw new Error(`the bar took no value part-way in ${Date.now() - started} ms: ${(await barValues()).join(" ")}`, { cause: e });
  });
  await screenshot(page, name);
}

/** Waits for the page to run (the hidden progress id is set by the page's script). */
async function waitForHydration(): Promise<void> {
  await page.waitForFunction(() => {
    const ids = [...document.querySelectorAll<HTMLInputElement>("input[name=progressId]")];
    return ids.length > 0 && ids.every((i) => i.value !== "");
  });
}

function increasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]);
}

openPageForFile((opened) => ({ page, problems } = opened));
beforeAll(async () => {
  await signIn(page, baseURL, inject("users").hr, "/import");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-progress-e2e-"));
  file = path.join(dir, FILE_NAME);
  writeCsv(file, ROWS);
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the progress stream", () => {
  /** The status of a GET of the stream, read from the headers (the body of an accepted stream never ends by itself). */
  const streamStatus = (id: string) =>
    page.evaluate(async (url) => {
      const abort = new AbortController();
      const res = await fetch(url, { signal: abort.signal });
      abort.abort();
      return res.status;
    }, `${baseURL}/import/progress/${encodeURIComponent(id)}`);

  it("refuses a malformed id and another user's id", async () => {
    const adminsId = "admin-progress-id-0123456789";
    await signIn(page, baseURL, inject("users").admin, "/import");
    expect(await streamStatus(adminsId)).toBe(200);
    await signIn(page, baseURL, inject("users").hr, "/import");
    expect(await streamStatus(adminsId)).toBe(403);
    expect(await streamStatus("short")).toBe(400);
    expect(await streamStatus("not valid because of spaces and length")).toBe(400);
  });
});

describe(`importing ${ROWS.toLocaleString()} rows on the import page`, () => {
  it("moves the bar during the check, then shows the result", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${baseURL}/import`);
    await waitForHydration();
    await watchBar();
    await page.getByLabel("ファイル(CSV・Excel)").setInputFiles(file);
    await page.getByRole("button", { name: "アップロードして内容を確認" }).click();
    await shootMidway("import-progress-check-1440");
    const bar = page.locator(".import-progress progress");
    expect(await bar.getAttribute("aria-valuetext")).toMatch(/行/);
    await page.getByText(`${ROWS}行を確認: 取り込むと新規 ${ROWS}件`).waitFor({ timeout: IMPORT_TIMEOUT_MS });
    const values = await barValues();
    expect(values.length, values.join(" ")).toBeGreaterThanOrEqual(3);
    expect(increasing(values), values.join(" ")).toBe(true);
    // The bar is gone once the answer is there.
    expect(await page.locator(".import-progress").count()).toBe(0);
  }, IMPORT_TIMEOUT_MS);

  it("moves the bar during the commit, then shows the result", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await waitForHydration();
    await watchBar();
    await page.getByRole("button", { name: "取り込む", exact: true }).click();
    await shootMidway("import-progress-commit-390");
    await page.getByText(`${ROWS}行: 新規 ${ROWS}件、更新 0件、重複 0件、エラー 0件`).first().waitFor({ timeout: IMPORT_TIMEOUT_MS });
    const values = await barValues();
    expect(values.length, values.join(" ")).toBeGreaterThanOrEqual(3);
    expect(increasing(values), values.join(" ")).toBe(true);
  }, IMPORT_TIMEOUT_MS);

  it("undoes the batch (leaving the demo data to the other tests)", async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    page.once("dialog", (d) => void d.accept());
    const batch = page.locator("table.history tbody tr", { hasText: FILE_NAME }).first();
    await batch.getByRole("button", { name: "取り消す" }).click();
    await page.getByText(`バッチを取り消しました(削除 ${ROWS}件、復元 0件)。`).waitFor({ timeout: IMPORT_TIMEOUT_MS });
  }, IMPORT_TIMEOUT_MS);

  it("was sent every message it showed, with no script error", () => {
    expect(problems).toEqual([]);
  });
});
