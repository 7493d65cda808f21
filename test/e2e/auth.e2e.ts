/**
 * Signing in for the first time, as a newcomer does after `npm start`: the first admin's printed one-time password,
 * the forced change, adding an HR user who then signs in and sees incidents. Also, in a real browser: the
 * Content-Security-Policy lets the app run, a cross-site form is refused, and a script in a summary stays text.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { todayInTokyo } from "~/modules/incidents/dates";
import { openPageForFile, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
const firstAdmin = inject("firstAdmin");
const users = inject("users");
let page: Page;
let problems: string[];

const shot = (name: string) => screenshot(page, name);

openPageForFile((opened) => ({ page, problems } = opened));

async function signOut() {
  await Promise.all([page.waitForURL(/\/login\?signedOut=1/), page.getByRole("button", { name: "サインアウト" }).click()]);
}

async function changePassword(current: string, next: string) {
  await page.getByLabel("ワンタイムパスワード").fill(current);
  await page.getByLabel(/^新しいパスワード\s*(必須)?$/).fill(next);
  await page.getByLabel("新しいパスワード(確認)").fill(next);
  await Promise.all([page.waitForURL((u) => u.pathname === "/"), page.getByRole("button", { name: "パスワードを変更する" }).click()]);
}

describe("the first sign-in", () => {
  let hrOneTime = "";

  it("sends a visitor to the sign-in page", async () => {
    await page.goto(`${baseURL}/incidents`);
    await page.waitForURL(/\/login\?returnTo=%2Fincidents/);
    await page.getByRole("heading", { level: 1, name: "サインイン" }).waitFor();
    await shot("auth-sign-in");
  });

  it("the first admin signs in with the printed one-time password and must change it", async () => {
    await page.fill("#email", firstAdmin.email);
    await page.fill("#password", firstAdmin.oneTimePassword);
    await Promise.all([page.waitForURL(/\/account\/password/), page.getByRole("button", { name: "サインイン" }).click()]);
    await page.getByText("続けるには新しいパスワードを設定してください").waitFor();
    await shot("auth-must-change");
    // Until the password is changed, every other page leads back here.
    await page.goto(`${baseURL}/admin/users`);
    await page.waitForURL(/\/account\/password/);
    // A too-short password gets a Japanese message under the field.
    await page.getByLabel("ワンタイムパスワード").fill(firstAdmin.oneTimePassword);
    await page.getByLabel(/^新しいパスワード\s*(必須)?$/).fill("short");
    await page.getByLabel("新しいパスワード(確認)").fill("short");
    await page.getByRole("button", { name: "パスワードを変更する" }).click();
    await page.getByText("パスワードは12文字以上にしてください。").waitFor();
    await changePassword(firstAdmin.oneTimePassword, "first admin's own passphrase");
    await page.getByText("パスワードを変更しました。").waitFor();
  });

  it("the admin adds an HR user and is shown a one-time password once", async () => {
    await page.getByRole("link", { name: "ユーザー管理" }).click();
    await page.getByRole("heading", { level: 1, name: "ユーザー管理" }).waitFor();
    await page.getByLabel("メールアドレス").fill("hr.newcomer@e2e.test");
    await page.getByLabel("氏名(表示名)").fill("人事 新人");
    await page.getByLabel("役割").selectOption("hr");
    await page.getByRole("button", { name: "追加する" }).click();
    await page.locator(".otp").waitFor();
    hrOneTime = (await page.locator(".otp").innerText()).trim();
    expect(hrOneTime).toMatch(/^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/);
    // The list is reloaded after the action answers: wait for the new user's row rather than look once.
    await page.getByRole("link", { name: "hr.newcomer@e2e.test" }).waitFor({ state: "visible" });
    await shot("auth-user-admin");
    // Adding the same e-mail again is refused with a message on the field.
    await page.getByLabel("メールアドレス").fill("HR.Newcomer@e2e.test");
    await page.getByLabel("役割").selectOption("hr");
    await page.getByRole("button", { name: "追加する" }).click();
    await page.getByText("このメールアドレスのユーザーは既に登録されています。").waitFor();
    await signOut();
  });

  it("the HR user signs in, chooses a password and sees incidents", async () => {
    await page.fill("#email", "hr.newcomer@e2e.test");
    await page.fill("#password", hrOneTime);
    await Promise.all([page.waitForURL(/\/account\/password/), page.getByRole("button", { name: "サインイン" }).click()]);
    await changePassword(hrOneTime, "hr newcomer passphrase");
    await page.getByRole("link", { name: "事案一覧" }).click();
    await page.getByRole("heading", { level: 1, name: "事案一覧" }).waitFor();
    const count = Number((await page.locator(".result-count strong").innerText()).replace(/[^\d]/g, ""));
    expect(count).toBeGreaterThan(300);
    // HR has no user admin or audit log in the menu.
    expect(await page.getByRole("link", { name: "ユーザー管理" }).count()).toBe(0);
    await signOut();
  });

  it("the audit log shows these sign-ins, filtered by what happened", async () => {
    await signIn(page, baseURL, users.admin, "/admin/audit");
    await page.getByRole("heading", { level: 1, name: "監査ログ" }).waitFor();
    await page.getByLabel("操作").selectOption("auth.signed_in");
    await Promise.all([page.waitForURL(/action=auth\.signed_in/), page.getByRole("button", { name: "絞り込む" }).click()]);
    await page.getByRole("cell", { name: "hr.newcomer@e2e.test" }).first().waitFor();
    expect(await page.locator("table.audit tbody tr").count()).toBeGreaterThan(2);
    await page.goto(`${baseURL}/admin/audit`);
    await shot("auth-audit-log");
  });

  it("ran every page without a Content-Security-Policy refusal or a script error", () => {
    expect(problems).toEqual([]);
  });
});

describe("in the browser", () => {
  it("refuses a form posted from another site", async () => {
    // A page on another origin (another port) that posts to the app as soon as it opens.
    const evil = http.createServer((_req, res) => {
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.end(
        `<form id="f" method="post" action="${baseURL}/incidents/new"><input name="summary" value="cross-site"></form>` +
          `<script>document.getElementById("f").submit()</script>`,
      );
    });
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
    try {
      await signIn(page, baseURL, users.hr);
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      await page.waitForURL(`${baseURL}/incidents/new`);
      await page.getByText("他のサイトからの送信").waitFor();
      await shot("auth-cross-site-refused");
    } finally {
      evil.close();
    }
  });

  it("shows a script typed into a summary as text, and never runs it", async () => {
    problems.length = 0; // the refused cross-site post above is logged as a failed load
    let dialogs = 0;
    page.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    const attack = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
    await page.goto(`${baseURL}/incidents/new`);
    await page.getByLabel("発生日時").fill(`${todayInTokyo()}T09:00`);
    await page.getByLabel("発生場面").selectOption("C1");
    await page.getByRole("checkbox", { name: /MA05/ }).check();
    await page.getByLabel("概要").fill(attack);
    await Promise.all([page.waitForURL(/\/incidents\/\d+\?flash=created/), page.getByRole("button", { name: "保存する" }).click()]);
    const shown = page.locator(".prose", { hasText: "alert(2)" });
    await shown.waitFor();
    expect(await shown.innerText()).toBe(attack);
    expect(await page.locator(".incident-detail img").count()).toBe(0);
    expect(dialogs).toBe(0);
    expect(problems).toEqual([]);
  });
});
