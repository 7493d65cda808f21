/**
 * Online backups and restore (docs/decisions/0010): a backup is one consistent snapshot even while another connection
 * writes, a restore brings back exactly that state (rows, issued reports, audit trail) into a database other
 * connections hold open, and every refusal leaves the live database as it was.
 */
import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../db/client.server";
import { Cube } from "~/modules/analytics/cube.server";
import { audit } from "~/modules/auth/audit.server";
import { createSession } from "~/modules/auth/session.server";
import { createUser } from "~/modules/auth/users.server";
import { backupDatabase, nextBackupFile, pruneBackups } from "~/modules/backup/backup.server";
import { BackupError } from "~/modules/backup/errors";
import { countRows, type TableCounts } from "~/modules/backup/facts.server";
import { listBackups } from "~/modules/backup/history.server";
import { copyDatabaseInto, restoreDatabase, verifyBackupFile } from "~/modules/backup/restore.server";
import { seedDemo } from "~/modules/demo/seed.server";
import { createIncident, deleteIncident, updateIncident } from "~/modules/incidents/mutations.server";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import { buildComplianceReport } from "~/modules/reports/compliance.server";
import { issueReport } from "~/modules/reports/issued.server";
import { parsePeriod } from "~/modules/reports/periods";
import { startCli } from "./cli";
import { incidentInput, TODAY } from "./helpers";

const actor = { userId: 1, name: "admin@example.com", ip: "127.0.0.1" };
const SETTINGS = { suppressionThreshold: 3, writtenReportDeadlineDays: 7, nationalObligationDate: "2026-10-01" };
const PASSWORD = "backup-test-password";

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-backup-"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh folder with a database path and a backup folder in it. */
function place(): { dir: string; dbPath: string; backups: string } {
  const dir = path.join(root, `case-${++n}`);
  fs.mkdirSync(dir);
  return { dir, dbPath: path.join(dir, "kasuhara.db"), backups: path.join(dir, "backups") };
}

/** A database with demo data, users, an issued report, audit entries and sessions. */
async function populated(dbPath: string, incidents = 300): Promise<Db> {
  const db = openDatabase(dbPath);
  seedDemo(db, { incidents, years: 2, until: TODAY });
  const admin = await createUser(db, { email: "admin@example.com", displayName: "管理者", role: "admin", department: null }, actor, { password: PASSWORD });
  await createUser(db, { email: "hr@example.com", displayName: null, role: "hr", department: null }, actor, { password: PASSWORD });
  issueReport(db, buildComplianceReport(db, parsePeriod("FY2025")!, { audience: "hr", lang: "ja", today: TODAY, settings: SETTINGS }), actor);
  audit(db, actor, "settings.updated", { type: "settings", id: 1 }, { fields: ["retentionYears"] });
  createSession(db, admin.id, { ip: "127.0.0.1", userAgent: "vitest" });
  return db;
}

function tables(db: Database.Database): string[] {
  return (db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[]).map(
    (r) => r.name,
  );
}

/** Every row of every table, in rowid order (primary-key order for a WITHOUT ROWID table: incident_codes). */
function dump(db: Database.Database): Record<string, unknown[]> {
  const order = (t: string) => {
    const withoutRowid = /without rowid\s*$/i.test((db.prepare("select sql from sqlite_master where name = ?").pluck().get(t) as string).trim());
    if (!withoutRowid) return "rowid";
    const key = (db.prepare(`select name, pk from pragma_table_info(?) where pk > 0 order by pk`).all(t) as { name: string }[]).map((c) => `"${c.name}"`);
    return key.join(", ");
  };
  return Object.fromEntries(tables(db).map((t) => [t, db.prepare(`select * from "${t}" order by ${order(t)}`).all()]));
}

function schemaOf(db: Database.Database): unknown[] {
  return db.prepare("select type, name, sql from sqlite_master where name not like 'sqlite_%' order by type, name").all();
}

