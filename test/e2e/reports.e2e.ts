/**
 * The compliance summary in the browser: HR issues a report, an incident changes, the page tells the difference and
 * the issued report reads as before; the print layout makes a clean A4 PDF; executives get their version only.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { openPageForFile, SCREENSHOT_DIR, screenshot, signIn } from "./browser";
import { DEMO } from "./periods";

const baseURL = inject("baseURL");
const users = inject("users");
let page: Page;
let problems: string[];

openPageForFile((opened) => ({ page, problems } = opened));

/** The 件数 of a row in the report's table with this heading. */
async function cell(section: string, row: string): Promise<string> {
  const table = page.locator(".report-section", { has: page.getByRole("heading", { name: section, exact: true }) });
  return (await table.locator("tr", { has: page.getByRole("rowheader", { name: row, exact: true }) }).locator("td").first().textContent()) ?? "";
}

describe("the compliance summary", () => {
  it("is issued by HR, stays as issued after an incident changes, and the live page shows by how much", async () => {
    await signIn(page, baseURL, users.hr, `/reports/${DEMO.fy}`);
    await page.locator(".report h1", { hasText: DEMO.fyLabel }).waitFor();
    const phoneBefore = Number((await cell("発生場面別", "C2 電話")).replace(/,/g, ""));
    // Issuing asks first, and only the second click issues.
    await page.getByRole("button", { name: "この内容で確定する" }).click();
    const question = page.getByRole("alertdialog", { name: "報告書を確定しますか" });
    await question.waitFor();
    await screenshot(page, "report-issue-confirm");
    await Promise.all([page.waitForURL(/\/reports\/issued\/\d+/), question.getByRole("button", { name: "確定する" }).click()]);
    await page.getByText("内容は確定時から変わっていません").waitFor();
    const issuedUrl = page.url();

    // The same content again is refused: nothing new to record.
    await page.goto(`${baseURL}/reports/${DEMO.fy}`);
    await page.getByRole("button", { name: "この内容で確定する" }).click();
    await page.getByRole("alert").getByText(/同じ内容の報告書が.*確定済みのため、新たに確定しませんでした/).waitFor();
    expect(await page.getByRole("alertdialog").count()).toBe(0);

    // Change one phone incident of that year to in person, through the edit form.
    await page.goto(`${baseURL}/incidents?period=${DEMO.fy}&channel=C2`);
    await page.locator("table.incidents tbody tr a").first().click();
    await page.waitForURL(/\/incidents\/\d+/);
    await page.getByRole("link", { name: "編集" }).click();
    await page.getByLabel("発生場面").selectOption("C1");
    await Promise.all([page.waitForURL(/flash=updated/), page.getByRole("button", { name: "保存する" }).click()]);

    await page.goto(`${baseURL}/reports/${DEMO.fy}`);
    await page.getByText(/現在の数値に \d+ 箇所の差があります/).waitFor();
    const diffRow = page.locator("table.differences tr", { has: page.getByRole("rowheader", { name: "電話", exact: true }) });
    expect(await diffRow.locator("td").last().textContent()).toBe("-1");
    expect(Number((await cell("発生場面別", "C2 電話")).replace(/,/g, ""))).toBe(phoneBefore - 1);

    await page.goto(issuedUrl);
    expect(Number((await cell("発生場面別", "C2 電話")).replace(/,/g, ""))).toBe(phoneBefore);
    await page.getByText(/現在の数値とは \d+ 箇所が異なります/).waitFor();
  });

  it("prints the executive version to a clean A4 PDF with page numbers", async () => {
    await page.goto(`${baseURL}/reports/${DEMO.fy}?audience=executive`);
    await page.getByText("χ: 3件未満、または他の値から計算できるため非表示").first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "report-executive.png"), fullPage: true });
    await page.emulateMedia({ media: "print" });
    const file = path.join(SCREENSHOT_DIR, "report-executive.pdf");
    await page.pdf({ path: file, format: "A4", printBackground: true, preferCSSPageSize: true });
    await page.emulateMedia({ media: "screen" });
    const pdf = fs.readFileSync(file);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(8);
  });

  it("gives an executive the executive version only, without names", async () => {
    await signIn(page, baseURL, users.executive, `/reports/${DEMO.fy}?audience=hr`);
    await page.locator(".report-kind", { hasText: "経営層向け" }).waitFor();
    const html = await page.content();
    expect(html).not.toMatch(/株式会社|商事|様</);
    expect(await page.getByRole("button", { name: "この内容で確定する" }).count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
