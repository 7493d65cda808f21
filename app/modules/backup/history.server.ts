/**
 * The history of backups, for the admin page and the CLIs: the `backups` rows of the live database, the last
 * verified backup, a backup file's entry found by its SHA-256 in a database's history, and a file's row counts.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import { desc, eq } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { backups, type Backup } from "../../../db/schema";
import { countRows, hasTable, type TableCounts } from "./facts.server";

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