function openReadOnly(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

async function refusal(promise: Promise<unknown>): Promise<BackupError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BackupError);
  return e as BackupError;
}

describe("backup → restore round trip", () => {
  it("brings back every row, the issued reports and the audit trail as they were, into a database another connection holds open", async () => {
    const { dbPath, backups } = place();
    const db = await populated(dbPath);
    const before = dump(db.$client);
    const schemaBefore = schemaOf(db.$client);
    expect(before.incidents.length).toBeGreaterThan(250);
    expect(before.issued_reports).toHaveLength(1);
    expect(before.sessions).toHaveLength(1);
    expect(before.audit_log.length).toBeGreaterThanOrEqual(3);

    const started = Date.now();
    const taken = await backupDatabase(dbPath, path.join(backups, "round-trip.db"), { actor, trigger: "cli" });
    const ms = Date.now() - started;
    expect(taken.counts.incidents).toBe(before.incidents.length);
    expect(taken.counts.audit_log).toBe(before.audit_log.length);
    expect(taken.bytes).toBe(fs.statSync(taken.file).size);
    // The copy is a single self-contained file: rollback journal, nothing beside it.
    expect([...fs.readFileSync(taken.file).subarray(18, 20)]).toEqual([1, 1]);
    expect(fs.readdirSync(backups)).toEqual(["round-trip.db"]);
    {
      const copy = openReadOnly(taken.file);
      expect(dump(copy)).toEqual(before);
      copy.close();
    }
    // Recorded with its audit entry.
    const [row] = listBackups(db);
    expect(row).toMatchObject({ status: "ok", file: taken.file, sha256: taken.sha256, bytes: taken.bytes, trigger: "cli", userName: actor.name });
    expect(row.counts).toEqual(taken.counts);
    expect(db.$client.prepare("select action, target_id from audit_log order by id desc limit 1").get()).toEqual({
      action: "backup.created",
      target_id: String(row.id),
    });
    console.info(`backup of ${before.incidents.length} incidents: ${taken.bytes} bytes in ${ms} ms`);

    // Life goes on: incidents added, edited and deleted, another report issued, more audit entries and sessions.
    const added = createIncident(db, incidentInput({ occurred_at: "2026-10-01T10:00:00+09:00", reported_at: null, closed_at: "2026-10-02", report_submitted_at: null }), { today: TODAY, actor });
    const firstId = (before.incidents[0] as { id: number }).id;
    const first = getIncident(db, firstId)!;
    updateIncident(db, firstId, { ...toInput(first), severity: first.severity === 4 ? 1 : 4 }, toInput(first), { today: TODAY, actor });
    deleteIncident(db, (before.incidents[1] as { id: number }).id, actor);
    issueReport(db, buildComplianceReport(db, parsePeriod("FY2025")!, { audience: "executive", lang: "ja", today: TODAY, settings: SETTINGS }), actor);
    const later = await createUser(db, { email: "later@example.com", displayName: null, role: "executive", department: null }, actor, { password: PASSWORD });
    createSession(db, later.id, { ip: null, userAgent: null });
    expect(db.$client.prepare("select count(*) as n from incidents where id = ?").get(added)).toEqual({ n: 1 });

    // A second connection (a running server) is open on the database, with its dashboard figures loaded.
    const server = openDatabase(dbPath);
    const cube = new Cube(server);
    cube.refresh();
    const preMax = (server.$client.prepare("select max(generation) as g from analytics_months").get() as { g: number }).g;
    expect(cube.refresh()).toBe(0);

    const restored = await restoreDatabase(taken.file, dbPath, { actor, backupDir: backups });
    expect(restored.sha256).toBe(taken.sha256);
    expect(restored.safetyCopy).toMatch(/pre-restore-\d{8}-\d{6}\.db$/);

    // What the server's connection reads now.
    const after = dump(server.$client);
    const { sessions, analytics_months, audit_log, backups: history, ...rest } = after;
    const { sessions: _s, analytics_months: monthsBefore, audit_log: auditBefore, backups: historyBefore, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(schemaOf(server.$client)).toEqual(schemaBefore);
    expect(sessions).toEqual([]);
    // Same months, every generation above anything seen before, so every cached month reloads.
    const gens = analytics_months as { month: string; generation: number }[];
    expect(gens.map((m) => m.month)).toEqual((monthsBefore as { month: string }[]).map((m) => m.month));
    expect(new Set(gens.map((m) => m.generation))).toEqual(new Set([restored.generation]));
    expect(restored.generation).toBeGreaterThan(preMax);
    expect(cube.refresh()).toBe(gens.length);
    // The audit trail as it was, plus exactly one entry for the restore.
    expect(audit_log.slice(0, auditBefore.length)).toEqual(auditBefore);
    expect(audit_log).toHaveLength(auditBefore.length + 1);
    const entry = audit_log.at(-1) as { action: string; detail: string; actor: string };
    expect(entry.action).toBe("backup.restored");
    expect(entry.actor).toBe(actor.name);
    expect(JSON.parse(entry.detail)).toMatchObject({ file: taken.file, sha256: taken.sha256, safetyCopy: restored.safetyCopy });
    // The backup history is kept (those files still exist): the backup itself and the safety copy.
    expect(historyBefore).toEqual([]);
    expect((history as { file: string; trigger: string }[]).map((h) => [h.file, h.trigger])).toEqual([
      [taken.file, "cli"],
      [restored.safetyCopy, "pre-restore"],
    ]);

    // Issued reports: the same JSON and SHA-256, still intact and still append-only.
    const reports = server.$client.prepare("select id, content, sha256 from issued_reports order by id").all() as { content: string; sha256: string }[];
    expect(reports).toEqual(before.issued_reports.map((r) => ({ id: (r as { id: number }).id, content: (r as { content: string }).content, sha256: (r as { sha256: string }).sha256 })));
    for (const r of reports) expect(sha256(r.content)).toBe(r.sha256);
    expect(() => server.$client.prepare("delete from audit_log").run()).toThrow(/append-only/);
    expect(() => server.$client.prepare("update issued_reports set content = '{}'").run()).toThrow(/append-only/);

    // The safety copy holds the database as it was just before: the restore can be undone.
    const safety = openReadOnly(restored.safetyCopy!);
    expect(safety.prepare("select count(*) as n from incidents where id = ?").get(added)).toEqual({ n: 1 });
    expect(safety.prepare("select count(*) as n from issued_reports").get()).toEqual({ n: 2 });
    expect(safety.prepare("select count(*) as n from sessions").get()).toEqual({ n: 2 });
    safety.close();

    server.$client.close();
    db.$client.close();
  }, 30_000);

  it("restores into a place where the database was lost (no safety copy to take)", async () => {
    const { dbPath, dir, backups } = place();
    const db = await populated(dbPath, 30);
    const taken = await backupDatabase(dbPath, path.join(backups, "before-loss.db"), { actor, trigger: "cli" });
    db.$client.close();
    const target = path.join(dir, "new-disk", "kasuhara.db");
    const r = await restoreDatabase(taken.file, target, { actor, backupDir: backups });
    expect(r.safetyCopy).toBeNull();
    const restored = openReadOnly(target);
    expect(restored.prepare("select count(*) as n from incidents").get()).toEqual({ n: taken.counts.incidents });
    expect(restored.pragma("journal_mode", { simple: true })).toBe("wal");
    restored.close();
    expect(fs.readdirSync(path.dirname(target)).filter((f) => f.includes("restoring"))).toEqual([]);
  }, 30_000);

  it("migrates a backup of an older version while restoring it", async () => {
    const { dbPath, backups } = place();
    const db = await populated(dbPath, 50);
    const taken = await backupDatabase(dbPath, path.join(backups, "old.db"), { actor, trigger: "cli" });
    // Make the copy look like it was taken before 0022 (the search index written after an import): the index and its
    // triggers as 0021 made them, no backlog, and the records of 0022 and every later migration removed, with what the
    // later ones made (issue 20: the API tokens, the report schedules, the policy register, the headcounts; the
    // notifications rebuild runs again as it is).
    const journal = JSON.parse(fs.readFileSync(path.resolve("db/migrations/meta/_journal.json"), "utf8")) as { entries: { idx: number; when: number }[] };
    const since0022 = journal.entries.filter((e) => e.idx >= 22);
    const old = new Database(taken.file);
    old.exec("drop table if exists report_issuances; drop table if exists report_schedules; drop table if exists api_idempotency; drop table if exists api_tokens; drop table if exists policy_versions; drop table if exists headcounts;");
    old.exec(`drop trigger incidents_fts_insert; drop trigger incidents_fts_delete; drop trigger incidents_fts_update; drop table incidents_fts;
      drop table search_backlog;
      create virtual table incidents_fts using fts5(ref, summary, prevention, content='incidents', content_rowid='id', tokenize='trigram');
      create trigger incidents_fts_insert after insert on incidents begin
        insert into incidents_fts (rowid, ref, summary, prevention) values (new.id, new.ref, new.summary, new.prevention);
      end;
      create trigger incidents_fts_delete after delete on incidents begin
        insert into incidents_fts (incidents_fts, rowid, ref, summary, prevention) values ('delete', old.id, old.ref, old.summary, old.prevention);
      end;
      create trigger incidents_fts_update after update of ref, summary, prevention on incidents begin
        insert into incidents_fts (incidents_fts, rowid, ref, summary, prevention) values ('delete', old.id, old.ref, old.summary, old.prevention);
        insert into incidents_fts (rowid, ref, summary, prevention) values (new.id, new.ref, new.summary, new.prevention);
      end;
      insert into incidents_fts (incidents_fts) values ('rebuild');
      delete from __drizzle_migrations where created_at >= ${Math.min(...since0022.map((e) => e.when))}`);
    old.close();
    const verified = await verifyBackupFile(taken.file);
    expect(verified.pendingMigrations).toBe(since0022.length);
    const r = await restoreDatabase(taken.file, dbPath, { actor, backupDir: backups });
    expect(r.pendingMigrations).toBe(since0022.length);
    expect(db.$client.prepare("select count(*) as n from incidents").get()).toEqual({ n: taken.counts.incidents });
    expect((db.$client.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number }).n).toBe(taken.counts.__drizzle_migrations);
    // The migrated index finds what it held before, and passes its own check.
    const word = db.$client.prepare("select substr(summary, 1, 4) from incidents where length(summary) >= 4 limit 1").pluck().get() as string;
    const found = db.$client.prepare("select count(*) from incidents_fts where incidents_fts match ?").pluck().get(`"${word}"`) as number;
    expect(found).toBeGreaterThan(0);
    expect(found).toBe(db.$client.prepare("select count(*) from incidents where instr(lower(ref), lower(?)) or instr(lower(summary), lower(?)) or instr(lower(prevention), lower(?))").pluck().get(word, word, word));
    db.$client.prepare("insert into incidents_fts(incidents_fts, rank) values('integrity-check', 1)").run();
    db.$client.close();
  }, 30_000);
});

