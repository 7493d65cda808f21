/**
 * Runs a script of scripts/ in a worker thread and resolves with the first message it posts: the import page's import
 * and the backup check run this way, so the server's own thread keeps answering while they take a core. The thread
 * starts in scripts/worker.mjs, which registers tsx (worker threads do not inherit the `--import tsx` of the server or
 * the CLI, and the server runs from one bundled file), found from the app's folder, where `npm run` and the server run.
 *
 * A worker may post reports before its answer (the import's progress, docs/decisions/0020): messages shaped
 * `{ type: "progress", … }` go to `onProgress` when one is given, and the answer is the first other message.
 */
import path from "node:path";
import { type ResourceLimits, Worker } from "node:worker_threads";

/** A report a worker posts before its answer. */
export interface ProgressMessage<P = unknown> {
  type: "progress";
  progress: P;
}

function isProgressMessage(m: unknown): m is ProgressMessage {
  return typeof m === "object" && m !== null && (m as { type?: unknown }).type === "progress";
}

export function runScriptWorker<T, P = unknown>(
  script: `${string}.ts`,
  workerData: unknown,
  resourceLimits?: ResourceLimits,
  onProgress?: (progress: P) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.resolve(process.cwd(), "scripts/worker.mjs"), { workerData, argv: [script], resourceLimits });
    let answered = false;
    const onMessage = (message: unknown) => {
      if (answered) return;
      if (onProgress && isProgressMessage(message)) {
        try {
          onProgress(message.progress as P);
        } catch (e) {
          // A listener's fault must not lose the import's answer.
          console.error(`progress of the worker ${script}:`, e);
        }
        return;
      }
      answered = true;
      worker.off("message", onMessage);
      resolve(message as T);
    };
    worker.on("message", onMessage);
    worker.once("error", (e) => {
      answered = true;
      reject(e);
    });
    worker.once("exit", (code) => {
      if (!answered) reject(new Error(`the worker ${script} stopped (exit ${code}) without an answer`));
    });
  });
}
