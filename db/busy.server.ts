/**
 * Waiting for SQLite's single write lock without stopping the server (docs/decisions/0009).
 *
 * better-sqlite3 is synchronous: with a busy timeout, a writer that finds the lock taken sleeps inside SQLite and the
 * whole process — every other request, and an import running in the same process — sleeps with it. The server's
 * connection therefore has no busy timeout: SQLITE_BUSY comes back at once, and the code here waits for the lock
 * between event-loop turns, then runs the work again from the start. Work retried this way must be safe to repeat up
 * to its first write: a transaction that met SQLITE_BUSY has been rolled back, so nothing of it was stored.
 */
import Database from "better-sqlite3";

/**
 * How long a request waits for the write lock before it gives up with a "busy" page: long enough for the largest web
 * import (50 MB) to finish. WRITE_WAIT_SECONDS overrides it.
 */
export const WRITE_WAIT_MS = (() => {
  const seconds = Number(process.env.WRITE_WAIT_SECONDS ?? 120);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 120_000;
})();

export function isBusy(e: unknown): boolean {
  return e instanceof Database.SqliteError && e.code.startsWith("SQLITE_BUSY");
}

/** The lock stayed taken for the whole wait: shown to the user as 「混み合っています」 (503), never as a crash. */
export class DatabaseBusyError extends Error {
  readonly status = 503;
  constructor(public readonly waitedMs: number) {
    super(`the database stayed locked by another writer for ${Math.round(waitedMs / 1000)} s`);
    this.name = "DatabaseBusyError";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 5 ms, doubling to 100 ms, with jitter so that waiting writers do not all retry in the same turn. */
function backoff(attempt: number): number {
  const base = Math.min(100, 5 * 2 ** attempt);
  return base / 2 + Math.random() * base;
}

/**
 * Runs `work`; while it fails with SQLITE_BUSY, waits (without blocking the event loop) and runs it again, up to
 * `waitMs`. Any other error is thrown as it is.
 */
export async function retryWhileBusy<T>(work: () => T | Promise<T>, waitMs: number = WRITE_WAIT_MS): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (!isBusy(e)) throw e;
      const waited = Date.now() - started;
      if (waited >= waitMs) throw new DatabaseBusyError(waited);
    }
    await sleep(backoff(attempt));
  }
}

/**
 * Best-effort writes (a session's last-seen time, removing an expired session): skipped, not waited for, while
 * another writer holds the lock. Returns whether the write ran.
 */
export function unlessBusy(write: () => void): boolean {
  try {
    write();
    return true;
  } catch (e) {
    if (isBusy(e)) return false;
    throw e;
  }
}

/**
 * `BEGIN IMMEDIATE` on `sqlite`, waiting for the lock between event-loop turns instead of inside SQLite. Used by the
 * import, whose transaction then stays open across the file's asynchronous reads.
 */
export async function beginImmediate(sqlite: Database.Database, waitMs: number = WRITE_WAIT_MS): Promise<void> {
  const timeout = sqlite.pragma("busy_timeout", { simple: true }) as number;
  sqlite.pragma("busy_timeout = 0");
  try {
    await retryWhileBusy(() => sqlite.exec("BEGIN IMMEDIATE"), waitMs);
  } finally {
    sqlite.pragma(`busy_timeout = ${timeout}`);
  }
}
