/**
 * The search index's backlog (docs/decisions/0030): the incidents an import stored are indexed for the text search
 * after its commit, not inside its write lock. Each step indexes up to SEARCH_STEP_ROWS of them in a short write transaction
 * of its own, so that form saves and other writers get the lock between steps. Whoever runs an import calls
 * catchUpSearchIndex after it (scripts/import.ts, scripts/import-worker.ts); the server also does at start, for a
 * backlog an interrupted run left.
 */
import type { Db } from "../../../db/client.server";
import { beginImmediate } from "../../../db/busy.server";

/** Incidents indexed per step: about 0.2 s of the write lock each, 0.5 s at most, on the benchmark machine (`npm run bench -- import`). */
export const SEARCH_STEP_ROWS = 10_000;

/** Whether some stored incidents are not in the search index yet (the list says so beside a text search). */
export function searchIndexBehind(db: Db): boolean {
  return db.$client.prepare("select exists (select 1 from search_backlog)").pluck().get() === 1;
}

export interface CatchUp {
  /** Incidents indexed (those deleted while they waited are skipped, not counted). */
  indexed: number;
  steps: number;
  /** The longest time a step held the write lock. */
  longestStepMs: number;
}

/**
 * Indexes the backlog, step by step, until there is none, yielding to the event loop between steps. Each step re-reads
 * the backlog inside its transaction, so two processes catching up at once never index a row twice.
 */
export async function catchUpSearchIndex(db: Db, opts: { stepRows?: number } = {}): Promise<CatchUp> {
  const sqlite = db.$client;
  const stepRows = opts.stepRows ?? SEARCH_STEP_ROWS;
  const next = sqlite.prepare("select last_id as lastId, indexed_to as indexedTo from search_backlog order by last_id limit 1");
  // The rows as they are now: an edit made while they waited is indexed, a deleted one is not there to index.
  const index = sqlite.prepare(
    `insert into incidents_fts (rowid, ref, summary, prevention)
       select id, ref, summary, prevention from incidents where id > ? and id <= ? order by id`,
  );
  const advance = sqlite.prepare("update search_backlog set indexed_to = ? where last_id = ?");
  const done = sqlite.prepare("delete from search_backlog where last_id = ?");
  const result: CatchUp = { indexed: 0, steps: 0, longestStepMs: 0 };
  for (;;) {
    await beginImmediate(sqlite);
    const started = performance.now();
    try {
      const row = next.get() as { lastId: number; indexedTo: number } | undefined;
      if (!row) {
        sqlite.exec("COMMIT");
        return result;
      }
      const to = Math.min(row.indexedTo + stepRows, row.lastId);
      result.indexed += index.run(row.indexedTo, to).changes;
      if (to >= row.lastId) done.run(row.lastId);
      else advance.run(to, row.lastId);
      sqlite.exec("COMMIT");
      result.steps++;
      result.longestStepMs = Math.max(result.longestStepMs, performance.now() - started);
    } finally {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
