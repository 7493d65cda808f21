/**
 * A crash in the middle of concurrent writes (issue 8): five clients record incidents through the form while the
 * server process is killed with SIGKILL. Every write the server acknowledged (302 to the new incident) must be on disk
 * with its audit entry and its codes, nothing half-written, `integrity_check` = ok — and the app starts again on the
 * file and shows them.
 *
 * Runs its own server on its own database (the build is the one the global setup made).
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
import { startApp } from "../../scripts/app-process";

const PASSWORD = "kill-test-password-long";
const WRITERS = 5;
const KILL_AFTER_ACKS = 150;

let dir: string;
let dbFile: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "server-kill-"));
  dbFile = path.join(dir, "kill.db");
  const db = openDatabase(dbFile);
  seedDemo(db, { incidents: 100, seed: "kill" });
  await createUser(db, { email: "writer@kill.test", displayName: null, role: "hr", department: null }, { userId: null, name: "setup", ip: null }, { password: PASSWORD });
  db.$client.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("SIGKILL during concurrent writes", () => {
  it("keeps every acknowledged incident, whole, and the file passes integrity_check", { timeout: 120_000 }, async () => {
    const { server, baseURL } = await startApp(dbFile);
    const acknowledged: { id: number; summary: string }[] = [];
    let sent = 0;
    let killed = false;
    try {
      const clients = await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          const c = new HttpClient(baseURL);
          await c.signIn({ email: "writer@kill.test", password: PASSWORD });
          return c;
        }),
      );
      const kill = () => {
        if (killed) return;
        killed = true;
        server.kill("SIGKILL");
      };
      await Promise.all(
        clients.map(async (c, w) => {
          for (let n = 0; !killed; n++) {
            const summary = `強制終了試験 ${w}-${n}`;
            sent++;
            let res: Response;
            try {
              res = await c.post("/incidents/new", {
                occurred_at: "2026-11-01T10:00", department: "東京本店", channel: "C1", behaviours: ["MA05", "MA07"], severity: "2",
                responders: "2", summary, status: "open", determination: "D1",
              });
            } catch {
              return; // the connection died with the server: this write was never acknowledged
            }
            const id = /^\/incidents\/(\d+)(\?|$)/.exec(location(res))?.[1];
            if (res.status !== 302 || !id) throw new Error(`write refused before the kill: ${res.status} ${await res.text()}`);
            acknowledged.push({ id: Number(id), summary });
            if (acknowledged.length >= KILL_AFTER_ACKS) kill();
          }
        }),
      );
      await new Promise((r) => (server.exitCode !== null || server.signalCode ? r(null) : server.once("exit", r)));
      expect(server.signalCode).toBe("SIGKILL");
    } finally {
      if (server.exitCode === null && !server.signalCode) server.kill("SIGKILL");
    }
    // Requests were in flight at the kill: more were sent than acknowledged.
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(sent).toBeGreaterThan(acknowledged.length);
    console.log(`sent ${sent} writes, ${acknowledged.length} acknowledged before SIGKILL`);

    // Opened as the next start opens it: SQLite replays the WAL.
    const db = new Database(dbFile);
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(db.pragma("foreign_key_check")).toEqual([]);
      const incident = db.prepare("select summary from incidents where id = ?").pluck();
      const codes = db.prepare("select count(*) from incident_codes where incident_id = ? and field = 'behaviours'").pluck();
      const audited = db.prepare("select count(*) from audit_log where action = 'incident.created' and target_id = ?").pluck();
      const missing = acknowledged.filter((w) => incident.get(w.id) !== w.summary);
      expect(missing).toEqual([]);
      for (const w of acknowledged) {
        expect(codes.get(w.id)).toBe(2);
        expect(audited.get(String(w.id))).toBe(1);
      }
      // Nothing half-written: every test incident that is stored (acknowledged or not) has its codes and its audit entry.
      const stored = db.prepare("select id from incidents where summary like '強制終了試験 %'").pluck().all() as number[];
      expect(stored.length).toBeGreaterThanOrEqual(acknowledged.length);
      for (const id of stored) {
        expect(codes.get(id)).toBe(2);
        expect(audited.get(String(id))).toBe(1);
      }
    } finally {
      db.close();
    }

    // The app starts again on the file, finds it whole (the check runs once it listens) and shows an acknowledged incident.
    const again = await startApp(dbFile);
    try {
      for (const deadline = Date.now() + 60_000; !again.output().includes("整合性チェック: OK"); ) {
        if (Date.now() > deadline) throw new Error(`no integrity check reported:\n${again.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const c = new HttpClient(again.baseURL);
      await c.signIn({ email: "writer@kill.test", password: PASSWORD });
      const last = acknowledged.at(-1)!;
      const res = await c.get(`/incidents/${last.id}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(last.summary);
    } finally {
      await again.stop();
    }
  });
});
