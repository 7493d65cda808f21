/**
 * Is the database file fit to be opened? Checked by `npm start` before anything else touches the file, and by every
 * command through openDatabase (the schema's version): a corrupt file, a file written by a newer version of the app or
 * a file another process keeps locked is refused with what to do, never with a stack trace.
 */
import Database from "better-sqlite3";
import { readMigrationFiles } from "drizzle-orm/migrator";
import fs from "node:fs";
import { translate, type Params } from "../app/i18n";
import { AppError } from "../app/modules/errors";

export type ProblemKind = "notDatabase" | "corrupt" | "newerSchema" | "locked";

/**
 * Why the database cannot be used, with the next step for whoever runs the app (503): a message like any AppError's,
 * which `npm start` prints in Japanese and in English.
 */
export class DatabaseProblem extends AppError {
  constructor(
    public readonly kind: ProblemKind,
    public readonly file: string,
    /** What SQLite reported, for whoever investigates. */
    public readonly detail: string = "",
    params: Params = {},
  ) {
    const key = `error.database.${kind}` as const;
    super(503, key, { params: { file, ...params } });
    this.name = "DatabaseProblem";
    this.message = [this.ja, this.en, detail].filter(Boolean).join("\n");
  }

  get ja(): string {
    return translate("ja", this.userMessage, this.params);
  }

  get en(): string {
    return translate("en", this.userMessage, this.params);
  }
}

/**
 * What a SQLite error met while opening or checking `file` means for the person running the app, or null when it is
 * not a problem of the file itself.
 */
export function problemOf(e: unknown, file: string): DatabaseProblem | null {
  if (e instanceof DatabaseProblem) return e;
  if (!(e instanceof Database.SqliteError)) return null;
  if (e.code === "SQLITE_NOTADB") {
    return new DatabaseProblem("notDatabase", file, e.message);
  }
  if (e.code.startsWith("SQLITE_CORRUPT")) return new DatabaseProblem("corrupt", file, e.message);
  if (e.code.startsWith("SQLITE_BUSY")) return new DatabaseProblem("locked", file);
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
    throw new DatabaseProblem("newerSchema", file, "", { applied: appliedAt.length, known });
  }
}

/**
 * `PRAGMA quick_check` on an existing file. Seconds per gigabyte (3–9 s warm, about 35 s from a cold disk at 1,000,000
 * incidents, 1.5 GB): `npm start` runs it before opening a file it is about to migrate, and otherwise on a worker
 * thread once it listens (quickCheckAnswer). Returns the time it took.
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
    if (lines.length !== 1 || lines[0] !== "ok") throw new DatabaseProblem("corrupt", file, lines.join("\n"));
  } catch (e) {
    throw problemOf(e, file) ?? e;
  } finally {
    sqlite?.close();
  }
  return performance.now() - started;
}

/** What the check on a worker thread answers (scripts/quick-check-worker.ts): the time it took, or the problem. */
export type QuickCheckAnswer = { ok: true; ms: number } | { ok: false; kind: ProblemKind | null; detail: string };

/** quickCheck as a message a worker thread can post: nothing is thrown. */
export function quickCheckAnswer(file: string): QuickCheckAnswer {
  try {
    return { ok: true, ms: quickCheck(file) };
  } catch (e) {
    const problem = problemOf(e, file);
    return problem ? { ok: false, kind: problem.kind, detail: problem.detail } : { ok: false, kind: null, detail: String((e as Error)?.message ?? e) };
  }
}

/**
 * Whether opening `file` would migrate it: it has migrations this version has not applied (a first start after an
 * upgrade), or none at all. A migration writes, so `npm start` checks such a file before opening it. A missing file
 * is new: nothing to check.
 */
export function needsMigration(file: string, migrationsFolder: string): boolean {
  if (!fs.existsSync(file)) return false;
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
    const hasTable = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
    if (!hasTable) return true;
    const appliedAt = (sqlite.prepare("select created_at from __drizzle_migrations").pluck().all() as (number | string)[]).map(Number);
    return compareMigrations(appliedAt, migrationsFolder).pending > 0;
  } catch (e) {
    throw problemOf(e, file) ?? e;
  } finally {
    sqlite?.close();
  }
}
