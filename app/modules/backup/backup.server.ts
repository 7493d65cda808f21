/**
 * Online backups and restore of the SQLite database (docs/decisions/0010-online-backup-and-restore.md).
 *
 * Backup: SQLite's online backup API (better-sqlite3 `Database#backup`) copies the pages of one consistent snapshot
 * while the app keeps reading and writing, then the copy is verified (integrity_check, foreign_key_check, applied
 * migrations and the row count of every table equal to the snapshot's) and only then given its final name.
 * Restore: the backup is verified, the current database is first backed up (the safety copy), and the backup is
 * copied INTO the live database file with the same API, so a running server's connection reads the restored rows.
 *
 * Every attempt is recorded in `backups` together with its audit entry (one transaction).
 */
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { desc, eq } from "drizzle-orm";
import { retryWhileBusy } from "../../../db/busy.server";
import { databasePath as appDatabasePath, migrationsFolder, openDatabase, type Db } from "../../../db/client.server";
import { compareMigrations } from "../../../db/health.server";
import * as schema from "../../../db/schema";
import { backups, type Backup } from "../../../db/schema";
import { translate, type MessageKey, type Params } from "../../i18n";
import { audit, type Actor } from "../auth/audit.server";

export type BackupTrigger = "cli" | "web" | "pre-restore";
/** Rows per table, by table name. */
export type TableCounts = Record<string, number>;

export const DEFAULT_BACKUP_DIR = "data/backups";
/** Names of backups taken without --out; `--keep N` prunes only these. */
export const AUTO_NAME = /^kasuhara-\d{8}-\d{6}(-\d+)?\.db$/;

/** The live database's absolute path (the backup names it in its messages and refuses to restore it onto itself). */
export function databasePath(): string {
  return path.resolve(appDatabasePath());
}

export function backupDir(): string {
  return path.resolve(process.env.BACKUP_DIR || DEFAULT_BACKUP_DIR);
}

/**
 * The backup folder, and what an operator types in a crontab to reach the same database and folder as this server:
 * the app's folder, the folder relative to it when inside it, and the environment this server was given.
 */
