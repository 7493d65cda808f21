/**
 * Training sessions (研修, domain.md "Organisational measures"): records of their own — date, title, attendees, head
 * count invited. Adding and deleting each write the row change and its audit entry in one transaction.
 */
import { desc, eq } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { trainingSessions } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import { fieldErrorsOf, type FieldErrors } from "../forms";
import { trainingSchema, type TrainingField, type TrainingInput } from "./schema";

export type TrainingSession = typeof trainingSessions.$inferSelect;

/** Every session, newest first (by the day held, then the order entered). */
export function listTraining(db: Db): TrainingSession[] {
  return db.select().from(trainingSessions).orderBy(desc(trainingSessions.heldOn), desc(trainingSessions.id)).all();
}

export function getTraining(db: Db, id: number): TrainingSession | null {
  return db.select().from(trainingSessions).where(eq(trainingSessions.id, id)).get() ?? null;
}

/** Adds a session; returns its id. */
export function createTraining(db: Db, input: TrainingInput, actor: Actor): number {
  return db.transaction((tx) => {
    const { id } = tx
      .insert(trainingSessions)
      .values({ heldOn: input.heldOn, title: input.title, attendees: input.attendees, invited: input.invited, notes: input.notes })
      .returning({ id: trainingSessions.id })
      .get();
    // No title or notes in the trail (ADR 0005): free text, which may name people.
    audit(tx, actor, "training.created", { type: "training", id }, {
      heldOn: input.heldOn,
      attendees: input.attendees,
      invited: input.invited,
    });
    return id;
  });
}

export type TrainingFormResult = { ok: false; errors: FieldErrors; values: Record<TrainingField, string> } | { ok: true; id: number };

/** What the page's add action does with the posted form: validate (today = the Tokyo calendar day), then add. */
export function addTrainingForm(db: Db, values: Record<TrainingField, string>, today: string, actor: Actor): TrainingFormResult {
  const parsed = trainingSchema(today).safeParse(values);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error.issues), values };
  return { ok: true, id: createTraining(db, parsed.data, actor) };
}

/** Deletes a session, keeping its date and counts in the audit entry; false when there is no such session. */
export function deleteTraining(db: Db, id: number, actor: Actor): boolean {
  return db.transaction((tx) => {
    const before = tx.select().from(trainingSessions).where(eq(trainingSessions.id, id)).get();
    if (!before) return false;
    tx.delete(trainingSessions).where(eq(trainingSessions.id, id)).run();
    audit(tx, actor, "training.deleted", { type: "training", id }, {
      heldOn: before.heldOn,
      attendees: before.attendees,
      invited: before.invited,
    });
    return true;
  });
}
