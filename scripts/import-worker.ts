/**
 * One import, in a worker thread of the server (app/modules/import/worker.server.ts): reads the file, validates and
 * writes on a connection of its own, and posts the result or the error back. The server's own thread stays free to
 * answer the other users meanwhile.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../db/client.server";
import { DatabaseBusyError } from "../db/busy.server";
import { importFile, UnusableFile, type ImportOptions } from "../app/modules/import/commit.server";
import type { WorkerAnswer } from "../app/modules/import/worker.server";

const { file, options } = workerData as { file: string; options: ImportOptions };

async function run(): Promise<WorkerAnswer> {
  const db = openDatabase();
  try {
    return { ok: true, result: await importFile(db, file, options) };
  } catch (e) {
    if (e instanceof UnusableFile) return { ok: false, error: { kind: "unusable", reason: e.reason, detail: e.detail, partial: e.partial } };
    if (e instanceof DatabaseBusyError) return { ok: false, error: { kind: "busy", waitedMs: e.waitedMs } };
    return { ok: false, error: { kind: "other", message: e instanceof Error ? (e.stack ?? e.message) : String(e) } };
  } finally {
    db.$client.close();
  }
}

parentPort!.postMessage(await run());
