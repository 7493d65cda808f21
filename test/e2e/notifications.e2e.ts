/**
 * Notifications in the browser (issue 19): HR records an incident in the supervisor's department; the supervisor's
 * bell counts it, the list shows it by 管理番号 and links to it, and marking read brings the count down. Another
 * user cannot mark it. The bell fits the header at 1440 and 390 px; the pages pass axe-core.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { todayInTokyo } from "~/modules/incidents/dates";
import { HttpClient } from "../../scripts/http-client";
import { openPageForFile, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
const users = inject("users");
const scope = inject("scope");
let page: Page;
let problems: string[];

openPageForFile((opened) => ({ page, problems } = opened));

const ref = `KH-NOTIFY-${process.pid}`;

/** The bell's unread count, from its accessible name (「通知 3件未読」 or 「通知 未読なし」). */
async function bellCount(): Promise<number> {
  const name = (await page.locator(".notification-bell").getAttribute("aria-label")) ?? "";
  const m = /通知 (\d+)件未読/.exec(name);
  if (m) return Number(m[1]);
  expect(name).toBe("通知 未読なし");
  return 0;
}

/** Serious or critical axe-core violations of the page as shown. */
async function axeProblems(): Promise<string[]> {
  const source = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(source);
  // This part's own UI: the page's content and the bell (the header's other controls belong to other parts of issue 19).
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o?: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
    return axe.run({ include: [["main"], [".notification-bell"]] }, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
  });
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.nodes.length})`);
}

describe("notifications", () => {
  let before = 0;

  it("counts on the supervisor's bell a new incident HR records in their department", async () => {
    await signIn(page, baseURL, users.supervisor, "/");
    before = await bellCount();

    await signIn(page, baseURL, users.hr, "/incidents/new");
    await page.getByLabel("管理番号").fill(ref);
    await page.getByLabel("発生日時").fill(`${todayInTokyo()}T09:30`);
    await page.getByLabel("部署・事業所").selectOption(scope.department);
    await page.getByLabel("発生場面").selectOption("C1");
    await page.getByRole("checkbox", { name: /MA03/ }).check();
    await page.getByLabel("概要").fill("来店客が大声で担当者を威圧した。");
    await Promise.all([page.waitForURL(/\/incidents\/\d+\?flash=created/), page.getByRole("button", { name: "保存する" }).click()]);

    await signIn(page, baseURL, users.supervisor, "/");
    expect(await bellCount()).toBe(before + 1);
    await page.setViewportSize({ width: 1440, height: 900 });
    await screenshot(page, "notifications-bell-1440");
  });

  it("lists it by 管理番号, linking to the incident; another user cannot mark it; marking read lowers the count", async () => {
    await page.locator(".notification-bell").click();
    await page.waitForURL(/\/notifications$/);
    const item = page.locator(".notification-list li", { hasText: ref });
    await item.getByRole("link", { name: new RegExp(`新しい事案 ${ref}（${scope.department}）`) }).waitFor();
    expect(await item.getByText("未読", { exact: true }).count()).toBe(1);
    // The summary (free text) is not in the notification.
    expect(await item.textContent()).not.toContain("大声");
    expect(await axeProblems()).toEqual([]);
    await screenshot(page, "notifications-list-1440");

    // HR posts the supervisor's notification id: 404, and it stays unread.
    const id = await item.locator("input[name=id]").getAttribute("value");
    const hr = new HttpClient(baseURL);
    await hr.signIn(users.hr);
    const attack = await hr.post("/notifications", { intent: "read", id: String(id) });
    expect(attack.status).toBe(404);
    await page.reload();
    expect(await bellCount()).toBe(before + 1);

    await Promise.all([page.waitForURL(/\/notifications/), item.getByRole("button", { name: /既読にする/ }).click()]);
    await item.getByText("既読", { exact: true }).waitFor();
    expect(await bellCount()).toBe(before);
    await item.getByRole("link", { name: new RegExp(ref) }).click();
    await page.waitForURL(/\/incidents\/\d+$/);
    await page.getByText(ref).first().waitFor();

    // A notification arriving while the supervisor works shows on the bell at their next click (no reload).
    const posted = await hr.post("/incidents/new", {
      ref: `${ref}-2`, occurred_at: `${todayInTokyo()}T10:00`, department: scope.department, channel: "C1", behaviours: ["MA05"],
      severity: "2", responders: "2", summary: "電話で繰り返し要求した。", status: "open", determination: "D1",
    });
    expect(posted.status).toBe(302);
    await page.getByRole("navigation", { name: "メインメニュー" }).getByRole("link", { name: "事案一覧" }).click();
    await page.waitForURL(/\/incidents$/);
    await expect.poll(bellCount).toBe(before + 1);
  });

  it("fits the phone header, and the list and the mail settings work at 390 px", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseURL}/notifications`);
    const bell = await page.locator(".notification-bell").boundingBox();
    expect(bell).not.toBeNull();
    expect(bell!.x + bell!.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "notifications-list-390");

    await page.getByRole("link", { name: "メール通知の設定" }).click();
    await page.waitForURL(/\/account\/notifications$/);
    await page.getByLabel("1日1回まとめて受け取る（未読の通知の一覧）").check();
    await Promise.all([page.waitForURL(/saved=1/), page.getByRole("button", { name: "保存する" }).click()]);
    await page.getByText("メール通知の設定を保存しました。").waitFor();
    expect(await page.getByLabel("1日1回まとめて受け取る（未読の通知の一覧）").isChecked()).toBe(true);
    expect(await axeProblems()).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "notifications-settings-390");
    expect(problems).toEqual([]);
  });
});
