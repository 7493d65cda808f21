/**
 * The department master in the browser (issue 18): an admin adds, renames, merges a typo'd department into the right
 * one and retires another; the user admin and incident forms offer the master's list only, and refuse a name posted
 * from outside it; a page opened before someone else's change is told so. Its departments are its own (E2E…), dated
 * before the demo data, so the other files' figures do not move.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { openPageForFile, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
let page: Page;
let problems: string[];
let db: Database.Database;

openPageForFile((opened) => ({ page, problems } = opened));
beforeAll(async () => {
  page.on("dialog", (d) => void d.accept());
  await signIn(page, baseURL, inject("users").admin);
  db = new Database(inject("databasePath"), { readonly: true, fileMustExist: true });
});
afterAll(() => db?.close());

const row = (name: string, on: Page = page) => on.locator(`table.departments:not(.merged) tr[data-department="${name}"]`);
const flash = (on: Page = page) => on.locator(".flash");
const optionsOf = (select: string, on: Page = page) => on.locator(`select#${select} option`).allInnerTexts();

async function openDepartments(on: Page = page) {
  await on.goto(`${baseURL}/admin/departments`);
  await on.getByRole("heading", { level: 1, name: "部署の管理" }).waitFor();
}
async function add(name: string) {
  await page.getByLabel("部署名", { exact: true }).fill(name);
  await page.getByRole("button", { name: "追加する" }).click();
}
async function atBothWidths(name: string) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, `${name}-1440`);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-390`);
  await page.setViewportSize({ width: 1366, height: 900 });
}

describe("the department master", () => {
  it("is in the admin's navigation and adds departments, refusing a name another has however it is typed", async () => {
    await page.goto(`${baseURL}/admin/users`);
    await page.getByRole("navigation").getByRole("link", { name: "部署の管理" }).click();
    await page.getByRole("heading", { level: 1, name: "部署の管理" }).waitFor();
    for (const name of ["E2E本店", "E2E本点", "E2E閉店"]) {
      await add(name);
      await flash().filter({ hasText: `部署「${name}」を追加しました。` }).waitFor();
    }
    await add("Ｅ２Ｅ本店");
    await page.getByText("同じ名前の部署「E2E本店」が既にあります。").waitFor();
    expect(await page.getByLabel("部署名", { exact: true }).inputValue()).toBe("Ｅ２Ｅ本店");
    expect(db.prepare("select count(*) as n from departments where name like 'E2E%' or name like 'Ｅ２Ｅ%'").get()).toEqual({ n: 3 });
  });

  it("is chosen from a list on the user admin and incident forms; a name from outside the list is refused, not created", async () => {
    await page.goto(`${baseURL}/admin/users`);
    const department = page.getByLabel("部署・事業所");
    expect(await department.evaluate((e) => e.tagName)).toBe("SELECT");
    expect(await optionsOf("department")).toEqual(expect.arrayContaining(["なし", "E2E本店", "E2E本点", "E2E閉店", "東京本店"]));
    await page.getByLabel("メールアドレス").fill("typo-sup@e2e.test");
    await page.getByLabel("役割").selectOption("supervisor");
    await department.selectOption("E2E本点");
    await page.getByRole("button", { name: "追加する" }).click();
    await page.getByText("ユーザーを追加しました").waitFor();

    // A name the list does not have, posted as if the page had offered it.
    await page.goto(`${baseURL}/admin/users`);
    await page.getByLabel("メールアドレス").fill("tampered@e2e.test");
    await page.getByLabel("役割").selectOption("hr");
    await page.locator("select#department").evaluate((s: HTMLSelectElement) => {
      const o = document.createElement("option");
      o.value = o.text = "E2E本てん";
      s.append(o);
      s.value = "E2E本てん";
    });
    await page.getByRole("button", { name: "追加する" }).click();
    await page.locator(".field-error", { hasText: "部署を一覧から選んでください" }).waitFor();
    expect(db.prepare("select count(*) as n from departments where name = 'E2E本てん'").get()).toEqual({ n: 0 });
    expect(db.prepare("select count(*) as n from users where email = 'tampered@e2e.test'").get()).toEqual({ n: 0 });
    await atBothWidths("departments-user-form");

    // The incident form: the same list.
    await page.goto(`${baseURL}/incidents/new`);
    expect(await page.getByLabel("部署・事業所").evaluate((e) => e.tagName)).toBe("SELECT");
    await page.getByLabel("発生日時").fill("2018-10-15T10:00");
    await page.getByLabel("部署・事業所").selectOption("E2E本点");
    await page.getByLabel("発生場面").selectOption("C1");
    await page.getByLabel("概要").fill("部署マスタの確認用の事案。");
    await page.getByRole("checkbox", { name: /MA03/ }).check();
    await page.getByRole("button", { name: "保存する" }).click();
    await page.getByText("事案を登録しました。").waitFor();
    expect(await page.locator(".incident-detail").innerText()).toContain("E2E本点");
  });

  it("renames a department", async () => {
    await openDepartments();
    const r = row("E2E本店");
    await r.locator("summary").click();
    await r.getByLabel("新しい名前").fill("E2E東京本店");
    await r.getByRole("button", { name: "名前を変更" }).click();
    await flash().filter({ hasText: "部署名を「E2E東京本店」に変更しました。" }).waitFor();
    await row("E2E東京本店").waitFor();
    expect(await row("E2E本店").count()).toBe(0);
  });

  it("merges the typo'd department into the right one: its incident and user move, it is kept as merged, and audited", async () => {
    await openDepartments();
    const r = row("E2E本点");
    await r.locator("summary").click();
    await r.getByLabel("統合先").selectOption({ label: "E2E東京本店" });
    await r.getByRole("button", { name: "統合する" }).click();
    await flash().filter({ hasText: "「E2E本点」を「E2E東京本店」に統合しました(事案1件・ユーザー1人を移動)。" }).waitFor();
    // The list as read again after the change.
    await page.locator('table.merged tr[data-department="E2E本点"]', { hasText: "「E2E東京本店」に統合済み" }).waitFor();
    expect(await row("E2E本点").count()).toBe(0);
    expect(await row("E2E東京本店").locator("td.num").allInnerTexts()).toEqual(["1", "1"]);

    const ids = db.prepare("select id, name from departments where name in ('E2E本点', 'E2E東京本店')").all() as { id: number; name: string }[];
    const id = (name: string) => ids.find((d) => d.name === name)!.id;
    const entry = db.prepare("select target_id as target, detail from audit_log where action = 'department.merged' order by id desc limit 1").get() as { target: string; detail: string };
    expect(entry.target).toBe(String(id("E2E本点")));
    expect(JSON.parse(entry.detail)).toMatchObject({ from: id("E2E本点"), to: id("E2E東京本店"), incidents: 1, users: 1 });
    expect(db.prepare("select d.name from users u join departments d on d.id = u.department_id where u.email = 'typo-sup@e2e.test'").get()).toEqual({ name: "E2E東京本店" });
  });

  it("lists, in an import's check, the department names the master does not have; a merged name is its target", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "departments-e2e-"));
    try {
      const file = path.join(dir, "old-ledger.csv");
      fs.writeFileSync(file, "\uFEFF発生日時,部署,発生場面,行為類型,概要\r\n2018-11-01 10:00,E2E本点,電話,暴言,古い台帳の件\r\n2018-11-02 10:00,E2E旧倉庫,電話,暴言,閉じた倉庫の件\r\n");
      await page.goto(`${baseURL}/import`);
      await page.getByLabel("ファイル(CSV・Excel)").setInputFiles(file);
      await page.getByRole("button", { name: "アップロードして内容を確認" }).click();
      await page.getByText("部署の一覧にない部署名が1件あります。取り込むと新しい部署として追加されます: E2E旧倉庫").waitFor();
      expect(await page.locator("table.preview tbody").innerText()).toContain("E2E東京本店");
      await atBothWidths("departments-import-check");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // Only checked: nothing was stored.
    expect(db.prepare("select count(*) as n from departments where name = 'E2E旧倉庫'").get()).toEqual({ n: 0 });
  });

  it("retires a department: the forms no longer offer it, the filters still show it marked 廃止", async () => {
    await openDepartments();
    const r = row("E2E閉店");
    await r.locator("summary").click();
    await r.getByRole("button", { name: "廃止する" }).click();
    await flash().filter({ hasText: "「E2E閉店」を廃止しました。" }).waitFor();
    await row("E2E閉店").locator("td .state-retired", { hasText: "廃止" }).waitFor();
    // The page with one department's changes open, at both widths.
    await row("E2E東京本店").locator("summary").click();
    await atBothWidths("departments");

    await page.goto(`${baseURL}/admin/users`);
    const offered = await optionsOf("department");
    expect(offered).toContain("E2E東京本店");
    expect(offered).not.toContain("E2E閉店");
    expect(offered).not.toContain("E2E本点");
    await page.goto(`${baseURL}/incidents/new`);
    expect(await optionsOf("department")).not.toContain("E2E閉店");
    await page.goto(`${baseURL}/incidents`);
    const filter = await optionsOf("f-department");
    expect(filter).toContain("E2E閉店(廃止)");
    expect(filter).not.toContain("E2E本点");
  });

  it("tells a page opened before someone else's change that it was, and shows the latest", async () => {
    const other = await page.context().newPage();
    try {
      await openDepartments(other);
      // Meanwhile, in this page: the retired department is reinstated.
      await openDepartments();
      await row("E2E閉店").locator("summary").click();
      await row("E2E閉店").getByRole("button", { name: "再開する" }).click();
      await flash().filter({ hasText: "「E2E閉店」を再開しました。" }).waitFor();
      // The other page still shows it retired, and asks to reinstate it again.
      await row("E2E閉店", other).locator("summary").click();
      await row("E2E閉店", other).getByRole("button", { name: "再開する" }).click();
      await other.getByRole("alert").filter({ hasText: "他の人が先に更新しました" }).waitFor();
      await row("E2E閉店", other).getByRole("button", { name: "廃止する" }).waitFor();
    } finally {
      await other.close();
    }
  });

  it("was sent every message it showed, and the browser reported no problem", () => {
    expect(problems).toEqual([]);
  });
});
