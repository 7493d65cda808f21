/**
 * One import, in a worker thread of the server (app/modules/import/worker.server.ts): reads the file, validates and
 * writes on a connection of its own, and posts the result or the error back. The server's own thread stays free to
 * answer the other users meanwhile.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type Db, openDatabase } from "../db/client.server";
import { catchUpSearchIndex } from "../app/modules/incidents/search-index.server";
import { DatabaseBusyError } from "../db/busy.server";
import { importFile, UnusableFile, type ImportOptions } from "../app/modules/import/commit.server";
import { throttleProgress } from "../app/modules/import/progress";
import { WORKER_PROGRESS_PER_SECOND, type WorkerAnswer } from "../app/modules/import/worker.server";
import type { ProgressMessage } from "../app/modules/worker-thread.server";

const { file, options, progress } = workerData as { file: string; options: ImportOptions; progress?: boolean };

/** Progress reports go to the server as `{ type: "progress" }` messages before the answer (docs/decisions/0020). */
const onProgress = progress
  ? throttleProgress((p) => parentPort!.postMessage({ type: "progress", progress: p } satisfies ProgressMessage), 1000 / WORKER_PROGRESS_PER_SECOND)
  : undefined;

async function run(db: Db): Promise<WorkerAnswer> {
  try {
    return { ok: true, result: await importFile(db, file, { ...options, onProgress }) };
  } catch (e) {
    if (e instanceof UnusableFile) return { ok: false, error: { kind: "unusable", reason: e.reason, detail: e.detail, partial: e.partial } };
    if (e instanceof DatabaseBusyError) return { ok: false, error: { kind: "busy", waitedMs: e.waitedMs } };
    return { ok: false, error: { kind: "other", message: e instanceof Error ? (e.stack ?? e.message) : String(e) } };
  }
}

const db = openDatabase();
try {
  const answer = await run(db);
  parentPort!.postMessage(answer);
  // The answer is out and the user sees the result; the new incidents are then indexed for the text search here, off
  // the server's thread, in short write transactions (docs/decisions/0030). Left undone, the next start does it.
  if (answer.ok && answer.result.committed) await catchUpSearchIndex(db).catch((e) => console.error("indexing the import for search failed:", e));
} finally {
  db.$client.close();
}
