/**
 * No typed work is lost (issue 18, deliverable 3; docs/decisions/0024-drafts-kept-on-client.md): a session that ends
 * while someone types leads to the sign-in page, which says so, and back to the form with the text; a save the server
 * cannot take (503) leaves the form on screen with the text; an error page leads back to the restored form.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../db/client.server";
import { createUser } from "~/modules/auth/users.server";
import { seedDemo } from "~/modules/demo/seed.server";
import { type OwnServer, startApp } from "../../scripts/app-process";
import { openPageForFile, SCREENSHOT_DIR, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
const hr = inject("users").hr;
const EXPIRED = "セッションの有効期限が切れました。もう一度サインインしてください。入力内容は保存されています。";
const RESTORED = "保存されていなかった入力内容を復元しました";

let page: Page;
let problems: string[];
openPageForFile((opened) => ({ page, problems } = opened));

const readDb = <T,>(sql: string, ...args: unknown[]): T => {
  const db = new Database(inject("databasePath"), { readonly: true });
  try {
    return db.prepare(sql).get(...args) as T;
  } finally {
    db.close();
  }
};

/** The draft keys this tab holds. */
const draftKeys = () => page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith("kasuhara.draft.")));
/** The tab holds no draft (React's effects run just after the page shows the answer: waits a moment for them). */
async function expectNoDraft() {
  await page.waitForFunction(() => !Object.keys(sessionStorage).some((k) => k.startsWith("kasuhara.draft.")), undefined, { timeout: 5_000 }).catch(() => undefined);
  expect(await draftKeys()).toEqual([]);
}

