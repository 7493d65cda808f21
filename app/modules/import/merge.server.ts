/**
 * The writer stage of an import (docs/decisions/0017): the staged rows (staging.server.ts) copied into the incidents
 * by a handful of INSERT … SELECT statements, inside the caller's write transaction. SQLite does the work natively,
 * in file order, so the indexes are written page by page rather than row by row from JavaScript.
 *
 * If another writer changed any incident while the file was being staged (the incidents' change mark moved), the
 * de-duplication is checked again first, in SQL: a row someone stored meanwhile is a duplicate (or, with `--update`,
 * a replacement) like any other. New incidents get the ids after the largest one so far, in file order.
 */
import type { Db } from "../../../db/client.server";
import { importBatchChanges } from "../../../db/schema";
import { IncidentWriter, diffFields } from "../incidents/mutations.server";
import { getIncident, toInput } from "../incidents/queries.server";
import { Action, incidentsMark, STAGED_VALUE_COLUMNS, type Staging } from "./staging.server";
import type { RowOutcomes } from "./result";
import type { ProgressMeter } from "./progress";

const MERGE_CACHE_KIB = 48 * 1024;
/**
 * The new incidents are copied this many staging rows (file records) at a time, each range with its codes, so that the
 * merge can say how far it is (docs/decisions/0020). Same rows, same ids, same transaction: only the progress differs.
 */
export const MERGE_CHUNK_ROWS = 20_000;
/** The share of the merge's time its codes take (about a third at 1,000,000 rows of two behaviours each). */
const CODES_SHARE = 0.35;

export interface MergeOptions {
  /** The import batch the new incidents belong to (null for the demo data). */
  batchId: string | null;
  update: boolean;
  today: string;
  /** Told when the de-duplication is checked again and after each chunk of rows stored. */
  meter?: ProgressMeter;
  /** Staging rows per chunk (MERGE_CHUNK_ROWS); Infinity copies them in one statement each, as before 0020 (tests, benchmarks). */
  chunkRows?: number;
}

/**
 * Copies the staged rows into the database. Call it inside a write transaction (BEGIN IMMEDIATE … COMMIT) on the
 * connection the staging file is attached to. `counts` (what staging decided) is corrected in place when rows turn
 * out to be duplicates after all.
 */
export function mergeStaged(db: Db, staging: Staging, counts: RowOutcomes, opts: MergeOptions): void {
  const sqlite = db.$client;
  // The indexes of the incidents and their codes are written where each row belongs: with more of them in the page
  // cache, fewer pages are read again (measured in docs/decisions/0017). Given back when the merge ends.
  const cacheSize = sqlite.pragma("main.cache_size", { simple: true }) as number;
  sqlite.pragma(`main.cache_size = -${MERGE_CACHE_KIB}`);
  try {
    merge(db, staging, counts, opts);
  } finally {
    sqlite.pragma(`main.cache_size = ${cacheSize}`);
    sqlite.pragma("shrink_memory");
  }
}

