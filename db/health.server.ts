/**
 * Is the database file fit to be opened? Checked by `npm start` before anything else touches the file, and by every
 * command through openDatabase (the schema's version): a corrupt file, a file written by a newer version of the app or
 * a file another process keeps locked is refused with what to do, never with a stack trace.
 */
import Database from "better-sqlite3";
import { readMigrationFiles } from "drizzle-orm/migrator";
import fs from "node:fs";

export type ProblemKind = "notDatabase" | "corrupt" | "newerSchema" | "locked";

/** Why the database cannot be used, in Japanese and English, with the next step for whoever runs the app. */
export class DatabaseProblem extends Error {
  constructor(
    public readonly kind: ProblemKind,
    public readonly file: string,
    public readonly ja: string,
    public readonly en: string,
    /** What SQLite reported, for whoever investigates. */
    public readonly detail: string = "",
  ) {
    super(`${ja}\n${en}${detail ? `\n${detail}` : ""}`);
    this.name = "DatabaseProblem";
  }
}

const RESTORE_HINT_JA = "最新のバックアップから復元してください: npm run restore -- バックアップファイル(既定の保存先 data/backups)。";
const RESTORE_HINT_EN = "restore the latest backup: npm run restore -- BACKUP_FILE (backups are kept in data/backups by default).";

function corrupt(file: string, detail: string): DatabaseProblem {
  return new DatabaseProblem(
    "corrupt",
    file,
    `データベース ${file} が破損しているため使用できません。元のファイルは消さずに保管し、${RESTORE_HINT_JA}`,
    `The database ${file} is damaged; the app will not use it. Keep the damaged file, and ${RESTORE_HINT_EN}`,
    detail,
  );
}

function locked(file: string): DatabaseProblem {
  return new DatabaseProblem(
    "locked",
    file,
    `データベース ${file} は別のプロセスがロックしています。同じデータベースを排他モードで開いているプログラム(sqlite3 コマンドなど)を終了してから、もう一度実行してください。`,
    `The database ${file} is locked by another process. Close the program holding it exclusively (an sqlite3 shell, for instance) and try again.`,
  );
}

/**
 * What a SQLite error met while opening or checking `file` means for the person running the app, or null when it is
 * not a problem of the file itself.
 */
export function problemOf(e: unknown, file: string): DatabaseProblem | null {
  if (e instanceof DatabaseProblem) return e;
  if (!(e instanceof Database.SqliteError)) return null;
  if (e.code === "SQLITE_NOTADB") {
    return new DatabaseProblem(
      "notDatabase",
      file,
      `${file} は SQLite データベースではないか、先頭部分が壊れています。DATABASE_PATH の指定を確認し、正しければ${RESTORE_HINT_JA}`,
      `${file} is not a SQLite database, or its header is damaged. Check DATABASE_PATH; if it is right, ${RESTORE_HINT_EN}`,
      e.message,
    );
  }
  if (e.code.startsWith("SQLITE_CORRUPT")) return corrupt(file, e.message);
  if (e.code.startsWith("SQLITE_BUSY")) return locked(file);
  return null;
}

/**
 * The applied migrations (their `created_at`, drizzle's folderMillis) compared with this app's migration files: how
 * many are newer than its latest, how many it does not know at all, and how many of its own are not applied yet.
 * Opening (below) and restoring a backup (backup.server.ts) both judge a database by it.
 */
export function compareMigrations(
  appliedAt: number[],
  migrationsFolder: string,
): { known: number; newer: number; unknown: number; pending: number } {
  const known = new Set(readMigrationFiles({ migrationsFolder }).map((m) => m.folderMillis));
  const latest = Math.max(0, ...known);
  const applied = new Set(appliedAt);
  return {
    known: known.size,
    newer: appliedAt.filter((at) => at > latest).length,
    unknown: appliedAt.filter((at) => !known.has(at)).length,
    pending: [...known].filter((at) => !applied.has(at)).length,
  };
}

/**
 * Refuses a database migrated by a newer version of the app: this version would run on tables it does not know
 * (drizzle's migrator would silently do nothing). A database without the migrations table is new.
 */
export function assertSchemaNotNewer(sqlite: Database.Database, migrationsFolder: string, file: string): void {
  const hasTable = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  if (!hasTable) return;
  const appliedAt = (sqlite.prepare("select created_at from __drizzle_migrations").pluck().all() as (number | string)[]).map(Number);
  const { known, newer } = compareMigrations(appliedAt, migrationsFolder);
  if (newer > 0 || appliedAt.length > known) {
    throw new DatabaseProblem(
      "newerSchema",
      file,
      `データベース ${file} は、このアプリより新しいバージョンで更新されています(適用済みの変更 ${appliedAt.length} 件、このアプリが知っているのは ${known} 件まで)。新しいバージョンのアプリで起動するか、このバージョンで取ったバックアップから復元してください。`,
      `The database ${file} was upgraded by a newer version of the app (${appliedAt.length} migrations applied; this version knows ${known}). Run the newer version, or restore a backup taken with this version.`,
    );
  }
}

/**
 * `PRAGMA quick_check` on an existing file, before the app opens it for writing. Seconds per gigabyte (3 s warm,
 * about 35 s from a cold disk at 1,000,000 incidents, 1.5 GB). Returns the time it took.
 */
export function quickCheck(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const started = performance.now();
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file, { fileMustExist: true });
    sqlite.pragma("busy_timeout = 5000");
    const rows = sqlite.pragma("quick_check(5)", { simple: false }) as { quick_check: string }[];
    const lines = rows.map((r) => r.quick_check);
    if (lines.length !== 1 || lines[0] !== "ok") throw corrupt(file, lines.join("\n"));
  } catch (e) {
    throw problemOf(e, file) ?? e;
  } finally {
    sqlite?.close();
  }
  return performance.now() - started;
}
