/**
 * Integrity at start (issue 8, issue 15): a damaged file, a file from a newer version and a file locked by another
 * process are refused with what to do — by the check, by openDatabase, and by `npm start` itself (exit 1, no stack
 * trace). `npm start` checks a file it is about to migrate before migrating it, and any other file once it listens:
 * a damage found then makes every request answer 503.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsFolder, openDatabase } from "../db/client.server";
import { DatabaseProblem, needsMigration, quickCheck } from "../db/health.server";
import { startApp as startServer } from "../scripts/app-process";
import { seedDemo } from "~/modules/demo/seed.server";

let tmp: string;
let healthy: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "db-health-"));
  healthy = path.join(tmp, "healthy.db");
  const db = openDatabase(healthy);
  seedDemo(db, { incidents: 300, seed: "health" });
  db.$client.pragma("wal_checkpoint(TRUNCATE)");
  db.$client.close();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function copyOf(name: string): string {
  const file = path.join(tmp, name);
  fs.copyFileSync(healthy, file);
  return file;
}

function problem(run: () => unknown): DatabaseProblem {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(DatabaseProblem);
    return e as DatabaseProblem;
  }
  throw new Error("expected a DatabaseProblem");
}

/** Overwrites pages in the middle of the file (b-tree pages of the incidents) with zeros; the header stays valid. */
function damage(file: string): void {
  const pageSize = 4096;
  const pages = fs.statSync(file).size / pageSize;
  const fd = fs.openSync(file, "r+");
  fs.writeSync(fd, Buffer.alloc(pageSize * 4), 0, pageSize * 4, Math.floor(pages / 2) * pageSize);
  fs.closeSync(fd);
}

/** Zeroes every page of one index (found with dbstat): a damage that opening and the start do not read. */
function damageIndex(file: string, index: string): void {
  const raw = new Database(file, { readonly: true });
  const pages = raw.prepare("select pageno from dbstat where name = ?").pluck().all(index) as number[];
  const pageSize = raw.pragma("page_size", { simple: true }) as number;
  raw.close();
  expect(pages.length).toBeGreaterThan(0);
  const fd = fs.openSync(file, "r+");
  for (const page of pages) fs.writeSync(fd, Buffer.alloc(pageSize), 0, pageSize, (page - 1) * pageSize);
  fs.closeSync(fd);
}

/** A copy whose latest migration is not applied yet: what the first start after an upgrade finds. */
function unmigrated(file: string): void {
  const raw = new Database(file);
  raw.prepare("delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)").run();
  raw.close();
}