export function backupFolderInfo(): { folder: string; folderArg: string; cwd: string; env: string } {
  const folder = backupDir();
  const cwd = process.cwd();
  const rel = path.relative(cwd, folder);
  const quote = (v: string) => (/^[\w@+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`);
  const env = (["DATABASE_PATH", "BACKUP_DIR"] as const)
    .filter((k) => process.env[k])
    .map((k) => `${k}=${quote(process.env[k]!)} `)
    .join("");
  const folderArg = rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? folder : rel;
  return { folder, folderArg: quote(folderArg), cwd: quote(cwd), env };
}

export type BackupErrorCode =
  | "noDatabase"
  | "exists"
  | "copyFailed"
  | "notFound"
  | "notSqlite"
  | "corrupt"
  | "foreignKeys"
  | "notApp"
  | "newerMigration"
  | "unknownMigration"
  | "mismatch"
  | "safetyFailed"
  | "sameFile"
  | "busy";

/** A refusal or failure with what to do about it, in Japanese and English (the CLI prints both, the page one). */
export class BackupError extends Error {
  readonly key: MessageKey;
  constructor(
    readonly code: BackupErrorCode,
    readonly params: Params = {},
    options?: { cause?: unknown },
  ) {
    const key = `backups.error.${code}` as MessageKey;
    super(`${translate("ja", key, params)} (${translate("en", key, params)})`, options);
    this.name = "BackupError";
    this.key = key;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Inspecting a database file

interface Migration {
  hash: string;
  createdAt: number;
}

interface Inspection {
  counts: TableCounts;
  migrations: Migration[];
  /** Largest analytics_months.generation (0 when none). */
  maxGeneration: number;
}

/** The queries that describe a database, shared by the snapshot (this thread) and the verification (a worker). */
const SQL = {
  tables: "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name",
  hasTable: "select 1 from sqlite_master where type = 'table' and name = ?",
  migrations: "select hash, created_at as createdAt from __drizzle_migrations order by created_at, rowid",
  maxGeneration: "select coalesce(max(generation), 0) as g from analytics_months",
};

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function countRows(db: Database.Database): TableCounts {
  const counts: TableCounts = {};
  for (const { name } of db.prepare(SQL.tables).all() as { name: string }[]) {
    counts[name] = (db.prepare(`select count(*) as n from ${quoteIdent(name)}`).get() as { n: number }).n;
  }
  return counts;
}

function hasTable(db: Database.Database, name: string): boolean {
  return !!db.prepare(SQL.hasTable).get(name);
}

function appliedMigrations(db: Database.Database): Migration[] | null {
  if (!hasTable(db, "__drizzle_migrations")) return null;
  return (db.prepare(SQL.migrations).all() as Migration[]).map((m) => ({ hash: m.hash, createdAt: Number(m.createdAt) }));
}

function maxGeneration(db: Database.Database): number {
  return hasTable(db, "analytics_months") ? (db.prepare(SQL.maxGeneration).get() as { g: number }).g : 0;
}

/** The facts of one snapshot, read on a connection that is inside a read transaction (or nobody else writes). */
function snapshotFacts(db: Database.Database): Inspection {
  return { counts: countRows(db), migrations: appliedMigrations(db) ?? [], maxGeneration: maxGeneration(db) };
}

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

function looksLikeSqlite(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(100);
    const n = fs.readSync(fd, head, 0, 100, 0);
    return n === 100 && head.subarray(0, 16).equals(SQLITE_MAGIC);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The check of a copy, run on a worker thread: integrity_check reads every page (about 3.6 s for 300 MB here), which
 * on the server's thread would stop every request for that long. Plain JavaScript, because the server runs from one
 * bundled file; the queries are the SQL above, handed over as workerData.
 */
const INSPECT_WORKER = `
const { parentPort, workerData: w } = require("node:worker_threads");
const Database = require(w.driver);
let db;
try {
  db = new Database(w.file, { readonly: true, fileMustExist: true });
  const integrity = db.prepare("pragma integrity_check").all().map((r) => r.integrity_check);
  if (integrity.length !== 1 || integrity[0] !== "ok") {
    parentPort.postMessage({ ok: false, code: "corrupt", detail: integrity.slice(0, 3).join("; ") });
  } else {
    const fk = db.prepare("pragma foreign_key_check").all();
    if (fk.length > 0) {
      parentPort.postMessage({ ok: false, code: "foreignKeys", n: fk.length, table: fk[0].table });
    } else {
      const has = (name) => !!db.prepare(w.sql.hasTable).get(name);
      const counts = {};
      for (const { name } of db.prepare(w.sql.tables).all()) {
        counts[name] = db.prepare('select count(*) as n from "' + name.replace(/"/g, '""') + '"').get().n;
      }
      const migrations = has("__drizzle_migrations")
        ? db.prepare(w.sql.migrations).all().map((m) => ({ hash: m.hash, createdAt: Number(m.createdAt) }))
        : null;
      const maxGeneration = has("analytics_months") ? db.prepare(w.sql.maxGeneration).get().g : 0;
      parentPort.postMessage({ ok: true, counts, migrations, maxGeneration });
    }
  }
} catch (e) {
  parentPort.postMessage({ ok: false, code: "corrupt", detail: String(e && e.message) });
} finally {
  if (db) db.close();
}
`;

type WorkerAnswer =
  | { ok: true; counts: TableCounts; migrations: Migration[] | null; maxGeneration: number }
  | { ok: false; code: "corrupt"; detail: string }
  | { ok: false; code: "foreignKeys"; n: number; table: string };

/**
 * Opens a copy read-only and checks it page by page: integrity_check must answer exactly "ok" and foreign_key_check
 * nothing. Any SQLite error on the way (not a database, malformed image) is reported as corruption.
 */
async function inspectFile(file: string): Promise<Inspection & { hasMigrations: boolean }> {
  if (!looksLikeSqlite(file)) throw new BackupError("notSqlite", { file });
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
    const worker = new Worker(INSPECT_WORKER, { eval: true, workerData: { driver, file, sql: SQL } });
    worker.once("message", (m: WorkerAnswer) => resolve(m));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the verification worker stopped (${code})`)));
  }).catch((e: Error): WorkerAnswer => ({ ok: false, code: "corrupt", detail: e.message }));
  if (!answer.ok) {
    if (answer.code === "foreignKeys") throw new BackupError("foreignKeys", { file, n: answer.n, table: answer.table });
    throw new BackupError("corrupt", { file, detail: answer.detail });
  }
  return { counts: answer.counts, migrations: answer.migrations ?? [], maxGeneration: answer.maxGeneration, hasMigrations: answer.migrations !== null };
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function sameMigrations(a: Migration[], b: Migration[]): boolean {
  return a.length === b.length && a.every((m, i) => m.hash === b[i].hash && m.createdAt === b[i].createdAt);
}

