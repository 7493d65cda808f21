/** Import batches: the history of what was imported, and undoing one batch as a whole. */
import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { importBatchChanges, importBatches, incidents } from "../../../db/schema";
import { AppError } from "../errors";
import { audit, type Actor } from "../auth/audit.server";
import { todayInTokyo } from "../incidents/dates";
import { IncidentWriter } from "../incidents/mutations.server";
import { getIncident, toInput } from "../incidents/queries.server";
import type { IncidentInput } from "../incidents/schema";

export type Batch = typeof importBatches.$inferSelect & { stored: number };

function batches(db: Db) {
  return db
    .select({
      batch: importBatches,
      // Spelled out: drizzle leaves columns unqualified in a one-table query, and a bare "id" would bind to incidents.id.
      stored: sql<number>`(select count(*) from "incidents" as i where i."batch_id" = "import_batches"."id")`,
    })
    .from(importBatches)
    .$dynamic();
}

const withStored = (r: { batch: typeof importBatches.$inferSelect; stored: number }): Batch => ({ ...r.batch, stored: r.stored });

/** The newest batches first, with how many of their incidents are still stored. */
export function listBatches(db: Db, limit = 100): Batch[] {
  return batches(db).orderBy(desc(importBatches.createdAt)).limit(limit).all().map(withStored);
}

export function getBatch(db: Db, id: string): Batch | null {
  const r = batches(db).where(eq(importBatches.id, id)).get();
  return r ? withStored(r) : null;
}

/**
 * Undoes a batch in one transaction: the incidents it added are deleted, the ones it replaced (`--update`) get their
 * earlier version back. Returns how many of each.
 */
export function undoBatch(db: Db, id: string, actor?: Actor): { deleted: number; restored: number } {
  return db.transaction((tx) => {
    const batch = tx.select().from(importBatches).where(eq(importBatches.id, id)).get();
    if (!batch) throw new AppError(404, "import.batch.notFound");
    if (batch.undoneAt) throw new AppError(409, "import.batch.alreadyUndone");
    const writer = new IncidentWriter(db, { today: todayInTokyo() });
    const changes = tx.select().from(importBatchChanges).where(eq(importBatchChanges.batchId, id)).all();
    let restored = 0;
    for (const c of changes) {
      const current = getIncident(tx, c.incidentId);
      if (!current) continue;
      writer.update(c.incidentId, JSON.parse(c.before) as IncidentInput, toInput(current));
      restored++;
    }
    const deleted = tx.delete(incidents).where(eq(incidents.batchId, id)).run().changes;
    tx.update(importBatches)
      .set({ undoneAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`, undoneBy: actor?.name ?? null })
      .where(eq(importBatches.id, id))
      .run();
    if (actor) audit(tx, actor, "import.undone", { type: "import_batch", id }, { deleted, restored });
    return { deleted, restored };
  });
}
