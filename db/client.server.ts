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
import { assertSchemaNotNewer, problemOf } from "./health.server";
import { applyDataFixes } from "./data-fixes.server";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** A connection or a transaction on it: what query and write helpers accept. */
export type Conn = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

export const DEFAULT_DATABASE_PATH = "data/kasuhara.db";

/** The database file the app and every command use: DATABASE_PATH, or data/kasuhara.db under the working folder. */
export function databasePath(): string {
  return process.env.DATABASE_PATH ?? DEFAULT_DATABASE_PATH;
}

/** Migrations live in db/migrations under the project root; the server bundle runs from build/, so use cwd. */
export function migrationsFolder(): string {
  return process.env.MIGRATIONS_DIR ?? path.resolve(process.cwd(), "db/migrations");
}

/**
 * Opens (creating and migrating when needed) the database at `file`. A file SQLite cannot read, one migrated by a newer
 * version of the app or one locked by another process throws a DatabaseProblem (db/health.server.ts) that says what to do.
 */
export function openDatabase(file: string = databasePath()): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file);
    // The busy timeout makes a command wait for another writer instead of failing; the server turns it off and waits
    // between event-loop turns instead (getDb, db/busy.server.ts).
    sqlite.pragma("busy_timeout = 5000");
    // WAL lets the dashboard read while an import writes. FULL syncs the WAL at every commit: an acknowledged incident
    // survives a power cut, not only a crash of the process (docs/decisions/0009).
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = FULL");
    const db = drizzle(sqlite, { schema }) as Db;
    assertSchemaNotNewer(sqlite, migrationsFolder(), file);
    migrateWithForeignKeysOff(sqlite, db);
    sqlite.pragma("foreign_keys = ON");
    ensureReferenceRows(db);
    applyDataFixes(sqlite);
    return db;
  } catch (e) {
    sqlite?.close();
    throw problemOf(e, file) ?? e;
  }
}

/**
 * Runs the pending migrations with foreign keys off, as SQLite's procedure for changing a table asks (a rebuilt table,
 * such as 0013's, is dropped and replaced; with foreign keys on, the drop would delete every row pointing at it), then
 * checks every foreign key. The migrator commits on its own, so a broken key cannot be undone here: it stops the
 * opening with the facts (the migration tests make sure none does).
 */
function migrateWithForeignKeysOff(sqlite: Database.Database, db: Db): void {
  // The pragma cannot change inside a transaction: it is set before the migrator opens its own.
  sqlite.pragma("foreign_keys = OFF");
  migrate(db, { migrationsFolder: migrationsFolder() });
  const broken = sqlite.pragma("foreign_key_check") as { table: string; parent: string }[];
  if (broken.length) throw new Error(`after the migrations, ${broken.length} rows of ${broken[0].table} point at missing ${broken[0].parent} rows`);
}

/** The settings row and one register row per measure code, so later code never has to handle their absence. */
function ensureReferenceRows(db: Db): void {
  // Read first: a database that has them (every one after its first start) is not written to, so opening it does not
  // wait for the write lock another process may hold (an import).
  const present = db.$client
    .prepare("select (select count(*) from settings where id = 1) + (select count(*) from measures) as n")
    .get() as { n: number };
  if (present.n === 1 + MEASURES.length) return;
  db.transaction((tx) => {
    tx.insert(schema.settings).values({ id: 1 }).onConflictDoNothing().run();
    for (const m of MEASURES) {
      tx.insert(schema.measures).values({ code: m.code }).onConflictDoNothing().run();
    }
  });
}

let shared: Db | undefined;

/**
 * The process-wide connection of the app, opened (and migrated) on first use. It has no busy timeout: a write that meets
 * another writer's lock fails at once with SQLITE_BUSY and the request waits between event-loop turns (every loader
 * and action is wrapped in scripts/server.ts, with db/busy.server.ts), so the server keeps answering while an import
 * holds the lock.
 */
export function getDb(): Db {
  if (!shared) {
    shared = openDatabase();
    shared.$client.pragma("busy_timeout = 0");
  }
  return shared;
}
