/**
 * The backup page in the browser: an admin starts a backup with one button while the app runs, and sees it listed
 * as verified; the file is in the server's BACKUP_DIR (a temporary folder, see global-setup) and the run is audited.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { openPageForFile, SCREENSHOT_DIR, signIn } from "./browser";

const baseURL = inject("baseURL");
const users = inject("users");
const databasePath = inject("databasePath");
const backupDir = path.join(path.dirname(databasePath), "backups");
let page: Page;
let problems: string[];

openPageForFile((opened) => ({ page, problems } = opened));

describe("the backup page", () => {
  it("takes a verified backup when the admin clicks 今すぐバックアップ, and lists it", async () => {
    await signIn(page, baseURL, users.admin, "/admin/backups");
    await page.getByRole("heading", { name: "バックアップと復元", level: 1 }).waitFor();
    expect(await page.locator("nav").getByRole("link", { name: "バックアップ", exact: true }).count()).toBe(1);
    await expect(page.locator("pre.command").first().textContent()).resolves.toContain("npm run -s backup -- --keep 30");

    await page.getByRole("button", { name: "今すぐバックアップ" }).click();
    const flash = page.locator(".flash", { hasText: "バックアップを作成し、検証しました" });
    await flash.waitFor();
    const file = /(kasuhara-\d{8}-\d{6}(?:-\d+)?\.db)/.exec((await flash.textContent()) ?? "")?.[1];
    expect(file).toBeTruthy();

    // The newest backup, shown first and in the list, is the one just taken, verified.
    const last = page.locator(".last-backup");
    expect(await last.locator(".status").textContent()).toBe("検証済み");
    expect(await last.textContent()).toContain(file!);
    expect(await last.textContent()).toContain("画面から");
    const firstRow = page.locator("table.backups tbody tr").first();
    expect(await firstRow.textContent()).toContain(file!);
    expect(await firstRow.locator(".status").textContent()).toBe("検証済み");

    // On disk in the server's backup folder, recorded and audited as the admin's.
    expect(fs.existsSync(path.join(backupDir, file!))).toBe(true);
    const db = new Database(databasePath, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("select id, status, \"trigger\", user_name as userName, counts from backups where file = ?").get(path.join(backupDir, file!)) as {
        id: number;
        status: string;
        trigger: string;
        userName: string;
        counts: string;
      };
      expect(row).toMatchObject({ status: "ok", trigger: "web", userName: users.admin.email });
      expect(JSON.parse(row.counts).incidents).toBeGreaterThan(300);
      expect(db.prepare("select actor from audit_log where action = 'backup.created' and target_id = ?").get(String(row.id))).toEqual({ actor: users.admin.email });
    } finally {
      db.close();
    }
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "backups.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("is not offered to HR", async () => {
    await signIn(page, baseURL, users.hr, "/");
    expect(await page.locator("nav").getByRole("link", { name: "バックアップ", exact: true }).count()).toBe(0);
  });
});
