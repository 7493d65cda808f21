/**
 * Finishing work in the browser (issue 19): a corrective action completed after approval stops being overdue; the
 * approved form prints on one A4 page; the compliance report links the incidents that missed a step; evidence goes
 * up several files at once, a text file renamed .png is refused, and HR removes a wrong file with a reason.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { shiftDay, todayInTokyo } from "~/modules/incidents/dates";
import { openPageForFile, screenshot, SCREENSHOT_DIR, signIn } from "./browser";
import { DEMO } from "./periods";

const baseURL = inject("baseURL");
const users = inject("users");
const scope = inject("scope");
let page: Page;
let problems: string[];
let incidentPath = "";

openPageForFile((opened) => ({ page, problems } = opened));

/** Both widths every changed page is looked at. */
/** `within`: the part of the page this file changed, which must not be wider than a 390 px phone (null: not checked). */
async function shots(name: string, within: string | null = "html") {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await screenshot(page, `finish-${name}-${width}`);
    if (width === 390 && within) {
      const right = await page.locator(within).first().evaluate((e) => Math.max(e.getBoundingClientRect().right, e.scrollWidth));
      expect(right, `${name} at 390 px`).toBeLessThanOrEqual(392);
    }
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

describe("finishing work", () => {
  it("completes a corrective action after approval, which clears it from the overdue list", async () => {
    const today = todayInTokyo();
    await signIn(page, baseURL, users.hr, "/incidents/new");
    await page.getByLabel("発生日時").fill(`${shiftDay(today, -10)}T09:30`);
    await page.getByLabel("部署・事業所").selectOption(scope.department);
    await page.getByLabel("発生場面").selectOption("C1");
    await page.getByRole("checkbox", { name: /MA03/ }).check();
    await page.getByLabel("概要").fill("来店客が大声で担当者を威圧し、返金を繰り返し求めた。");
    await Promise.all([page.waitForURL(/\/incidents\/\d+\?flash=created/), page.getByRole("button", { name: "保存する" }).click()]);
    incidentPath = new URL(page.url()).pathname;
    await page.goto(`${baseURL}${incidentPath}/report`);
    await page.getByLabel("原因の分析").fill("返金の可否を現場で即答できず、対応が長引いた。");
    await page.getByLabel("処置の内容 1").fill("返金基準を店舗で共有する");
    // The department's users come first among the owners.
    const firstOwner = await page.getByLabel("担当 1").locator("optgroup").first().getAttribute("label");
    expect(firstOwner).toBe("この部署のユーザー");
    await page.getByLabel("担当 1").selectOption({ label: users.supervisor.email });
    await page.getByLabel("期限 1").fill(shiftDay(today, -2)); // already past: overdue once saved
    await Promise.all([page.waitForURL(/done=submit/), page.getByRole("button", { name: "上長に提出する" }).click()]);

    await signIn(page, baseURL, users.supervisor, `${incidentPath}/report`);
    await page.getByLabel("上長の所見").fill("基準の共有を確認した。");
    await Promise.all([page.waitForURL(/done=approve/), page.getByRole("button", { name: "承認する" }).click()]);
    await page.goto(`${baseURL}/`);
    expect(await page.locator(`section[aria-labelledby="overdue-title"] a[href="${incidentPath}/report"]`).count()).toBe(1);

    await page.goto(`${baseURL}${incidentPath}/report`);
    await page.getByLabel("完了 1").check();
    await Promise.all([page.waitForURL(/done=complete/), page.getByRole("button", { name: "完了状況を保存" }).click()]);
    await page.getByText("完了状況を保存しました。").waitFor();
    expect(await page.getByLabel("完了 1").isChecked()).toBe(true);
    expect(await page.locator(".done-stamp").first().textContent()).toContain(today);
    await shots("report");

    // Printed: the normal form fits one A4 page.
    const file = path.join(SCREENSHOT_DIR, "finish-report.pdf");
    await page.emulateMedia({ media: "print" });
    await page.pdf({ path: file, format: "A4", printBackground: true, preferCSSPageSize: true });
    await page.emulateMedia({ media: "screen" });
    const pages = (fs.readFileSync(file).toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBe(1);

    await page.goto(`${baseURL}/`);
    expect(await page.locator(`section[aria-labelledby="overdue-title"] a[href="${incidentPath}/report"]`).count()).toBe(0);
  });

  it("links every incident that missed a step in the HR report, by a 管理番号 that does not wrap", async () => {
    await signIn(page, baseURL, users.hr, `/reports/${DEMO.fy}`);
    const links = page.locator(".incident-links a");
    await links.first().waitFor();
    const shown = await page.locator(".incident-links li:visible").count();
    const all = await page.locator(".incident-links li").count();
    const toggle = page.getByRole("button", { name: /すべて表示/ }).first();
    if (all > shown) {
      await toggle.click();
      expect(await page.locator(".incident-links li:visible").count()).toBeGreaterThan(shown);
    }
    expect(await links.first().evaluate((a) => getComputedStyle(a).whiteSpace)).toBe("nowrap");
    const href = await links.first().getAttribute("href");
    expect(href).toMatch(/^\/incidents\/\d+$/);
    await shots("compliance", ".incident-links"); // the report's phone layout is another part of issue 19
    await Promise.all([page.waitForURL((u) => u.pathname === href), links.first().click()]);
    // Executives get no list and no links.
    await signIn(page, baseURL, users.executive, `/reports/${DEMO.fy}`);
    await page.locator(".report").waitFor();
    expect(await page.locator(".incident-links a, .report a[href^='/incidents/']").count()).toBe(0);
  });

  it("uploads several files at once, refuses a text file named .png, and lets HR remove a wrong file with a reason", async () => {
    await signIn(page, baseURL, users.hr, incidentPath);
    const input = page.locator("#evidence-file");
    await input.setInputFiles([
      { name: "写真.png", mimeType: "image/png", buffer: PNG },
      { name: "書き起こし.txt", mimeType: "text/plain", buffer: Buffer.from("責任者を出せ") },
    ]);
    await Promise.all([page.waitForURL(/evidence=evidence.addedMany/), page.getByRole("button", { name: "アップロード" }).click()]);
    // The URL changes as the navigation commits; the table is rendered just after, so wait for its rows.
    await page.getByRole("link", { name: "書き起こし.txt", exact: true }).waitFor();
    expect(await page.locator(".evidence-table tbody tr").count()).toBe(2);

    await page.locator("#evidence-file").setInputFiles([
      { name: "偽物.png", mimeType: "image/png", buffer: Buffer.from("これは画像ではありません") },
      { name: "通知.txt", mimeType: "text/plain", buffer: Buffer.from("通知") },
    ]);
    await page.getByRole("button", { name: "アップロード" }).click();
    await page.getByText("「偽物.png」の中身が拡張子(.png)の形式ではありません", { exact: false }).waitFor();
    await page.getByText("どのファイルも登録していません", { exact: false }).waitFor();
    await shots("evidence-refused");
    await page.getByRole("link", { name: /事案へ戻る/ }).click();
    await page.locator(".evidence-table").waitFor();
    expect(await page.locator(".evidence-table tbody tr").count()).toBe(2); // none of the two was added

    const download = await page.getByRole("link", { name: "写真.png", exact: true }).getAttribute("href");
    await page.getByRole("link", { name: "削除: 写真.png" }).click();
    // Spaces pass the browser's `required`, not the server.
    await page.getByLabel("削除の理由(必須)").fill("   ");
    await page.getByRole("button", { name: "このファイルを削除する" }).click();
    await page.getByText("削除の理由を記入してください", { exact: false }).first().waitFor();
    await page.getByLabel("削除の理由(必須)").fill("別の事案の写真を誤って登録した");
    await Promise.all([page.waitForURL(/evidence=evidence.removed/), page.getByRole("button", { name: "このファイルを削除する" }).click()]);
    await page.getByText("理由: 別の事案の写真を誤って登録した", { exact: false }).waitFor();
    expect(await page.getByRole("link", { name: "写真.png", exact: true }).count()).toBe(0);
    const gone = await page.request.get(`${baseURL}${download}`);
    expect(gone.status()).toBe(410);
    await shots("evidence", "#evidence"); // the page's header buttons are the phone part's (issue 19 item 4)
    expect(problems).toEqual([]);
  });
});
