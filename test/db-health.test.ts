/**
 * Integrity at start (issue 8): a damaged file, a file from a newer version and a file locked by another process are
 * refused with what to do — by the check `npm start` runs, by openDatabase, and by `npm start` itself (exit 1, no
 * stack trace).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.server";
import { DatabaseProblem, quickCheck } from "../db/health.server";
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
  it("exits 1 with the message and no stack trace, and does not touch the file", { timeout: 60_000 }, () => {
    const file = copyOf("start-damaged.db");
    damage(file);
    const before = fs.readFileSync(file);
    const r = startApp(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("起動できません");
    expect(r.stderr).toContain("破損");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
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
});
