/**
 * Taking a backup of the SQLite database (docs/decisions/0010-online-backup-and-restore.md), naming automatic ones
 * and pruning old ones. The restore is in restore.server.ts, the history in history.server.ts.
 *
 * SQLite's online backup API (better-sqlite3 `Database#backup`) copies the pages of one consistent snapshot while the
 * app keeps reading and writing, then the copy is verified (integrity_check, foreign_key_check, applied migrations
 * and the row count of every table equal to the snapshot's) and only then given its final name.
 *
 * Every attempt is recorded in `backups` together with its audit entry (one transaction).
 */
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { retryWhileBusy } from "../../../db/busy.server";
import * as schema from "../../../db/schema";
import { backups } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import { BackupError } from "./errors";
import { hasTable, snapshotFacts, type Inspection, type TableCounts } from "./facts.server";
import { countDifferences, inspectFile, sameMigrations, sha256OfFile } from "./inspection.server";
import { AUTO_NAME } from "./paths.server";

export type BackupTrigger = "cli" | "web" | "pre-restore";

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

export function removeQuietly(...files: string[]): void {
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
