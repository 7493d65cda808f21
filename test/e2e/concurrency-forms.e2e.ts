/**
 * Two tabs on one record (issue 18): tab 1 saves a change; tab 2, opened before that save, saves another field and is
 * refused with 「他の人が先に更新しました」, seeing both versions of what differs while keeping what it typed; the stored
 * record keeps tab 1's change. Tab 2 then saves deliberately (at the version it has now seen). The incident edit form
 * and the measure form (at 1440 and 390 px), the corrective report and the user form; and a form posted without its
 * version is refused with a 400.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import path from "node:path";
import { openBrowser, SCREENSHOT_DIR, screenshot, signIn, watchProblems } from "./browser";

const baseURL = inject("baseURL");
const users = inject("users");
const scope = inject("scope");
let context: BrowserContext;
let close: () => Promise<void>;
let tab1: Page;
let tab2: Page;
const problems: string[] = [];
let db: Database.Database;

beforeAll(async () => {
  ({ context, close } = await openBrowser());
  tab1 = await context.newPage();
  tab2 = await context.newPage();
  problems.push(...[tab1, tab2].flatMap((p) => watchProblems(p)));
  // Both tabs share the browser's session, as two tabs of one user do.
  await signIn(tab1, baseURL, users.hr);
  db = new Database(inject("databasePath"), { readonly: true, fileMustExist: true });
});
afterAll(async () => {
  db?.close();
  await close?.();
});

const stored = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T;
/** The conflict panel's row of a field: its two cells, what was typed and what is stored. */
async function conflictRow(page: Page, label: string): Promise<[string, string]> {
  const row = page.locator(".conflict-table tbody tr", { has: page.locator("th", { hasText: label }) });
  const cells = await row.locator("td").allTextContents();
  return [cells[0].trim(), cells[1].trim()];
}
/** The 409 answered to tab 2's save, seen on the page. */
async function saveExpectingConflict(page: Page, button = "保存する"): Promise<void> {
  const answered = page.waitForResponse((r) => r.request().method() === "POST");
  await page.getByRole("button", { name: button }).click();
  expect((await answered).status()).toBe(409);
  await page.getByRole("heading", { name: "他の人が先に更新しました" }).waitFor();
}
/** The whole page and the conflict panel alone (readable at phone width), at 1440 and 390 px. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `${name}-${width}`);
    await page.locator(".conflict").screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-panel-${width}.png`) });
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

describe("two tabs editing one incident", () => {
  it("refuses the second tab's save, shows both versions, keeps the first tab's severity, then saves deliberately", async () => {
    const id = scope.ownIncident;
    const edit = `${baseURL}/incidents/${id}/edit`;
    const before = stored<{ severity: number | null; version: number }>("select severity, version from incidents where id = ?", id);
    const severity = String(before.severity === 4 ? 1 : 4);
    const oldSeverity = before.severity === null ? "" : String(before.severity);
    await tab1.goto(edit);
    await tab2.goto(edit);

    await tab1.getByLabel("深刻度").selectOption(severity);
    await Promise.all([tab1.waitForURL(/flash=updated/), tab1.getByRole("button", { name: "保存する" }).click()]);
    expect(stored("select severity, version from incidents where id = ?", id)).toEqual({ severity: Number(severity), version: before.version + 1 });

    const prevention = "朝礼で対応手順を共有し、二人対応を徹底する。";
    await tab2.getByLabel("再発防止策").fill(prevention);
    await saveExpectingConflict(tab2);
    // Both versions: tab 2's severity (unchanged by it, but older) and prevention, against what is stored.
    const [mineSeverity, storedSeverity] = await conflictRow(tab2, "深刻度");
    expect(storedSeverity.startsWith(severity)).toBe(true);
    expect(oldSeverity === "" ? mineSeverity === "(空欄)" : mineSeverity.startsWith(oldSeverity)).toBe(true);
    expect((await conflictRow(tab2, "再発防止策"))[0]).toBe(prevention);
    // Nothing was written; what tab 2 typed is still in its form.
    expect(stored<{ severity: number; prevention: string | null; version: number }>("select severity, prevention, version from incidents where id = ?", id))
      .toMatchObject({ severity: Number(severity), version: before.version + 1 });
    expect(await tab2.getByLabel("再発防止策").inputValue()).toBe(prevention);
    expect(await tab2.locator('input[name="version"]').inputValue()).toBe(String(before.version + 1));
    await shoot(tab2, "concurrency-incident-conflict");

    // Tab 2 keeps tab 1's severity and saves again: now at the version it has seen.
    await tab2.getByLabel("深刻度").selectOption(severity);
    await Promise.all([tab2.waitForURL(/flash=updated/), tab2.getByRole("button", { name: "保存する" }).click()]);
    expect(stored("select severity, prevention, version from incidents where id = ?", id)).toEqual({
      severity: Number(severity), prevention, version: before.version + 2,
    });
  });

  it("refuses a post without its version with a 400 and a message, storing nothing", async () => {
    const id = scope.ownIncident;
    const before = stored("select * from incidents where id = ?", id);
    await tab1.goto(`${baseURL}/incidents/${id}/edit`);
    // A page from before versions, or a hand-made post: the form has no version field.
    await tab1.locator('input[name="version"]').evaluate((e) => e.remove());
    await tab1.getByLabel("概要").fill("版なしの上書き");
    const answered = tab1.waitForResponse((r) => r.request().method() === "POST");
    await tab1.getByRole("button", { name: "保存する" }).click();
    expect((await answered).status()).toBe(400);
    await tab1.getByText("フォームの版(version)が送られてこなかったため、保存しませんでした。").waitFor();
    expect(stored("select * from incidents where id = ?", id)).toEqual(before);
  });
});

describe("two tabs editing one measure", () => {
  it("refuses the second tab's save with both versions, then saves deliberately", async () => {
    const page = `${baseURL}/measures/G05`;
    const before = stored<{ status: string; version: number }>("select status, version from measures where code = 'G05'");
    const status = before.status === "in_place" ? "partial" : "in_place";
    await tab1.goto(page);
    await tab2.goto(page);

    await tab1.getByLabel("実施状況").selectOption(status);
    const saved = tab1.waitForResponse((r) => r.request().method() === "POST");
    await tab1.getByRole("button", { name: "保存する" }).click();
    expect((await saved).status()).toBe(200);
    await tab1.getByRole("status").waitFor();

    const evidence = "相談窓口の案内を社内ポータルに掲載した。";
    await tab2.getByLabel("根拠(内容)").fill(evidence);
    await saveExpectingConflict(tab2);
    expect((await conflictRow(tab2, "根拠(内容)"))[0]).toBe(evidence);
    const statusLabel = (await tab1.getByLabel("実施状況").locator("option:checked").textContent())!;
    expect((await conflictRow(tab2, "実施状況"))[1]).toBe(statusLabel);
    // The page beside the form is reloaded too: its history now lists tab 1's change.
    expect(await tab2.locator("table.grid-table:not(.conflict-table) tbody tr").first().textContent()).toContain(`→ ${statusLabel}`);
    expect(stored("select status, evidence_text as e from measures where code = 'G05'")).toMatchObject({ status });
    expect(await tab2.getByLabel("根拠(内容)").inputValue()).toBe(evidence);
    await shoot(tab2, "concurrency-measure-conflict");

    // Tab 2 takes tab 1's status over and saves its evidence.
    await tab2.getByLabel("実施状況").selectOption(status);
    const again = tab2.waitForResponse((r) => r.request().method() === "POST");
    await tab2.getByRole("button", { name: "保存する" }).click();
    expect((await again).status()).toBe(200);
    await tab2.getByRole("status").waitFor();
    expect(stored("select status, evidence_text as e, version from measures where code = 'G05'")).toEqual({ status, e: evidence, version: before.version + 2 });
    expect(await tab2.getByRole("alert").count()).toBe(0);
  });
});

describe("two tabs on a corrective report not started yet", () => {
  it("refuses the second draft, shows both causes, then saves it deliberately", async () => {
    const { id } = stored<{ id: number }>(
      "select min(i.id) as id from incidents i left join incident_reports r on r.incident_id = i.id where r.id is null",
    );
    const report = `${baseURL}/incidents/${id}/report`;
    await tab1.goto(report);
    await tab2.goto(report);
    await tab1.getByLabel("原因の分析").fill("一次対応の打切り基準がなかった。");
    await Promise.all([tab1.waitForURL(/done=save/), tab1.getByRole("button", { name: "下書き保存" }).click()]);

    await tab2.getByLabel("原因の分析").fill("担当者が一人で対応していた。");
    await saveExpectingConflict(tab2, "下書き保存");
    expect(await conflictRow(tab2, "原因の分析")).toEqual(["担当者が一人で対応していた。", "一次対応の打切り基準がなかった。"]);
    expect(stored("select cause_analysis as c, version from incident_reports where incident_id = ?", id)).toEqual({ c: "一次対応の打切り基準がなかった。", version: 1 });
    await tab2.locator(".conflict").screenshot({ path: path.join(SCREENSHOT_DIR, "concurrency-report-conflict-panel-1440.png") });

    await tab2.getByLabel("原因の分析").fill("担当者が一人で対応し、打切り基準もなかった。");
    await Promise.all([tab2.waitForURL(/done=save/), tab2.getByRole("button", { name: "下書き保存" }).click()]);
    expect(stored("select cause_analysis as c, version from incident_reports where incident_id = ?", id)).toEqual({ c: "担当者が一人で対応し、打切り基準もなかった。", version: 2 });
  });
});

describe("two admins' tabs on one user", () => {
  it("refuses the second change with both names, then saves it deliberately", async () => {
    await signIn(tab1, baseURL, users.admin);
    const { id, version } = stored<{ id: number; version: number }>("select id, version from users where email = ?", users.executive.email);
    const page = `${baseURL}/admin/users/${id}`;
    await tab1.goto(page);
    await tab2.goto(page);
    await tab1.getByLabel("氏名(表示名)").fill("経営 一郎");
    await tab1.getByRole("button", { name: "保存する" }).click();
    await tab1.getByRole("status").waitFor();

    await tab2.getByLabel("氏名(表示名)").fill("経営 次郎");
    await saveExpectingConflict(tab2);
    expect(await conflictRow(tab2, "氏名(表示名)")).toEqual(["経営 次郎", "経営 一郎"]);
    expect(stored("select display_name as n, version from users where id = ?", id)).toEqual({ n: "経営 一郎", version: version + 1 });
    await tab2.locator(".conflict").screenshot({ path: path.join(SCREENSHOT_DIR, "concurrency-user-conflict-panel-1440.png") });

    await tab2.getByRole("button", { name: "保存する" }).click();
    await tab2.getByRole("status").waitFor();
    expect(stored("select display_name as n, version from users where id = ?", id)).toEqual({ n: "経営 次郎", version: version + 2 });
    expect(problems).toEqual([]);
  });
});