describe("copying into a live database", () => {
  it("waits for a writer that holds the database when the copy starts, instead of silently copying nothing", async () => {
    const { dbPath, dir } = place();
    const live = await populated(dbPath, 20);
    const other = path.join(dir, "other.db");
    const o = new Database(other);
    o.exec("create table t (x); insert into t values (1), (2), (3)");
    o.close();
    // better-sqlite3 resolves a backup whose first step met SQLITE_BUSY as done, with nothing copied.
    live.$client.exec("BEGIN IMMEDIATE");
    const copying = copyDatabaseInto(other, dbPath);
    await new Promise((r) => setTimeout(r, 300));
    expect(live.$client.prepare("select count(*) as n from incidents").get()).toEqual({ n: expect.any(Number) });
    live.$client.exec("COMMIT");
    await copying;
    expect(live.$client.prepare("select count(*) as n from t").get()).toEqual({ n: 3 });
    live.$client.close();
  }, 30_000);
});

describe("a consistent snapshot under concurrent writes", () => {
  it("copies exactly the snapshot it counted, whatever another connection commits meanwhile (same thread, between steps)", async () => {
    const { dbPath, backups } = place();
    const db = await populated(dbPath, 100);
    const other = new Database(dbPath);
    other.pragma("busy_timeout = 5000");
    const insert = other.prepare("insert into training_sessions (held_on, title, attendees, invited) values ('2026-11-01', ?, 1, 1)");
    let snapshot: TableCounts | undefined;
    let written = 0;
    let copying = true;
    // Between the backup's steps (one page each), another connection commits rows again and again.
    const writeAgain = () => {
      if (!copying) return;
      insert.run(`研修 ${written++}`);
      setImmediate(writeAgain);
    };
    const r = await backupDatabase(dbPath, path.join(backups, "snapshot.db"), {
      actor,
      trigger: "cli",
      pagesPerStep: 1,
      onSnapshot: (counts) => {
        snapshot = { ...counts };
        insert.run("スナップショットの直後");
        written++;
        setImmediate(writeAgain);
      },
    });
    copying = false;
    expect(written).toBeGreaterThan(10);
    expect(r.counts).toEqual(snapshot);
    const copy = openReadOnly(r.file);
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(countRows(copy)).toEqual(snapshot);
    expect(copy.prepare("select count(*) as n from training_sessions where title = 'スナップショットの直後'").get()).toEqual({ n: 0 });
    copy.close();
    const live = (other.prepare("select count(*) as n from training_sessions").get() as { n: number }).n;
    expect(live).toBe(snapshot!.training_sessions + written);
    other.close();
    db.$client.close();
  }, 30_000);

  it("stays consistent while a writer on another thread inserts rows in a loop", async () => {
    const { dbPath, backups } = place();
    const db = await populated(dbPath, 300);
    db.$client.close();
    // [0] stop flag, [1] rows written so far
    const shared = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(
      `const { parentPort, workerData } = require("node:worker_threads");
       const Database = require(workerData.driver);
       const db = new Database(workerData.file);
       db.pragma("busy_timeout = 5000");
       const insert = db.prepare("insert into training_sessions (held_on, title, attendees, invited) values ('2026-11-01', 'loop', 1, 1)");
       while (Atomics.load(workerData.shared, 0) === 0) { insert.run(); Atomics.add(workerData.shared, 1, 1); }
       db.close();
       parentPort.postMessage("done");`,
      { eval: true, workerData: { driver: createRequire(import.meta.url).resolve("better-sqlite3"), file: dbPath, shared } },
    );
    const finished = new Promise((resolve, reject) => {
      worker.on("message", resolve);
      worker.on("error", reject);
    });
    while (Atomics.load(shared, 1) < 200) await new Promise((r) => setTimeout(r, 5));
    let atSnapshot = 0;
    const r = await backupDatabase(dbPath, path.join(backups, "threaded.db"), {
      actor,
      trigger: "cli",
      pagesPerStep: 2,
      onSnapshot: () => (atSnapshot = Atomics.load(shared, 1)),
    });
    const atEnd = Atomics.load(shared, 1);
    Atomics.store(shared, 0, 1);
    await finished;
    // The writer kept committing during the copy; the copy has exactly the counted snapshot.
    expect(atEnd - atSnapshot).toBeGreaterThan(50);
    const copy = openReadOnly(r.file);
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(copy.pragma("foreign_key_check")).toEqual([]);
    expect(countRows(copy)).toEqual(r.counts);
    copy.close();
    const live = openReadOnly(dbPath);
    expect((live.prepare("select count(*) as n from training_sessions").get() as { n: number }).n).toBeGreaterThan(r.counts.training_sessions);
    live.close();
  }, 30_000);
});

