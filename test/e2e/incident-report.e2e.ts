/**
 * The policy's written report in the browser: HR records an incident in the supervisor's department, fills and
 * submits its 是正処置計画書兼報告書; the supervisor approves it; it prints as a company form on A4.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { shiftDay, todayInTokyo } from "~/modules/incidents/dates";
import { openPageForFile, SCREENSHOT_DIR, signIn } from "./browser";

const baseURL = inject("baseURL");
const users = inject("users");
const scope = inject("scope");
let page: Page;
let problems: string[];
let reportUrl = "";

openPageForFile((opened) => ({ page, problems } = opened));

describe("the corrective-action report", () => {
  it("is filled and submitted by HR for a new incident, which then counts as reported (step ⑤)", async () => {
    await signIn(page, baseURL, users.hr, "/incidents/new");
    await page.getByLabel("発生日時").fill(`${todayInTokyo()}T09:30`);
    await page.getByLabel("部署・事業所").selectOption(scope.department);
    await page.getByLabel("発生場面").selectOption("C1");
    await page.getByRole("checkbox", { name: /MA03/ }).check();
    await page.getByLabel("概要").fill("来店客が大声で担当者を威圧し、返金を繰り返し求めた。");
    await Promise.all([page.waitForURL(/\/incidents\/\d+\?flash=created/), page.getByRole("button", { name: "保存する" }).click()]);
    await page.getByRole("link", { name: "是正処置計画書兼報告書" }).click();
    await page.waitForURL(/\/incidents\/\d+\/report/);
    reportUrl = page.url();
    // Pre-filled from the incident.
    expect(await page.getByLabel("発生した事象").inputValue()).toContain("大声で担当者を威圧");

    // Submitting without the cause and an action is refused with messages.
    await page.getByRole("button", { name: "上長に提出する" }).click();
    await page.getByText("「原因の分析」を記入してください。").waitFor();

    await page.getByLabel("原因の分析").fill("返金の可否を現場で即答できず、対応が長引いた。");
    await page.getByLabel("処置の内容 1").fill("返金基準を店舗で共有する");
    await page.getByLabel("担当 1").selectOption({ label: users.supervisor.email }); // no display name: shown by e-mail
    await page.getByLabel("期限 1").fill(shiftDay(todayInTokyo(), 90));
    await Promise.all([page.waitForURL(/done=submit/), page.getByRole("button", { name: "上長に提出する" }).click()]);
    await page.getByText("提出済(承認待ち)").waitFor();
    // The submitter cannot approve it.
    expect(await page.getByRole("button", { name: "承認する" }).count()).toBe(0);
    // The incident now carries the submission day as its 報告書提出日.
    await page.goto(reportUrl.replace(/\/report.*$/, ""));
    const submitted = page.locator(".facts > div", { has: page.locator("dt", { hasText: "報告書提出日" }) }).locator("dd");
    expect((await submitted.textContent())?.trim()).toBe(todayInTokyo());
  });

  it("is approved by the supervisor of the department, and prints as a company form", async () => {
    await signIn(page, baseURL, users.supervisor, new URL(reportUrl).pathname);
    await page.getByLabel("上長の所見").fill("基準の共有を確認した。次回の店舗会議で再確認すること。");
    await Promise.all([page.waitForURL(/done=approve/), page.getByRole("button", { name: "承認する" }).click()]);
    await page.getByText("承認済").first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "incident-report.png"), fullPage: true });
    const file = path.join(SCREENSHOT_DIR, "incident-report.pdf");
    await page.pdf({ path: file, format: "A4", printBackground: true, preferCSSPageSize: true });
    const pdf = fs.readFileSync(file);
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    expect(problems).toEqual([]);
  });
});