/** Both widths, for looking at: the whole page at 1440 px, what the window shows at 390 px (a phone). */
async function shots(name: string) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, `${name}-1440`);
  await page.setViewportSize({ width: 390, height: 844 });
  // The header takes the phone's first screen (its nav does not wrap yet): the message is what to look at.
  const message = page.locator(".draft-notice, .auth-card .notice").first();
  await message.evaluate((e) => e.scrollIntoView({ block: "start" }));
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-390.png`) });
  await page.setViewportSize({ width: 1366, height: 900 });
}

/** Ends the session from another tab of the same browser (shared cookies): the server forgets it, as at a timeout. */
async function signOutElsewhere(origin: string) {
  const other = await page.context().newPage();
  await other.goto(`${origin}/incidents`);
  await Promise.all([other.waitForURL(/\/login\?signedOut=1/), other.getByRole("button", { name: "サインアウト" }).click()]);
  await other.close();
}

/** Saves, lands on the sign-in page that says the session ended, signs in, and is back on `formPath`. */
async function expireSaveAndSignInAgain(save: () => Promise<void>, formPath: string, shotName?: string) {
  await Promise.all([page.waitForURL((u) => u.pathname === "/login"), save()]);
  const url = new URL(page.url());
  expect(url.searchParams.get("returnTo")).toBe(formPath);
  expect(url.searchParams.get("expired")).toBe("1");
  await page.getByText(EXPIRED).waitFor();
  if (shotName) await shots(shotName);
  await page.fill("#email", hr.email);
  await page.fill("#password", hr.password);
  await Promise.all([page.waitForURL((u) => u.pathname === formPath), page.getByRole("button", { name: "サインイン" }).click()]);
  await page.getByText(RESTORED).waitFor();
}

let incidentId = 0;

describe("a session that ends while someone types", () => {
  beforeAll(async () => {
    await signIn(page, baseURL, hr);
  });

  it("new incident: signs in again and returns to the form with everything typed, then saves it", async () => {
    await page.goto(`${baseURL}/incidents/new`);
    await page.getByLabel("発生日時").fill("2025-06-10T10:15");
    await page.getByLabel("部署・事業所").selectOption("渋谷店");
    await page.getByLabel("発生場面").selectOption("C1");
    await page.getByLabel("概要").fill("期限切れの間に入力した概要。改行も\n残ること。");
    await page.getByRole("checkbox", { name: /MA03/ }).check();
    await page.getByRole("checkbox", { name: /MB04/ }).check();
    await page.getByLabel("対応人数").fill("2");

    await signOutElsewhere(baseURL);
    await expireSaveAndSignInAgain(() => page.getByRole("button", { name: "保存する" }).click(), "/incidents/new", "drafts-sign-in-expired");

    expect(await page.getByLabel("概要").inputValue()).toBe("期限切れの間に入力した概要。改行も\n残ること。");
    expect(await page.getByLabel("部署・事業所").inputValue()).toBe("渋谷店");
    expect(await page.getByLabel("発生場面").inputValue()).toBe("C1");
    expect(await page.getByLabel("発生日時").inputValue()).toBe("2025-06-10T10:15");
    expect(await page.getByRole("checkbox", { name: /MA03/ }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: /MB04/ }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: /MA01/ }).isChecked()).toBe(false);
    await shots("drafts-restored-new");

    await page.getByRole("button", { name: "保存する" }).click();
    await page.getByText("事案を登録しました。").waitFor();
    incidentId = Number(/\/incidents\/(\d+)\?flash=created$/.exec(page.url())?.[1]);
    expect(incidentId).toBeGreaterThan(0);
    const row = readDb<{ summary: string; responders: number }>("select summary, responders from incidents where id = ?", incidentId);
    expect(row).toEqual({ summary: "期限切れの間に入力した概要。改行も\n残ること。", responders: 2 });
    // Saved: the draft is gone, and the form opens empty again.
    await expectNoDraft();
    await page.goto(`${baseURL}/incidents/new`);
    await page.getByRole("heading", { level: 1, name: "事案を登録" }).waitFor();
    expect(await page.getByText(RESTORED).count()).toBe(0);
    expect(await page.getByLabel("概要").inputValue()).toBe("");
  });

  it("incident edit: the session cookie gone, the save leads back to the edit form with the text, and stores it", async () => {
    const editPath = `/incidents/${incidentId}/edit`;
    await page.goto(`${baseURL}${editPath}`);
    await page.getByLabel("概要").fill("編集中に期限切れ。この文は失われない。");
    await page.getByLabel("再発防止策").fill("二名で対応する。");
    await page.context().clearCookies();

    await expireSaveAndSignInAgain(() => page.getByRole("button", { name: "保存する" }).click(), editPath);
    expect(await page.getByLabel("概要").inputValue()).toBe("編集中に期限切れ。この文は失われない。");
    expect(await page.getByLabel("再発防止策").inputValue()).toBe("二名で対応する。");
    await shots("drafts-restored-edit");

    await Promise.all([page.waitForURL(/\?flash=updated$/), page.getByRole("button", { name: "保存する" }).click()]);
    const row = readDb<{ summary: string; prevention: string }>("select summary, prevention from incidents where id = ?", incidentId);
    expect(row).toEqual({ summary: "編集中に期限切れ。この文は失われない。", prevention: "二名で対応する。" });
    await expectNoDraft();
  });

  it("corrective report: the same, for the company's report form", async () => {
    const reportPath = `/incidents/${incidentId}/report`;
    await page.goto(`${baseURL}${reportPath}`);
    await page.getByLabel("発生した事象").fill("報告書の本文。期限切れでも残る。");
    await page.getByLabel("処置の内容 1").fill("掲示物を見直す");
    await signOutElsewhere(baseURL);

    await expireSaveAndSignInAgain(() => page.getByRole("button", { name: "下書き保存" }).click(), reportPath);
    expect(await page.getByLabel("発生した事象").inputValue()).toBe("報告書の本文。期限切れでも残る。");
    expect(await page.getByLabel("処置の内容 1").inputValue()).toBe("掲示物を見直す");

    await Promise.all([page.waitForURL(/done=save/), page.getByRole("button", { name: "下書き保存" }).click()]);
    const row = readDb<{ what: string; actions: string }>("select what_happened as what, actions from incident_reports where incident_id = ?", incidentId);
    expect(row.what).toBe("報告書の本文。期限切れでも残る。");
    expect(JSON.parse(row.actions)[0].action).toBe("掲示物を見直す");
    await expectNoDraft();
  });

  it("measure register: a form whose save answers with data (and is re-created) ends its draft once saved", async () => {
    const measurePath = "/measures/G03";
    await page.goto(`${baseURL}${measurePath}`);
    const evidence = page.getByLabel("根拠(内容)");
    await evidence.fill("相談窓口の案内を全店に再掲示した(下書き検証)。");
    await page.context().clearCookies();
    await expireSaveAndSignInAgain(() => page.getByRole("button", { name: "保存する" }).click(), measurePath);
    expect(await evidence.inputValue()).toBe("相談窓口の案内を全店に再掲示した(下書き検証)。");

    await page.getByRole("button", { name: "保存する" }).click();
    await page.getByText("保存しました。変更は下の変更履歴に記録されています。").waitFor();
    expect(readDb<{ text: string }>("select evidence_text as text from measures where code = 'G03'").text).toBe("相談窓口の案内を全店に再掲示した(下書き検証)。");
    await expectNoDraft();
    await page.goto(`${baseURL}${measurePath}`);
    await evidence.waitFor();
    expect(await page.getByText(RESTORED).count()).toBe(0);
  });

  it("a draft can be discarded: the form goes back to what is stored", async () => {
    const editPath = `/incidents/${incidentId}/edit`;
    await page.goto(`${baseURL}${editPath}`);
    await page.getByLabel("概要").fill("破棄される下書き");
    await page.context().clearCookies();
    await expireSaveAndSignInAgain(() => page.getByRole("button", { name: "保存する" }).click(), editPath);
    expect(await page.getByLabel("概要").inputValue()).toBe("破棄される下書き");
    await page.getByRole("button", { name: "復元した内容を破棄する" }).click();
    expect(await page.getByLabel("概要").inputValue()).toBe("編集中に期限切れ。この文は失われない。");
    expect(await page.getByText(RESTORED).count()).toBe(0);
    await expectNoDraft();
  });
});

describe("a save the server cannot take", () => {
  it("shows the error page, whose link goes back to the form with the text restored (the server's answer lost)", async () => {
    const editPath = `/incidents/${incidentId}/edit`;
    await page.goto(`${baseURL}${editPath}`);
    await page.getByLabel("概要").fill("エラー画面から戻っても残る概要");
    // The answer a proxy or a stopped server gives: an HTML 503, not the app's.
    await page.route(`**${editPath}.data*`, (route) =>
      route.request().method() === "POST"
        ? route.fulfill({ status: 503, contentType: "text/html", body: "<!doctype html><title>503</title><p>Service Unavailable</p>" })
        : route.continue(),
    );
    await page.getByRole("button", { name: "保存する" }).click();
    const back = page.getByRole("link", { name: "入力画面に戻る(入力内容は保存されています)" });
    await back.waitFor();
    await page.unroute(`**${editPath}.data*`);
    await screenshot(page, "drafts-error-page");
    await back.click();
    await page.getByText(RESTORED).waitFor();
    expect(await page.getByLabel("概要").inputValue()).toBe("エラー画面から戻っても残る概要");
  });

  it("signing out in this tab removes every kept draft", async () => {
    expect((await draftKeys()).length).toBe(1);
    await Promise.all([page.waitForURL(/\/login\?signedOut=1/), page.getByRole("button", { name: "サインアウト" }).click()]);
    await expectNoDraft();
  });

  it("reports no script or CSP problem on these pages (the failed load of the faked 503 aside)", () => {
    // Remix logs the undecodable 503 body (a SyntaxError) and Chromium the failed load: both are the faked answer.
    expect(problems.filter((p) => !/^SyntaxError|503|turbo-stream/.test(p))).toEqual([]);
  });
});

describe("while another process holds the write lock (the server answers 503 busy)", () => {
  const PASSWORD = "drafts-busy-password-long";
  let dir: string;
  let own: OwnServer | undefined;
  let dbFile: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "drafts-busy-"));
    dbFile = path.join(dir, "busy.db");
    const db = openDatabase(dbFile);
    seedDemo(db, { incidents: 50, seed: "drafts" });
    await createUser(db, { email: "hr@busy.test", displayName: null, role: "hr", department: null }, { userId: null, name: "setup", ip: null }, { password: PASSWORD });
    db.$client.close();
    own = await startApp(dbFile, { env: { WRITE_WAIT_SECONDS: "1" } });
  });
  afterAll(async () => {
    await own?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the form on screen with the text and the busy message, and saves once the lock is free", { timeout: 90_000 }, async () => {
    const origin = own!.baseURL;
    const read = (sql: string, ...args: unknown[]) => {
      const db = new Database(dbFile, { readonly: true });
      try {
        return db.prepare(sql).pluck().get(...args);
      } finally {
        db.close();
      }
    };
    const id = read("select min(id) from incidents") as number;
    await signIn(page, origin, { email: "hr@busy.test", password: PASSWORD }, `/incidents/${id}/edit`);
    await page.getByLabel("概要").fill("混雑中に保存した概要。消えない。");

    const holder = new Database(dbFile);
    try {
      holder.exec("BEGIN IMMEDIATE");
      await page.getByRole("button", { name: "保存する" }).click();
      await page.getByText("ただいま混み合っているため、保存できませんでした").waitFor({ timeout: 30_000 });
      await page.getByText("入力した内容はこの画面に残っています").waitFor();
      // Pressed at the foot of a long form, the reason is brought into view.
      await page.waitForFunction(() => document.activeElement?.classList.contains("draft-notice"));
      expect(await page.locator(".draft-notice").evaluate((e) => e.getBoundingClientRect().top >= 0 && e.getBoundingClientRect().bottom <= window.innerHeight)).toBe(true);
      expect(new URL(page.url()).pathname).toBe(`/incidents/${id}/edit`);
      expect(await page.getByLabel("概要").inputValue()).toBe("混雑中に保存した概要。消えない。");
      expect(await page.locator(".error-page").count()).toBe(0);
      await shots("drafts-busy");
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    const stored = () => read("select summary from incidents where id = ?", id) as string;
    expect(stored()).not.toBe("混雑中に保存した概要。消えない。");

    await Promise.all([page.waitForURL(/\?flash=updated$/), page.getByRole("button", { name: "保存する" }).click()]);
    expect(stored()).toBe("混雑中に保存した概要。消えない。");
  });
});
