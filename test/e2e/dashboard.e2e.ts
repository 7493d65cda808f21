/**
 * The dashboard in a real browser: charts render after hydration, a click on a bar or a cell lands on the incident
 * list with the same count, the period lives in the URL, and an executive sees suppressed aggregates without links.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { openPageForFile, screenshot, signIn } from "./browser";
import { DEMO } from "./periods";

const baseURL = inject("baseURL");
const users = inject("users");
let page: Page;
let problems: string[];

const shot = (name: string) => screenshot(page, name);
const number = (text: string) => Number(text.replace(/[^\d]/g, ""));
/** The list's total, once the list page shows it. */
async function listTotal(): Promise<number> {
  await page.getByRole("heading", { level: 1, name: "事案一覧" }).waitFor();
  return number(await page.locator(".result-count strong").innerText());
}
async function openDashboard(query = "") {
  await page.goto(`${baseURL}/${query}`);
  await page.locator("#chart-behaviour .recharts-surface").first().waitFor();
}

openPageForFile((opened) => ({ page, problems } = opened));
beforeAll(async () => {
  await signIn(page, baseURL, users.hr);
});

describe("the dashboard for HR", () => {
  it("renders every chart as SVG after hydration, with its title and count, at 1440 and 1024 px", async () => {
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      await openDashboard(`?period=${DEMO.fy}`);
      for (const id of ["trend", "behaviour", "client", "outcome", "channel", "department", "severity"]) {
        await page.locator(`#chart-${id} .recharts-surface`).first().waitFor();
        expect(await page.locator(`#chart-${id} h2`).innerText()).not.toBe("");
      }
      expect(await page.locator("#chart-heatmap table.heatmap td").count()).toBe(7 * 24);
      await shot(`dashboard-hr-${width}`);
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it("drills from the largest behaviour bar to a list of exactly that many incidents", async () => {
    await openDashboard(`?period=${DEMO.fy}`);
    const row = page.locator("#chart-behaviour table.chart-data tbody tr").first();
    // The table view sits in a closed <details>: read its text, not its rendering.
    const expected = number((await row.locator("td.num").textContent()) ?? "");
    expect(expected).toBeGreaterThan(0);
    await Promise.all([page.waitForURL(/\/incidents\?.*behaviour=/), page.locator("#chart-behaviour .chart-bar.is-link").first().click()]);
    expect(await listTotal()).toBe(expected);
  });

  it("drills from a month of the trend and from a heatmap cell to lists with the same counts", async () => {
    await openDashboard(`?period=${DEMO.fy}`);
    const cell = page.locator("#chart-heatmap table.heatmap a").first();
    const label = (await cell.getAttribute("aria-label")) ?? "";
    const expected = number(label.split(":").pop()!);
    await Promise.all([page.waitForURL(/\/incidents\?.*weekday=\d.*hour=\d+/), cell.click()]);
    expect(await listTotal()).toBe(expected);

    await openDashboard(`?period=${DEMO.fy}`);
    const month = page.locator("#chart-trend details table tbody tr").first();
    const monthTotal = number((await month.locator("td").last().textContent()) ?? "");
    await page.locator("#chart-trend summary").click(); // open the table view
    await Promise.all([page.waitForURL(new RegExp(`/incidents\\?period=${DEMO.firstMonth}`)), month.locator("a").first().click()]);
    expect(await listTotal()).toBe(monthTotal);
  });

  it("changes the URL and the figures when the period changes", async () => {
    await openDashboard();
    const before = await page.locator(".figures .figure").first().locator("dd").first().innerText();
    await page.getByLabel("期間").fill(DEMO.previousFy);
    await Promise.all([page.waitForURL(new RegExp(`period=${DEMO.previousFy}`)), page.getByRole("button", { name: "表示" }).click()]);
    await page.locator(".lead strong", { hasText: DEMO.previousFyLabel }).waitFor();
    const after = await page.locator(".figures .figure").first().locator("dd").first().innerText();
    expect(after).not.toBe(before);
    // Switching the trend to severity keeps the period.
    await Promise.all([page.waitForURL(/stack=severity/), page.getByRole("link", { name: "深刻度別" }).click()]);
    expect(page.url()).toContain(`period=${DEMO.previousFy}`);
    await page.locator("#chart-trend .recharts-surface").first().waitFor();
  });

  it("says so when a period has no incidents", async () => {
    await page.goto(`${baseURL}/?period=2019-04`);
    await page.getByText("この期間・条件に該当する事案はありません").waitFor();
  });

  it("downloads a chart's data as CSV", async () => {
    await openDashboard(`?period=${DEMO.fy}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#chart-channel a[download]").click()]);
    const file = await download.path();
    const text = (await import("node:fs")).readFileSync(file!, "utf8");
    expect(text.startsWith("\uFEFFコード,項目,件数")).toBe(true);
    expect(text).toContain("電話");
  });
});

describe("the dashboard for an executive", () => {
  it("shows a finished year's charts with χ for hidden counts, nothing to click through, and the department as the only filter", async () => {
    await signIn(page, baseURL, users.executive);
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      await openDashboard(`?period=${DEMO.fy}`);
      await page.getByText("χ: 3件未満、または他の値から計算できるため非表示").first().waitFor();
      await shot(`dashboard-executive-${width}`);
    }
    expect(await page.locator('a[href^="/incidents"]').count()).toBe(0);
    expect(await page.locator("#chart-client table.chart-data").innerText()).not.toMatch(/株式会社|商事|様/);
    expect(await page.locator("#d-client").count()).toBe(0);
    expect(await page.locator("#d-channel").count()).toBe(0);
    expect(await page.content()).not.toContain("&lt;3");
  });

  it("refuses a range of days with a word, and shows another period as its count and months only", async () => {
    await page.goto(`${baseURL}/?period=${DEMO.fy.replace("FY", "")}-04-18..${Number(DEMO.fy.slice(2)) + 1}-03-31`);
    await page.getByText("経営層向けの表示では、日付の範囲は指定できません").waitFor();
    await page.goto(`${baseURL}/?period=${DEMO.firstMonth}`);
    await page.getByText("内訳(行為類型・発生場面・部署など)は、終わった年度を選ぶと表示されます").waitFor();
    expect(await page.locator("#chart-channel").count()).toBe(0);
    await shot("dashboard-executive-month");
  });

  it("ran every page without a Content-Security-Policy refusal or a script error", () => {
    expect(problems).toEqual([]);
  });
});