/** Tables whose counts differ, as "table: expected → actual". */
function countDifferences(expected: TableCounts, actual: TableCounts): string[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names.filter((n) => expected[n] !== actual[n]).map((n) => `${n}: ${expected[n] ?? "-"} → ${actual[n] ?? "-"}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Backup

export interface BackupOptions {
  actor: Actor;
  trigger: BackupTrigger;
  /** Pages copied per step of the backup API; the event loop runs between steps. Small values are for tests. */
  pagesPerStep?: number;
  /** Called once the snapshot is fixed and counted, before its pages are copied (tests write concurrently here). */
  onSnapshot?: (counts: TableCounts) => void;
}

export interface BackupResult {
  /** Id of the `backups` row (null when the database predates that table). */
  id: number | null;
  file: string;
  bytes: number;
  sha256: string;
  counts: TableCounts;
  startedAt: string;
  finishedAt: string;
  ms: number;
}

/** Opens the source on a connection of its own, never creating a file that is not there. */
function openSource(sourcePath: string): Database.Database {
  if (!fs.existsSync(sourcePath)) throw new BackupError("noDatabase", { file: sourcePath });
  const db = new Database(sourcePath, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  db.pragma("foreign_keys = ON");
  return db;
}

/**
 * Writes the `backups` row and its audit entry in one transaction; skipped on a database without the table. In the
 * server this runs beside requests, so a held write lock is waited for between event-loop turns, not inside SQLite.
 */
async function record(
  source: Database.Database,
  row: Omit<typeof backups.$inferInsert, "id" | "userId" | "userName" | "trigger">,
  opts: BackupOptions,
): Promise<number | null> {
  if (!hasTable(source, "backups")) return null;
  const db = drizzle(source, { schema });
  source.pragma("busy_timeout = 0");
  const write = () =>
    db.transaction((tx) => {
      const { id } = tx
        .insert(backups)
        .values({ ...row, trigger: opts.trigger, userId: opts.actor.userId, userName: opts.actor.name })
        .returning({ id: backups.id })
        .get();
      const ok = row.status === "ok";
      audit(tx, opts.actor, ok ? "backup.created" : "backup.failed", { type: "backup", id }, {
        file: row.file,
        trigger: opts.trigger,
        ...(ok ? { bytes: row.bytes, sha256: row.sha256 } : { reason: row.message }),
      });
      return id;
    });
  return retryWhileBusy(write);
}

function removeQuietly(...files: string[]): void {
  for (const f of files) fs.rmSync(f, { force: true });
}

/**
 * Takes a verified copy of `sourcePath` into `outFile` (never overwriting it).
 *
 * Why the counts can be compared: the source connection opens a read transaction (`BEGIN` + the counting selects)
 * and the backup API then runs on that same connection. sqlite3_backup_step uses a read transaction that is already
 * open instead of starting its own, so every page it copies comes from the snapshot that was counted; in WAL mode
 * other connections keep writing meanwhile (into the WAL, beyond our snapshot) and — unlike a backup without the
 * held transaction, which restarts whenever another connection commits and under steady writes never finishes —
 * the copy is neither restarted nor mixed. test/backup.test.ts proves it with a writer on another thread.
 */
export async function backupDatabase(sourcePath: string, outFile: string, opts: BackupOptions): Promise<BackupResult> {
  const source = path.resolve(sourcePath);
  const out = path.resolve(outFile);
  const partial = `${out}.partial`;
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  if (fs.existsSync(out)) throw new BackupError("exists", { file: out });
  const src = openSource(source);
  let claimed = false;
  let linked = false;
  try {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    // Claim the partial name exclusively: two backups to the same file cannot interleave.
    try {
      fs.closeSync(fs.openSync(partial, "wx"));
      claimed = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new BackupError("exists", { file: partial });
      throw e;
    }
    let snapshot: Inspection;
    try {
      src.exec("BEGIN");
      snapshot = snapshotFacts(src); // the selects start the read transaction: this is the snapshot copied below
      opts.onSnapshot?.(snapshot.counts);
      const step = Math.max(1, opts.pagesPerStep ?? 1000);
      await src.backup(partial, { progress: () => step });
    } catch (e) {
      throw new BackupError("copyFailed", { detail: (e as Error).message }, { cause: e });
    } finally {
      if (src.inTransaction) src.exec("COMMIT");
    }

    // The copy inherits the source's WAL flag; a backup should be one self-contained file that opens read-only
    // anywhere without creating -wal/-shm beside it, so it is switched to a rollback journal (header bytes only).
    const copy = new Database(partial, { fileMustExist: true });
    try {
      copy.pragma("journal_mode = DELETE");
    } finally {
      copy.close();
    }
    removeQuietly(`${partial}-wal`, `${partial}-shm`);

    const found = await inspectFile(partial);
    const diff = countDifferences(snapshot.counts, found.counts);
    if (diff.length > 0) throw new BackupError("mismatch", { detail: diff.slice(0, 5).join(", ") });
    if (!sameMigrations(snapshot.migrations, found.migrations)) throw new BackupError("mismatch", { detail: "__drizzle_migrations" });

    const sha256 = await sha256OfFile(partial);
    const bytes = fs.statSync(partial).size;
    // link() refuses an existing name, so a file that appeared at `out` meanwhile is never replaced.
    try {
      fs.linkSync(partial, out);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new BackupError("exists", { file: out });
      throw e;
    }
    removeQuietly(partial);
    linked = true;
    const finishedAt = new Date().toISOString();
    const id = await record(
      src,
      { startedAt, finishedAt, file: out, bytes, sha256, status: "ok", message: null, counts: JSON.stringify(snapshot.counts) },
      opts,
    );
    return { id, file: out, bytes, sha256, counts: snapshot.counts, startedAt, finishedAt, ms: Date.now() - started };
  } catch (e) {
    // Once the verified copy has its name it is a good backup, even if recording it failed.
    if (linked) throw e;
    if (claimed) removeQuietly(partial, `${partial}-wal`, `${partial}-shm`);
    const error = e instanceof BackupError ? e : new BackupError("copyFailed", { detail: (e as Error).message }, { cause: e });
    // A refusal before anything was attempted (the name is taken) is not a backup; everything else is recorded.
    if (claimed) {
      try {
        await record(src, { startedAt, finishedAt: new Date().toISOString(), file: out, status: "failed", message: error.message }, opts);
      } catch {
        /* the failure itself is what the caller must see */
      }
    }
    throw error;
  } finally {
    src.close();
  }
}

/** `kasuhara-YYYYMMDD-HHmmss.db` (Tokyo time) in `dir`, with -2, -3… when that second is taken. */
export function nextBackupFile(dir: string, prefix = "kasuhara", now: Date = new Date()): string {
  const stamp = tokyoStamp(now);
  for (let n = 1; ; n++) {
    const file = path.join(dir, `${prefix}-${stamp}${n === 1 ? "" : `-${n}`}.db`);
    if (!fs.existsSync(file) && !fs.existsSync(`${file}.partial`)) return file;
  }
}

function tokyoStamp(now: Date): string {
  const t = new Date(now.getTime() + 9 * 3_600_000).toISOString(); // Tokyo has no daylight saving time
  return `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}-${t.slice(11, 13)}${t.slice(14, 16)}${t.slice(17, 19)}`;
}

/** Deletes the oldest auto-named backups in `dir` beyond the newest `keep`; returns the deleted paths. */
export function pruneBackups(dir: string, keep: number): string[] {
  if (!fs.existsSync(dir)) return [];
  const names = fs
    .readdirSync(dir)
    .filter((n) => AUTO_NAME.test(n))
    .sort((a, b) => {
      // kasuhara-YYYYMMDD-HHmmss[-n].db: by time, then by the same-second counter.
      const [ta, na] = [a.slice(9, 24), Number(/-(\d+)\.db$/.exec(a.slice(24))?.[1] ?? 1)];
      const [tb, nb] = [b.slice(9, 24), Number(/-(\d+)\.db$/.exec(b.slice(24))?.[1] ?? 1)];
      return ta === tb ? na - nb : ta < tb ? -1 : 1;
    });
  const doomed = names.slice(0, Math.max(0, names.length - keep)).map((n) => path.join(dir, n));
  for (const f of doomed) fs.rmSync(f, { force: true });
  return doomed;
}

// ---------------------------------------------------------------------------------------------------------------
// Verifying a backup before a restore

export interface VerifiedBackup {
  file: string;
  bytes: number;
  sha256: string;
  /** When the file was last written (its mtime), ISO. */
  modifiedAt: string;
  counts: TableCounts;
  /** Migrations this app has that the backup lacks: applied when it is restored. */
  pendingMigrations: number;
  maxGeneration: number;
}

/**
 * Checks that a file can be restored by this app: a SQLite file, intact, with consistent foreign keys, a database
 * of this app (drizzle's migrations table) and no migration this app does not know (a backup of a newer version).
 */
export async function verifyBackupFile(file: string): Promise<VerifiedBackup> {
  const abs = path.resolve(file);
  const stat = fs.statSync(abs, { throwIfNoEntry: false });
  if (!stat || !stat.isFile()) throw new BackupError("notFound", { file: abs });
  const found = await inspectFile(abs);
  if (!found.hasMigrations) throw new BackupError("notApp", { file: abs });
  const { newer, unknown, pending } = compareMigrations(found.migrations.map((m) => m.createdAt), migrationsFolder());
  if (newer > 0) throw new BackupError("newerMigration", { file: abs, n: newer });
  if (unknown > 0) throw new BackupError("unknownMigration", { file: abs, n: unknown });
  return {
    file: abs,
    bytes: stat.size,
    sha256: await sha256OfFile(abs),
    modifiedAt: stat.mtime.toISOString(),
    counts: found.counts,
    pendingMigrations: pending,
    maxGeneration: found.maxGeneration,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Restore

/**
 * Added to the generations on restore. The pre-restore maximum is read just before the copy; a running server or an
 * import may still commit in between, each incident moving its month's generation by one. No month moves by this
 * much in that moment, so every generation after the restore differs from any a running server has cached.
 */
const GENERATION_HEADROOM = 1_000_000;
/** How long a restore waits for writers on the live database to let go. */
const RESTORE_WAIT_MS = 30_000;

export interface RestoreOptions {
  actor: Actor;
  /** Where the safety copy of the current database goes (default: BACKUP_DIR). */
  backupDir?: string;
}

export interface RestoreResult {
  file: string;
  sha256: string;
  /** The safety copy of the database as it was before (null when there was no database). */
  safetyCopy: string | null;
  counts: TableCounts;
  generation: number;
  pendingMigrations: number;
}

/** A row of `backups` as the pre-restore database knew it, to keep the history of files that still exist. */
type BackupRow = Omit<Backup, "id">;

function readBackupHistory(file: string): BackupRow[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (!hasTable(db, "backups")) return [];
    return (drizzle(db, { schema }) as unknown as Db)
      .select()
      .from(backups)
      .orderBy(backups.id)
      .all()
      .map(({ id: _id, ...row }) => row);
  } finally {
    db.close();
  }
}

function liveMaxGeneration(target: string): number {
  const db = new Database(target, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    return maxGeneration(db);
  } finally {
    db.close();
  }
}

/**
 * Copies `from` into the (possibly live) database at `target` with the backup API in one step. The destination
 * connection is better-sqlite3's own, without a busy timeout: when a writer holds the database at the first step,
 * SQLite answers BUSY and better-sqlite3 resolves with totalPages 0 having copied nothing — so that is retried.
 */
export async function copyDatabaseInto(from: string, target: string): Promise<void> {
  const src = new Database(from, { readonly: true, fileMustExist: true });
  try {
    const deadline = Date.now() + RESTORE_WAIT_MS;
    for (;;) {
      const progress = await src.backup(target, { progress: () => 0x7fffffff });
      if (progress.totalPages > 0) return;
      if (Date.now() > deadline) throw new BackupError("busy", { file: target });
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    src.close();
  }
}

/**
 * Restores a backup into the database at `targetPath`, whether or not a server has it open.
 *
 * 1. The backup is verified (verifyBackupFile).
 * 2. The current database is backed up as `pre-restore-YYYYMMDD-HHmmss.db`, so a mistaken restore can be undone.
 * 3. The backup is prepared in a staging copy: openDatabase migrates it, then ONE transaction deletes every session
 *    (a restored session table would revive signed-out sessions), raises every month's analytics generation above
 *    anything the live database or the backup had (so every running server's cube reloads every month), keeps the
 *    backup history of the database being replaced (those files still exist) and appends the `backup.restored` entry.
 * 4. The staging copy is copied INTO the live file with the backup API: one commit, so no connection ever sees the
 *    restored rows without those changes, and open connections see the restored rows at their next read.
 */
export async function restoreDatabase(backupFile: string, targetPath: string, opts: RestoreOptions): Promise<RestoreResult> {
  const target = path.resolve(targetPath);
  if (path.resolve(backupFile) === target) throw new BackupError("sameFile", { file: target });
  const verified = await verifyBackupFile(backupFile);
  const hasTarget = fs.existsSync(target);

  let safetyCopy: string | null = null;
  let history: BackupRow[] = [];
  if (hasTarget) {
    try {
      const safety = await backupDatabase(target, nextBackupFile(opts.backupDir ?? backupDir(), "pre-restore"), {
        actor: opts.actor,
        trigger: "pre-restore",
      });
      safetyCopy = safety.file;
    } catch (e) {
      throw new BackupError("safetyFailed", { detail: (e as Error).message }, { cause: e });
    }
    history = readBackupHistory(target);
  } else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
  }

  const staging = path.join(path.dirname(target), `.${path.basename(target)}.restoring-${process.pid}-${Date.now()}`);
  const stagingFiles = [staging, `${staging}-wal`, `${staging}-shm`, `${staging}-journal`];
  try {
    // Through SQLite rather than a file copy: a backup file that still has a -wal beside it is read whole.
    const from = new Database(verified.file, { readonly: true, fileMustExist: true });
    try {
      await from.backup(staging);
    } finally {
      from.close();
    }
    const generation = Math.max(hasTarget ? liveMaxGeneration(target) : 0, verified.maxGeneration) + GENERATION_HEADROOM;
    const staged = openDatabase(staging); // migrates a backup of an older version
    let marker: { id: number; at: string };
    try {
      marker = staged.transaction((tx) => {
        tx.delete(schema.sessions).run();
        tx.update(schema.analyticsMonths).set({ generation }).run();
        const kept = new Set(tx.select({ file: backups.file, at: backups.startedAt }).from(backups).all().map((b) => `${b.at}\n${b.file}`));
        for (const row of history) if (!kept.has(`${row.startedAt}\n${row.file}`)) tx.insert(backups).values(row).run();
        audit(tx, opts.actor, "backup.restored", { type: "backup" }, {
          file: verified.file,
          sha256: verified.sha256,
          safetyCopy,
          migrated: verified.pendingMigrations,
        });
        return tx
          .select({ id: schema.auditLog.id, at: schema.auditLog.at })
          .from(schema.auditLog)
          .orderBy(desc(schema.auditLog.id))
          .limit(1)
          .get()!;
      });
      staged.$client.pragma("journal_mode = DELETE");
    } finally {
      staged.$client.close();
    }
    const counts = (() => {
      const db = new Database(staging, { readonly: true, fileMustExist: true });
      try {
        return countRows(db);
      } finally {
        db.close();
      }
    })();

    await copyDatabaseInto(staging, target);

    // The live file must now hold the staged database: its restore entry is there.
    const check = new Database(target, { fileMustExist: true });
    try {
      check.pragma("busy_timeout = 5000");
      // A new file took the staging copy's rollback journal; the app runs in WAL (a live file keeps its WAL mode).
      if (!hasTarget) check.pragma("journal_mode = WAL");
      const row = check.prepare("select at from audit_log where id = ? and action = 'backup.restored'").get(marker.id) as { at: string } | undefined;
      if (row?.at !== marker.at) throw new BackupError("busy", { file: target });
    } finally {
      check.close();
    }
    return { file: verified.file, sha256: verified.sha256, safetyCopy, counts, generation, pendingMigrations: verified.pendingMigrations };
  } finally {
    removeQuietly(...stagingFiles);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// For the admin page and the CLI

export interface BackupListItem extends Omit<Backup, "counts"> {
  counts: TableCounts | null;
}

function parseCounts(text: string | null): TableCounts | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as TableCounts;
  } catch {
    return null;
  }
}

export function listBackups(db: Db, limit = 20): BackupListItem[] {
  return db
    .select()
    .from(backups)
    .orderBy(desc(backups.id))
    .limit(limit)
    .all()
    .map((b) => ({ ...b, counts: parseCounts(b.counts) }));
}

/** The newest backup that was verified, whatever failed after it. */
export function lastVerifiedBackup(db: Db): Pick<Backup, "startedAt" | "file"> | null {
  return (
    db
      .select({ startedAt: backups.startedAt, file: backups.file })
      .from(backups)
      .where(eq(backups.status, "ok"))
      .orderBy(desc(backups.id))
      .limit(1)
      .get() ?? null
  );
}

/** When a backup file was taken, from the history of a database (matched by SHA-256), if it is there. */
export function findBackupBySha(dbFile: string, sha256: string): Backup | null {
  if (!fs.existsSync(dbFile)) return null;
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    if (!hasTable(db, "backups")) return null;
    return (
      (db
        .prepare(
          `select id, started_at as startedAt, finished_at as finishedAt, file, bytes, sha256, status, message, counts, "trigger",
                  user_id as userId, user_name as userName
             from backups where sha256 = ? and status = 'ok' order by id desc limit 1`,
        )
        .get(sha256) as Backup | undefined) ?? null
    );
  } finally {
    db.close();
  }
}

/** Row counts of a database file as it is now (for the CLI's before/after table). */
export function countFile(file: string): TableCounts | null {
  if (!fs.existsSync(file)) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    return countRows(db);
  } finally {
    db.close();
  }
}
