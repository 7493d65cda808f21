/**
 * The integrity check of the server's database once it listens, on a worker thread (scripts/start.ts, started through
 * scripts/worker.mjs): quick_check reads the whole file, seconds per gigabyte, while the server keeps answering.
 */
import { parentPort, workerData } from "node:worker_threads";
import { quickCheckAnswer } from "../db/health.server";

const { file } = workerData as { file: string };
parentPort!.postMessage(quickCheckAnswer(file));
