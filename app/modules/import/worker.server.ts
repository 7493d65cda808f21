/**
 * The import page runs each import in a worker thread (docs/decisions/0009). Parsing and validating 200,000 rows is
 * minutes of CPU; on the server's own thread it would share one core with every page of every user. In a worker it
 * takes the other core, the pages stay fast, and the write lock is held for as short a time as the file allows.
 *
 * The worker (scripts/import-worker.ts) calls the same `importFile` as the command line, on its own connection; its
 * errors come back as data and are thrown here as the classes the page already handles.
 */
import type { Message } from "~/i18n";
import { DatabaseBusyError } from "../../../db/busy.server";
import { runScriptWorker } from "../worker-thread.server";
import { IMPORT_WORKER_LIMITS } from "./memory";
import { type ImportOptions, type ImportResult, UnusableFile } from "./commit.server";
import type { ImportProgress, OnImportProgress } from "./progress";

/** The worker posts at most this many progress reports a second (and every change of stage). */
export const WORKER_PROGRESS_PER_SECOND = 5;

/** What the worker posts back: the result, or its error as plain data. */
export type WorkerAnswer =
  | { ok: true; result: ImportResult }
  | {
      ok: false;
      error:
        | { kind: "unusable"; reason: UnusableFile["reason"]; detail: Message; partial?: Partial<ImportResult> }
        | { kind: "busy"; waitedMs: number }
        | { kind: "other"; message: string };
    };

/** Options a worker can take: everything but the progress callback (a function does not cross threads: reports come as messages). */
export type WorkerImportOptions = Omit<ImportOptions, "onProgress">;

/** `onProgress`: the worker's progress reports (progress.ts), before the result; none are asked of it without one. */
export async function importInWorker(file: string, options: WorkerImportOptions, onProgress?: OnImportProgress): Promise<ImportResult> {
  const answer = await runScriptWorker<WorkerAnswer, ImportProgress>(
    "import-worker.ts",
    { file, options, progress: onProgress !== undefined },
    IMPORT_WORKER_LIMITS,
    onProgress,
  );
  if (answer.ok) return answer.result;
  const e = answer.error;
  if (e.kind === "unusable") throw new UnusableFile(e.reason, e.detail, e.partial);
  if (e.kind === "busy") throw new DatabaseBusyError(e.waitedMs);
  throw new Error(`the import worker failed: ${e.message}`);
}
