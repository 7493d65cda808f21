/**
 * Checks a database file before it is trusted as a backup or restored: that it is SQLite, intact page by page, with
 * consistent foreign keys, and what it holds. The page-by-page check runs on a worker thread
 * (scripts/backup-inspect-worker.ts): integrity_check reads every page (about 3.6 s for 300 MB here), which on the
 * server's thread would stop every request for that long.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { runScriptWorker } from "../worker-thread.server";
import { BackupError } from "./errors";
import type { Inspection, Migration, TableCounts } from "./facts.server";

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

/** What the worker posts back: the facts, or why the file is not a usable database. */
export type WorkerAnswer =
  | { ok: true; counts: TableCounts; migrations: Migration[] | null; maxGeneration: number }
  | { ok: false; code: "corrupt"; detail: string }
  | { ok: false; code: "foreignKeys"; n: number; table: string };

/**
 * Opens a copy read-only and checks it page by page: integrity_check must answer exactly "ok" and foreign_key_check
 * nothing. Any SQLite error on the way (not a database, malformed image) is reported as corruption.
 */
export async function inspectFile(file: string): Promise<Inspection & { hasMigrations: boolean }> {
  if (!looksLikeSqlite(file)) throw new BackupError("notSqlite", { file });
  const answer = await runScriptWorker<WorkerAnswer>("backup-inspect-worker.ts", { file }).catch(
    (e: Error): WorkerAnswer => ({ ok: false, code: "corrupt", detail: e.message }),
  );
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

export function sameMigrations(a: Migration[], b: Migration[]): boolean {
  return a.length === b.length && a.every((m, i) => m.hash === b[i].hash && m.createdAt === b[i].createdAt);
}

/** Tables whose counts differ, as "table: expected → actual". */
export function countDifferences(expected: TableCounts, actual: TableCounts): string[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names.filter((n) => expected[n] !== actual[n]).map((n) => `${n}: ${expected[n] ?? "-"} → ${actual[n] ?? "-"}`);
}
