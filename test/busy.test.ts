/**
 * Waiting for the write lock without blocking (db/busy.server.ts), and loading the in-memory columns one month per
 * event-loop turn (cube.server.ts): the two things that keep the server answering while an import holds the lock.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.server";
import { beginImmediate, DatabaseBusyError, isBusy, retryWhileBusy, unlessBusy } from "../db/busy.server";
import { Cube, prepareCube } from "~/modules/analytics/cube.server";
import { seedDemo } from "~/modules/demo/seed.server";

let tmp: string;
let file: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "busy-"));
  file = path.join(tmp, "busy.db");
  const db = openDatabase(file);
  seedDemo(db, { incidents: 400, seed: "busy" });
  db.$client.close();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A second connection, as another process would hold it, and the app's connection without a busy timeout. */
function pair() {
  const holder = new Database(file);
  const app = openDatabase(file);
  app.$client.pragma("busy_timeout = 0");
  return { holder, app, close: () => (holder.close(), app.$client.close()) };
}

const insertDepartment = (db: Database.Database, name: string) => db.prepare("insert into departments (name, normalized_name) values (?, ?)").run(name, name);

describe("waiting for the write lock", () => {
  it("retries a write until the other writer commits, while the event loop keeps turning", async () => {
    const { holder, app, close } = pair();
    try {
      holder.exec("BEGIN IMMEDIATE");
      let attempts = 0;
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      setTimeout(() => holder.exec("COMMIT"), 300);
      await retryWhileBusy(() => {
        attempts++;
        insertDepartment(app.$client, "待機後の部署");
      });
      clearInterval(ticker);
      expect(attempts).toBeGreaterThan(1);
      // Timers ran during the wait: nothing slept inside SQLite.
      expect(ticks).toBeGreaterThan(10);
      expect(app.$client.prepare("select count(*) from departments where name = '待機後の部署'").pluck().get()).toBe(1);
    } finally {
      close();
    }
  });

  it("gives up with DatabaseBusyError after the wait, having stored nothing", async () => {
    const { holder, app, close } = pair();
    try {
      holder.exec("BEGIN IMMEDIATE");
      await expect(retryWhileBusy(() => insertDepartment(app.$client, "諦めた部署"), 150)).rejects.toBeInstanceOf(DatabaseBusyError);
      holder.exec("ROLLBACK");
      expect(app.$client.prepare("select count(*) from departments where name = '諦めた部署'").pluck().get()).toBe(0);
    } finally {
      close();
    }
  });

  it("passes any other error through at once", async () => {
    let attempts = 0;
    await expect(
      retryWhileBusy(() => {
        attempts++;
        throw new Error("not a lock");
      }),
    ).rejects.toThrow("not a lock");
    expect(attempts).toBe(1);
  });

  it("skips a housekeeping write while the lock is taken, and runs it otherwise", () => {
    const { holder, app, close } = pair();
    try {
      holder.exec("BEGIN IMMEDIATE");
      expect(unlessBusy(() => insertDepartment(app.$client, "後回し"))).toBe(false);
      holder.exec("ROLLBACK");
      expect(unlessBusy(() => insertDepartment(app.$client, "後回し"))).toBe(true);
      expect(() => unlessBusy(() => app.$client.exec("select * from no_such_table"))).toThrow(/no such table/);
    } finally {
      close();
    }
  });

  it("begins an import's transaction once the other writer is done, keeping the connection's busy timeout", async () => {
    const holder = new Database(file);
    const importer = openDatabase(file);
    try {
      holder.exec("BEGIN IMMEDIATE");
      setTimeout(() => holder.exec("COMMIT"), 200);
      const started = Date.now();
      await beginImmediate(importer.$client);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(importer.$client.inTransaction).toBe(true);
      expect(importer.$client.pragma("busy_timeout", { simple: true })).toBe(5000);
      // The importer holds the lock now: the other connection is the one that has to wait.
      holder.pragma("busy_timeout = 0");
      let refused: unknown;
      try {
        insertDepartment(holder, "割り込み");
      } catch (e) {
        refused = e;
      }
      expect(isBusy(refused)).toBe(true);
      importer.$client.exec("ROLLBACK");
    } finally {
      holder.close();
      importer.$client.close();
    }
  });
});

describe("loading the in-memory columns gradually", () => {
  it("loads every month, one per turn, shares one pass between callers, and leaves nothing for refresh", async () => {
    const db = openDatabase(file);
    try {
      const months = db.$client.prepare("select count(*) from analytics_months").pluck().get() as number;
      expect(months).toBeGreaterThan(12);
      let turns = 0;
      const ticker = setInterval(() => turns++, 0);
      const [a, b] = await Promise.all([prepareCube(db), prepareCube(db)]);
      clearInterval(ticker);
      expect(a).toBe(months);
      expect(b).toBe(months); // the same pass
      expect(turns).toBeGreaterThan(0);
      const cube = new Cube(db);
      expect(await cube.refreshGradually()).toBe(months);
      expect(cube.refresh()).toBe(0);
      // A write moves one month; the next pass reloads just that one.
      db.$client.prepare("update incidents set severity = 4 where id = (select min(id) from incidents)").run();
      expect(await cube.refreshGradually()).toBe(1);
    } finally {
      db.$client.close();
    }
  });
});
