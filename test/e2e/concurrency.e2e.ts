/**
 * Another process holds SQLite's write lock (as `npm run import` does for a whole file): the server keeps answering
 * pages, a form posted meanwhile waits and is stored once the lock is free — no SQLITE_BUSY reaches a page — and a
 * wait longer than the limit ends in the Japanese 「混み合っています」 page with nothing stored (issue 8).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client.server";
import { createUser } from "~/modules/auth/users.server";
import { seedDemo } from "~/modules/demo/seed.server";
import { HttpClient, location } from "../../scripts/http-client";
import { type OwnServer, startApp } from "../../scripts/app-process";
import { DEMO } from "./periods";

const PASSWORD = "lock-test-password-long";
const HOLD_MS = 3_000;
let dir: string;

function incident(summary: string) {
  return {
    occurred_at: "2026-11-02T11:00", department: "東京本店", channel: "C2", behaviours: ["MA02"], severity: "3", responders: "1",
    summary, status: "open", determination: "D1",
  };
}

/** A fresh database with demo data and an HR user, and a server on it. */
async function serverOn(name: string, env: Record<string, string> = {}): Promise<{ own: OwnServer; dbFile: string; client: HttpClient }> {
  const dbFile = path.join(dir, name, "lock.db");
  const db = openDatabase(dbFile);
  seedDemo(db, { incidents: 200, seed: name });
  await createUser(db, { email: "hr@lock.test", displayName: null, role: "hr", department: null }, { userId: null, name: "setup", ip: null }, { password: PASSWORD });
  db.$client.close();
  const own = await startApp(dbFile, { env });
  const client = new HttpClient(own.baseURL);
  await client.signIn({ email: "hr@lock.test", password: PASSWORD });
  return { own, dbFile, client };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "lock-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("while another process holds the write lock", () => {
  it("answers pages at once, and stores the writes posted meanwhile when the lock is released", { timeout: 90_000 }, async () => {
    const { own, dbFile, client } = await serverOn("wait");
    try {
      const holder = new Database(dbFile);
      holder.exec("BEGIN IMMEDIATE");
      const heldAt = Date.now();
      let releasedAt = Infinity;
      const release = new Promise<void>((resolve) =>
        setTimeout(() => {
          holder.exec("COMMIT");
          holder.close();
          releasedAt = Date.now();
          resolve();
        }, HOLD_MS),
      );

      const writes = Array.from({ length: 3 }, async (_, i) => {
        const res = await client.post("/incidents/new", incident(`ロック中の登録 ${i}`));
        return { status: res.status, to: location(res), at: Date.now() };
      });
      // Pages keep coming while the lock is held: the dashboard, the list and the import page.
      const pages: { path: string; status: number; at: number }[] = [];
      for (const p of ["/", `/?period=${DEMO.fy}`, "/incidents", "/import", "/"]) {
        const res = await client.get(p);
        const html = await res.text();
        expect(html).not.toContain("error-page");
        pages.push({ path: p, status: res.status, at: Date.now() });
      }
      const written = await Promise.all(writes);
      await release;

      expect(pages.every((p) => p.status === 200)).toBe(true);
      expect(pages.every((p) => p.at < releasedAt)).toBe(true);
      // Each write waited for the lock instead of failing, then was stored.
      for (const w of written) {
        expect(w.status).toBe(302);
        expect(w.to).toMatch(/^\/incidents\/\d+\?flash=created$/);
        expect(w.at).toBeGreaterThanOrEqual(releasedAt);
      }
      expect(releasedAt - heldAt).toBeGreaterThanOrEqual(HOLD_MS - 50);
      const check = new Database(dbFile, { readonly: true });
      const stored = check.prepare("select count(*) from incidents where summary like 'ロック中の登録 %'").pluck().get();
      check.close();
      expect(stored).toBe(3);
      expect(own.output()).not.toMatch(/SQLITE_BUSY|database is locked/);
    } finally {
      await own.stop();
    }
  });

  it("gives up after WRITE_WAIT_SECONDS with the 混み合っています page, and stores nothing", { timeout: 90_000 }, async () => {
    const { own, dbFile, client } = await serverOn("give-up", { WRITE_WAIT_SECONDS: "1" });
    const holder = new Database(dbFile);
    try {
      holder.exec("BEGIN IMMEDIATE");
      const res = await client.post("/incidents/new", incident("待ちきれない登録"));
      const html = await res.text();
      expect(res.status).toBe(503);
      expect(html).toContain("混み合っています");
      expect(html).not.toMatch(/SQLITE_BUSY|at .*\.ts:\d+/);
      holder.exec("ROLLBACK");
      const stored = holder.prepare("select count(*) from incidents where summary = '待ちきれない登録'").pluck().get();
      expect(stored).toBe(0);
      // And the server is fine once the lock is free.
      const again = await client.post("/incidents/new", incident("ロック解除後の登録"));
      expect(again.status).toBe(302);
    } finally {
      holder.close();
      await own.stop();
    }
  });
});