function startApp(databasePath: string) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts", "--no-build"], {
    env: { ...process.env, DATABASE_PATH: databasePath, PORT: "0", HOST: "127.0.0.1", DEMO_INCIDENTS: "0" },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("the check before start", () => {
  it("passes a healthy database and a missing one (a new database)", () => {
    expect(quickCheck(healthy)).toBeGreaterThan(0);
    expect(quickCheck(path.join(tmp, "does-not-exist.db"))).toBe(0);
  });

  it("knows a file that opening would migrate (checked before, since a migration writes)", () => {
    expect(needsMigration(healthy, migrationsFolder())).toBe(false);
    expect(needsMigration(path.join(tmp, "does-not-exist.db"), migrationsFolder())).toBe(false);
    const file = copyOf("unmigrated.db");
    unmigrated(file);
    expect(needsMigration(file, migrationsFolder())).toBe(true);
  });

  it("refuses a file with damaged pages, naming the damage and the restore command", () => {
    const file = copyOf("damaged.db");
    damage(file);
    const p = problem(() => quickCheck(file));
    expect(p.kind).toBe("corrupt");
    expect(p.ja).toContain("破損");
    expect(p.detail).toMatch(/btreeInitPage|wrong # of entries|malformed/);
    expect(p.ja).toContain("npm run restore");
    expect(p.en).toContain("damaged");
  });

  it("refuses a file that is not a database", () => {
    const file = path.join(tmp, "not-a-db.db");
    fs.writeFileSync(file, Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(8192, 7)]));
    const p = problem(() => quickCheck(file));
    expect(p.kind).toBe("notDatabase");
    expect(p.ja).toContain("SQLite データベースではない");
    expect(problem(() => openDatabase(file)).kind).toBe("notDatabase");
  });

  it("refuses a database migrated by a newer version of the app, and leaves it as it was", () => {
    const file = copyOf("newer.db");
    const raw = new Database(file);
    const newest = (raw.prepare("select max(created_at) as t from __drizzle_migrations").get() as { t: number }).t;
    raw.prepare("insert into __drizzle_migrations (hash, created_at) values ('from-the-future', ?)").run(newest + 1000);
    raw.close();
    const before = fs.readFileSync(file);
    const p = problem(() => openDatabase(file));
    expect(p.kind).toBe("newerSchema");
    expect(p.ja).toContain("新しいバージョン");
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it("names a lock held by another process instead of failing obscurely", { timeout: 30_000 }, async () => {
    const file = copyOf("locked.db");
    // Another process holds the file exclusively (as an sqlite3 shell with locking_mode=EXCLUSIVE would).
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const D = require("better-sqlite3"); const db = new D(${JSON.stringify(file)});
         db.pragma("locking_mode = EXCLUSIVE"); db.exec("BEGIN EXCLUSIVE; update settings set id = id; COMMIT");
         db.exec("BEGIN EXCLUSIVE"); console.log("held"); setInterval(() => {}, 1000);`,
      ],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on("data", (d) => String(d).includes("held") && resolve());
        holder.on("exit", (code) => reject(new Error(`the lock holder exited (${code})`)));
      });
      const p = problem(() => quickCheck(file));
      expect(p.kind).toBe("locked");
      expect(p.ja).toContain("別のプロセスがロック");
    } finally {
      holder.kill("SIGKILL");
    }
  });
});

describe("npm start on a bad database", () => {
  it("refuses a damaged file it is about to migrate: exit 1 with the message, no stack trace, the file untouched", { timeout: 60_000 }, () => {
    const file = copyOf("start-damaged.db");
    unmigrated(file);
    damage(file);
    const before = fs.readFileSync(file);
    const r = startApp(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("起動できません");
    expect(r.stderr).toContain("破損");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it("exits 1 on a file that is not a database", { timeout: 60_000 }, () => {
    const file = path.join(tmp, "start-not-a-db.db");
    fs.writeFileSync(file, Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(8192, 7)]));
    const r = startApp(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("SQLite データベースではない");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("exits 1 on a newer-schema database", { timeout: 60_000 }, () => {
    const file = copyOf("start-newer.db");
    const raw = new Database(file);
    raw.prepare("insert into __drizzle_migrations (hash, created_at) values ('from-the-future', ?)").run(Date.now() * 2);
    raw.close();
    const r = startApp(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("新しいバージョン");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("serves a damaged file it does not migrate until the check after the start finds the damage, then answers every request with 503", { timeout: 240_000 }, async () => {
    const file = copyOf("serve-damaged.db");
    damageIndex(file, "incidents_fingerprint_idx");
    const app = await startServer(file, { build: true, noWait: true, timeoutMs: 200_000 });
    try {
      for (const deadline = Date.now() + 200_000; !/データの提供を停止しました/.test(app.output()); ) {
        if (app.server.exitCode !== null || Date.now() > deadline) throw new Error(`no damage reported:\n${app.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const output = app.output();
      expect(output).toContain("待ち受けています");
      expect(output).toContain("破損");
      expect(output).toContain("npm run restore");
      expect(output).not.toMatch(/^\s+at /m);
      const asked = [
        await fetch(`${app.baseURL}/login`),
        await fetch(`${app.baseURL}/healthz`),
        await fetch(`${app.baseURL}/?period=FY2025`, { redirect: "manual" }),
        await fetch(`${app.baseURL}/login`, { method: "POST", headers: { Origin: app.baseURL }, body: new URLSearchParams({ email: "a@example.com", password: "x" }) }),
      ];
      for (const res of asked) {
        expect(res.status).toBe(503);
        const page = await res.text();
        expect(page).toContain("破損しているため使用できません");
        expect(page).toContain("is damaged");
      }
      expect(app.server.exitCode).toBe(null); // it keeps answering, with the message
    } finally {
      await app.stop();
    }
  });
});
