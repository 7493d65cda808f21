/**
 * Restoring a backup (docs/decisions/0010-online-backup-and-restore.md): the backup is verified, the current
 * database is first backed up (the safety copy), and the backup is copied INTO the live database file with SQLite's
 * backup API, so a running server's connection reads the restored rows.
 */
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { desc } from "drizzle-orm";
import { migrationsFolder, openDatabase, type Db } from "../../../db/client.server";
import { compareMigrations } from "../../../db/health.server";
import * as schema from "../../../db/schema";
import { backups, type Backup } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import { backupDatabase, nextBackupFile, removeQuietly } from "./backup.server";
import { BackupError } from "./errors";
import { countRows, hasTable, maxGeneration, type TableCounts } from "./facts.server";
import { inspectFile, sha256OfFile } from "./inspection.server";
import { backupDir } from "./paths.server";

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
