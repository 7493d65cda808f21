/**
 * What a database file holds: each table's row count, the migrations applied and the largest analytics generation.
 * Read both by the backup on its own connection (the snapshot it copies) and by the check of the copy on a worker
 * thread (scripts/backup-inspect-worker.ts), so the two are compared with the same queries.
 */
import type Database from "better-sqlite3";

/** Rows per table, by table name. */
export type TableCounts = Record<string, number>;

export interface Migration {
  hash: string;
  createdAt: number;
}

export interface Inspection {
  counts: TableCounts;
  migrations: Migration[];
  /** Largest analytics_months.generation (0 when none). */
  maxGeneration: number;
}

/** The queries that describe a database. */
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

export function hasTable(db: Database.Database, name: string): boolean {
  return !!db.prepare(SQL.hasTable).get(name);
}

export function appliedMigrations(db: Database.Database): Migration[] | null {
  if (!hasTable(db, "__drizzle_migrations")) return null;
  return (db.prepare(SQL.migrations).all() as Migration[]).map((m) => ({ hash: m.hash, createdAt: Number(m.createdAt) }));
}

export function maxGeneration(db: Database.Database): number {
  return hasTable(db, "analytics_months") ? (db.prepare(SQL.maxGeneration).get() as { g: number }).g : 0;
}

/** The facts of one snapshot, read on a connection that is inside a read transaction (or nobody else writes). */
export function snapshotFacts(db: Database.Database): Inspection {
  return { counts: countRows(db), migrations: appliedMigrations(db) ?? [], maxGeneration: maxGeneration(db) };
}