describe("refusals leave everything as it was", () => {
  it("never writes over an existing file", async () => {
    const { dbPath, dir } = place();
    const db = await populated(dbPath, 20);
    const out = path.join(dir, "taken.db");
    fs.writeFileSync(out, "an earlier file");
    const before = dump(db.$client);
    const e = await refusal(backupDatabase(dbPath, out, { actor, trigger: "cli" }));
    expect(e.code).toBe("exists");
    expect(e.message).toContain("上書きはしません");
    expect(e.message).toContain("never overwritten");
    expect(fs.readFileSync(out, "utf8")).toBe("an earlier file");
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
    expect(dump(db.$client)).toEqual(before);
    db.$client.close();
  }, 30_000);

  it("records a backup that fails on the way, with its reason, and leaves no partial file", async () => {
    const { dbPath, backups } = place();
    const db = await populated(dbPath, 20);
    const out = path.join(backups, "failing.db");
    const e = await refusal(
      backupDatabase(dbPath, out, {
        actor,
        trigger: "web",
        onSnapshot: () => {
          throw new Error("disk full (simulated)");
        },
      }),
    );
    expect(e.code).toBe("copyFailed");
    expect(e.message).toContain("disk full (simulated)");
    expect(fs.readdirSync(backups)).toEqual([]);
    const [row] = listBackups(db);
    expect(row).toMatchObject({ status: "failed", file: out, trigger: "web", sha256: null });
    expect(row.message).toContain("disk full (simulated)");
    expect(db.$client.prepare("select action, target_id from audit_log order by id desc limit 1").get()).toEqual({
      action: "backup.failed",
      target_id: String(row.id),
    });
    db.$client.close();
  }, 30_000);

  it("refuses to back up a database that is not there, without creating it", async () => {
    const { dir } = place();
    const e = await refusal(backupDatabase(path.join(dir, "missing.db"), path.join(dir, "out.db"), { actor, trigger: "cli" }));
    expect(e.code).toBe("noDatabase");
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 30_000);

  it("refuses to restore a file that is not SQLite, a truncated or damaged copy, or a backup of a newer version", async () => {
    const { dbPath, dir, backups } = place();
    const db = await populated(dbPath, 200);
    const good = await backupDatabase(dbPath, path.join(dir, "good.db"), { actor, trigger: "cli" });
    const before = dump(db.$client);
    const bytes = fs.readFileSync(good.file);

    const text = path.join(dir, "notes.txt");
    fs.writeFileSync(text, "これはデータベースではありません\n".repeat(20));
    const truncated = path.join(dir, "truncated.db");
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const damaged = path.join(dir, "damaged.db");
    const scrambled = Buffer.from(bytes);
    // Garbage over the pages after the schema: the header still says SQLite, the b-trees do not hold.
    for (let i = 8 * 4096; i < 24 * 4096; i++) scrambled[i] = (i * 7919) & 0xff;
    fs.writeFileSync(damaged, scrambled);
    const newer = path.join(dir, "newer.db");
    fs.copyFileSync(good.file, newer);
    const unknown = path.join(dir, "unknown.db");
    fs.copyFileSync(good.file, unknown);
    for (const [file, createdAt] of [[newer, Date.now() + 86_400_000], [unknown, 1]] as const) {
      const c = new Database(file);
      c.prepare("insert into __drizzle_migrations (hash, created_at) values ('from another version', ?)").run(createdAt);
      c.close();
    }

    const cases: [string, string, RegExp][] = [
      [text, "notSqlite", /SQLite のデータベースファイルではありません/],
      [truncated, "corrupt", /壊れています/],
      [damaged, "corrupt", /壊れています/],
      [newer, "newerMigration", /新しい版で作られています.*アプリを更新してから復元してください/],
      [unknown, "unknownMigration", /知らないマイグレーション/],
      [path.join(dir, "nothing-here.db"), "notFound", /見つかりません/],
      [dbPath, "sameFile", /現在のデータベースそのもの/],
    ];
    for (const [file, code, message] of cases) {
      const e = await refusal(restoreDatabase(file, dbPath, { actor, backupDir: backups }));
      expect(e.code, file).toBe(code);
      expect(e.message, file).toMatch(message);
      expect(dump(db.$client), file).toEqual(before);
    }
    // No safety copy was even started: verification comes first.
    expect(fs.existsSync(backups)).toBe(false);
    db.$client.close();
  }, 30_000);

  it("prunes only the oldest auto-named backups", () => {
    const { dir } = place();
    const names = ["kasuhara-20260101-020000.db", "kasuhara-20260102-020000.db", "kasuhara-20260102-020000-2.db", "kasuhara-20260103-020000.db"];
    for (const f of [...names, "pre-restore-20250101-000000.db", "kasuhara-manual.db"]) fs.writeFileSync(path.join(dir, f), "");
    expect(pruneBackups(dir, 2).map((f) => path.basename(f))).toEqual(names.slice(0, 2));
    expect(fs.readdirSync(dir).sort()).toEqual(["kasuhara-20260102-020000-2.db", "kasuhara-20260103-020000.db", "kasuhara-manual.db", "pre-restore-20250101-000000.db"]);
    expect(path.basename(nextBackupFile(dir, "kasuhara", new Date("2026-01-03T17:00:00Z")))).toBe("kasuhara-20260104-020000.db");
    fs.writeFileSync(path.join(dir, "kasuhara-20260104-020000.db"), "");
    expect(path.basename(nextBackupFile(dir, "kasuhara", new Date("2026-01-03T17:00:00Z")))).toBe("kasuhara-20260104-020000-2.db");
  }, 30_000);
});

describe("npm run backup / npm run restore", () => {
  let dbPath: string;
  let backups: string;
  const env = (extra: Record<string, string> = {}) => ({ BACKUP_DIR: backups, ...extra });

  beforeAll(async () => {
    ({ dbPath, backups } = place());
    (await populated(dbPath, 100)).$client.close();
  });

  /** startCli with BACKUP_DIR set for the child. */
  async function run(script: string, args: string[], db = dbPath) {
    const saved = process.env.BACKUP_DIR;
    process.env.BACKUP_DIR = env().BACKUP_DIR;
    try {
      const cli = startCli(script, db, args);
      const { code } = await cli.exited;
      return { code, ...cli.output };
    } finally {
      if (saved === undefined) delete process.env.BACKUP_DIR;
      else process.env.BACKUP_DIR = saved;
    }
  }

  it("backs up into BACKUP_DIR, verifies, reports what it did, and keeps N", async () => {
    const first = await run("scripts/backup.ts", []);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("バックアップを作成し、検証しました");
    expect(first.stdout).toMatch(/kasuhara-\d{8}-\d{6}\.db/);
    expect(first.stdout).toMatch(/incidents\s+\d+/);
    const json = await run("scripts/backup.ts", ["--json", "--keep", "1"]);
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as { ok: boolean; file: string; bytes: number; sha256: string; counts: TableCounts; pruned: string[] };
    expect(result).toMatchObject({ ok: true, bytes: fs.statSync(result.file).size });
    expect(result.pruned).toHaveLength(1);
    expect(fs.readdirSync(backups)).toEqual([path.basename(result.file)]);
  }, 60_000);

  it("exits 2 for a wrong command line, a missing database or an existing output file", async () => {
    const existing = path.join(backups, "exists.db");
    fs.writeFileSync(existing, "keep");
    const cases: [string[], string, RegExp][] = [
      [["--out", existing], dbPath, /上書きはしません/],
      [[], path.join(backups, "no-such.db"), /データベースが見つかりません/],
      [["--keep", "0"], dbPath, /--keep/],
      [["--bogus"], dbPath, /usage: npm run backup/],
    ];
    for (const [args, db, message] of cases) {
      const r = await run("scripts/backup.ts", args, db);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(fs.readFileSync(existing, "utf8")).toBe("keep");
    expect(fs.existsSync(path.join(backups, "no-such.db"))).toBe(false);
    fs.rmSync(existing);
  }, 60_000);

  it("restores only when confirmed: exit 2 without a terminal or --yes, 1 for a bad file, 0 with --yes", async () => {
    const [file] = fs.readdirSync(backups).filter((f) => f.startsWith("kasuhara-"));
    const backup = path.join(backups, file);
    const db = new Database(dbPath);
    db.prepare("insert into training_sessions (held_on, title) values ('2026-11-20', 'バックアップ後の研修')").run();
    db.close();

    const refused = await run("scripts/restore.ts", [backup]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain("training_sessions");
    expect(refused.stdout).toMatch(/作成日時 \(taken at\):.*backups の記録/);
    expect(refused.stderr).toContain("--yes");
    expect(fs.readdirSync(backups).some((f) => f.startsWith("pre-restore-"))).toBe(false);

    const bad = path.join(backups, "bad.db");
    fs.writeFileSync(bad, "not a database");
    const badRun = await run("scripts/restore.ts", [bad, "--yes"]);
    expect(badRun.code).toBe(1);
    expect(badRun.stderr).toContain("SQLite のデータベースファイルではありません");
    fs.rmSync(bad);
    expect((await run("scripts/restore.ts", [])).code).toBe(2);
    expect((await run("scripts/restore.ts", [path.join(backups, "missing.db"), "--yes"])).code).toBe(2);

    const done = await run("scripts/restore.ts", [backup, "--yes"]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain("復元しました");
    expect(done.stdout).toMatch(/pre-restore-\d{8}-\d{6}\.db/);
    expect(done.stdout).toContain("サインインし直す");
    const after = new Database(dbPath, { readonly: true });
    expect(after.prepare("select count(*) as n from training_sessions where title = 'バックアップ後の研修'").get()).toEqual({ n: 0 });
    expect(after.prepare("select count(*) as n from audit_log where action = 'backup.restored'").get()).toEqual({ n: 1 });
    after.close();
  }, 90_000);

  // `script` gives the command a terminal, as when someone types it.
  it.skipIf(!fs.existsSync("/usr/bin/script"))("on a terminal, restores only after restore is typed", async () => {
    const backup = path.join(backups, fs.readdirSync(backups).find((f) => f.startsWith("kasuhara-"))!);
    const typed = async (answer: string) => {
      const command = `${process.execPath} --import tsx scripts/restore.ts ${backup}`;
      const child = spawn("/usr/bin/script", ["-qec", command, "/dev/null"], {
        cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."),
        env: { ...process.env, DATABASE_PATH: dbPath, BACKUP_DIR: backups },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        if (out.includes("restore と入力してください") && !child.stdin.writableEnded) child.stdin.end(`${answer}\n`);
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      return { code, out };
    };
    const safetyCopies = () => fs.readdirSync(backups).filter((f) => f.startsWith("pre-restore-")).length;
    const before = safetyCopies();
    const no = await typed("yes");
    expect(no.code).toBe(2);
    expect(no.out).toContain("中止しました");
    expect(safetyCopies()).toBe(before);
    const yes = await typed("restore");
    expect(yes.code, yes.out).toBe(0);
    expect(yes.out).toContain("復元しました");
    expect(safetyCopies()).toBe(before + 1);
  }, 60_000);
});