function merge(db: Db, staging: Staging, counts: RowOutcomes, opts: MergeOptions): void {
  const sqlite = db.$client;
  const meter = opts.meter;
  if (incidentsMark(db) !== staging.mark) {
    meter?.enter("checking");
    recheck(db, counts, opts.update);
    meter?.enter("storing", { rowsToStore: counts.imported + counts.updated });
  }

  // Departments and clients met for the first time, with the first spelling and attributes the file gave them. The
  // staged names are the master's already (commit.server.ts); a department an admin merged away while the file was
  // being checked is its merge target (merges are one step deep).
  sqlite.exec(`
    insert into main.departments (name, normalized_name, in_tokyo)
      select name, key, extra from staging.names where kind = 'd'
      on conflict do nothing;
    insert into main.clients (name, normalized_name, counterparty_type)
      select name, key, extra from staging.names where kind = 'c'
      on conflict do nothing;
  `);

  const base = sqlite
    .prepare(
      `select max(coalesce((select max(id) from main.incidents), 0),
                  coalesce((select seq from main.sqlite_sequence where name = 'incidents'), 0))`,
    )
    .pluck()
    .get() as number;
  const incidents = sqlite.prepare(
    `insert into main.incidents (id, ${STAGED_VALUE_COLUMNS.join(", ")}, department_id, client_id, batch_id)
       select :base + r.seq, ${STAGED_VALUE_COLUMNS.map((c) => `r.${c}`).join(", ")}, coalesce(d.merged_into_id, d.id), c.id, :batch
         from staging.rows r
         left join main.departments d on d.normalized_name = r.department_key
         left join main.clients c on c.normalized_name = r.client_key
        where r.seq > :from and r.seq <= :to and r.action = ${Action.Insert}
        order by r.seq`,
  );
  const codes = sqlite.prepare(
    `insert into main.incident_codes (incident_id, field, code, occurred_on)
       select :base + r.seq, substr(j.value, 1, instr(j.value, ':') - 1), substr(j.value, instr(j.value, ':') + 1), r.occurred_on
         from staging.rows r, json_each(r.codes) j
        where r.seq > :from and r.seq <= :to and r.action = ${Action.Insert} and r.codes <> '[]'
        order by r.seq`,
  );
  // By ranges of the staging rows' key (their record numbers): each range is a walk of the primary key.
  const [firstSeq, lastSeq] = sqlite.prepare("select coalesce(min(seq), 0), coalesce(max(seq), 0) from staging.rows").raw().get() as [number, number];
  // All the incidents first, then all their codes: interleaving the two by chunks made the two tables' indexes share
  // the page cache and cost the merge about a quarter more (`npm run bench -- import`, docs/decisions/0020). The bar
  // counts a row stored when its incident is in, and the codes as the rest of the work (CODES_SHARE of it).
  const chunk = opts.chunkRows ?? MERGE_CHUNK_ROWS;
  const ranges: { base: number; from: number; to: number }[] = [];
  for (let from = firstSeq - 1; from < lastSeq; from += chunk) ranges.push({ base, from, to: Math.min(from + chunk, lastSeq) });
  let stored = 0;
  for (const range of ranges) {
    stored += incidents.run({ ...range, batch: opts.batchId }).changes;
    meter?.storing(Math.floor(stored * (1 - CODES_SHARE)));
  }
  ranges.forEach((range, i) => {
    codes.run(range);
    const last = i === ranges.length - 1;
    meter?.storing(last ? stored : Math.floor(stored * (1 - CODES_SHARE + (CODES_SHARE * (i + 1)) / ranges.length)));
  });
  // The new incidents wait for the search index in search_backlog: indexed after the commit, outside this write lock
  // (search-index.server.ts, docs/decisions/0030). The demo's rows (no batch) were indexed by the insert trigger.
  if (opts.batchId && stored > 0) {
    sqlite.prepare("insert into main.search_backlog (last_id, indexed_to) select max(id), :base from main.incidents").run({ base });
  }

  // Replacements (`--update`): few, and each keeps the version it replaces so the batch can be undone.
  const updates = sqlite.prepare(`select seq, target from staging.rows where action = ${Action.Update} order by seq`).raw().all() as [number, number][];
  if (updates.length) {
    const writer = new IncidentWriter(db, { today: opts.today });
    for (const [seq, target] of updates) {
      const current = getIncident(db, target);
      if (!current) continue;
      const before = toInput(current);
      const input = staging.stagedInput(seq);
      if (diffFields(before, input).length === 0) continue;
      writer.update(target, input, before);
      if (opts.batchId) db.insert(importBatchChanges).values({ batchId: opts.batchId, incidentId: target, before: JSON.stringify(before) }).onConflictDoNothing().run();
      meter?.storing(++stored);
    }
  }
  meter?.storing(counts.imported + counts.updated);
}

/**
 * The de-duplication again, for what other writers stored while the file was staged: a new row whose ref is now taken
 * replaces that incident (`--update`) or is a duplicate; a new row without a ref whose fingerprint is now stored is a
 * duplicate; a replacement whose incident was deleted is new again.
 */
function recheck(db: Db, counts: RowOutcomes, update: boolean): void {
  const sqlite = db.$client;
  const revived = sqlite
    .prepare(
      `update staging.rows set action = ${Action.Insert}, target = null
        where action = ${Action.Update} and not exists (select 1 from main.incidents i where i.id = rows.target)`,
    )
    .run().changes;
  counts.updated -= revived;
  counts.imported += revived;

  const taken = sqlite
    .prepare(
      `select r.seq, i.id from staging.rows r join main.incidents i on i.ref = r.ref
        where r.action = ${Action.Insert} and r.ref is not null`,
    )
    .raw()
    .all() as [number, number][];
  const toUpdate = sqlite.prepare(`update staging.rows set action = ${Action.Update}, target = ? where seq = ?`);
  const drop = sqlite.prepare(`update staging.rows set action = ${Action.Dropped} where seq = ?`);
  for (const [seq, id] of taken) {
    counts.imported--;
    if (update) {
      toUpdate.run(id, seq);
      counts.updated++;
    } else {
      drop.run(seq);
      counts.duplicates++;
    }
  }

  const dropped = sqlite
    .prepare(
      `update staging.rows set action = ${Action.Dropped}
        where action = ${Action.Insert} and ref is null
          and exists (select 1 from main.incidents i indexed by incidents_fingerprint_idx where i.fingerprint = rows.fingerprint and i.ref is null)`,
    )
    .run().changes;
  counts.imported -= dropped;
  counts.duplicates += dropped;
}
