/**
 * Runs a script of scripts/ in a worker thread and resolves with the first message it posts: the import page's import
 * and the backup check run this way, so the server's own thread keeps answering while they take a core. The thread
 * starts in scripts/worker.mjs, which registers tsx (worker threads do not inherit the `--import tsx` of the server or
 * the CLI, and the server runs from one bundled file), found from the app's folder, where `npm run` and the server run.
 */
import path from "node:path";
import { type ResourceLimits, Worker } from "node:worker_threads";

export function runScriptWorker<T>(script: `${string}.ts`, workerData: unknown, resourceLimits?: ResourceLimits): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.resolve(process.cwd(), "scripts/worker.mjs"), { workerData, argv: [script], resourceLimits });
    let answered = false;
    worker.once("message", (answer: T) => {
      answered = true;
      resolve(answer);
    });
    worker.once("error", (e) => {
      answered = true;
      reject(e);
    });
    worker.once("exit", (code) => {
      if (!answered) reject(new Error(`the worker ${script} stopped (exit ${code}) without an answer`));
    });
  });
}
