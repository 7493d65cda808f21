/**
 * Opening the database: pragmas, migrations and the rows every database must have (settings, measures register).
 * The app uses one connection per process (`getDb()`); tests open their own in memory with `openDatabase(":memory:")`.
 */
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import fs from "node:fs";
import path from "node:path";
import * as schema from "./schema";
import { MEASURES } from "../app/modules/incidents/taxonomy";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** A connection or a transaction on it: what query and write helpers accept. */
export type Conn = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

export const DEFAULT_DATABASE_PATH = "data/kasuhara.db";

/** Migrations live in db/migrations under the project root; the server bundle runs from build/, so use cwd. */
function migrationsFolder(): string {
  return process.env.MIGRATIONS_DIR ?? path.resolve(process.cwd(), "db/migrations");
}

export function openDatabase(file: string = process.env.DATABASE_PATH ?? DEFAULT_DATABASE_PATH): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets the dashboard read while an import writes; the busy timeout makes a writer wait instead of failing.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: migrationsFolder() });
  ensureReferenceRows(db);
  return db;
}

/** The settings row and one register row per measure code, so later code never has to handle their absence. */
function ensureReferenceRows(db: Db): void {
  db.transaction((tx) => {
    tx.insert(schema.settings).values({ id: 1 }).onConflictDoNothing().run();
    for (const m of MEASURES) {
      tx.insert(schema.measures).values({ code: m.code }).onConflictDoNothing().run();
    }
  });
}

let shared: Db | undefined;

/** The process-wide connection of the app, opened (and migrated) on first use. */
export function getDb(): Db {
  if (!shared) shared = openDatabase();
  return shared;
}
