/**
 * The check of a backup copy, on a worker thread of the server or the CLI (app/modules/backup/inspection.server.ts):
 * integrity_check and foreign_key_check read the whole file, then the same facts the backup's snapshot was read with.
 * Any SQLite error on the way (not a database, malformed image) comes back as corruption, never as a throw.
 */
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { appliedMigrations, countRows, maxGeneration } from "../app/modules/backup/facts.server";
import type { WorkerAnswer } from "../app/modules/backup/inspection.server";

const { file } = workerData as { file: string };

function inspect(): WorkerAnswer {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const integrity = (db.prepare("pragma integrity_check").all() as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (integrity.length !== 1 || integrity[0] !== "ok") return { ok: false, code: "corrupt", detail: integrity.slice(0, 3).join("; ") };
    const fk = db.prepare("pragma foreign_key_check").all() as { table: string }[];
    if (fk.length > 0) return { ok: false, code: "foreignKeys", n: fk.length, table: fk[0].table };
    return { ok: true, counts: countRows(db), migrations: appliedMigrations(db), maxGeneration: maxGeneration(db) };
  } catch (e) {
    return { ok: false, code: "corrupt", detail: String(e && (e as Error).message) };
  } finally {
    db?.close();
  }
}

parentPort!.postMessage(inspect());
