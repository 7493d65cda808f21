/**
 * The measures register (domain.md "Organisational measures"): one row per code of MEASURES (ensured when the database
 * is opened), changed only here — the row and its audit entry (before → after per field) in one transaction — and its
 * history read back from the audit trail.
 */
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { auditLog, measures } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import { fieldErrorsOf, type FieldErrors } from "../forms";
import { checkVersion, parseVersion, saveOrConflict, type Comparable, type Conflict, type Versioned } from "../concurrency";
import { MEASURES, type MeasureCode, type MeasureStatus } from "../incidents/taxonomy";
import { isMeasureCode, isStale, MEASURE_CONTENT_FIELDS, measureSchema, type MeasureField, type MeasureInput } from "./schema";

export interface MeasureRow {
  code: MeasureCode;
  group: "G" | "N";
  status: MeasureStatus;
  evidenceText: string | null;
  evidenceUrl: string | null;
  inPlaceOn: string | null;
  reviewedOn: string | null;
  updatedBy: string | null;
  updatedAt: string;
  /** Not reviewed within 12 months of today, or never. */
  stale: boolean;
  /** Moves on with every write: the edit form posts the one it was opened at. */
  version: number;
}

type Stored = typeof measures.$inferSelect;

function toRow(code: MeasureCode, group: "G" | "N", r: Stored | undefined, today: string): MeasureRow {
  return {
    code,
    group,
    status: r?.status ?? "not_yet",
    evidenceText: r?.evidenceText ?? null,
    evidenceUrl: r?.evidenceUrl ?? null,
    inPlaceOn: r?.inPlaceOn ?? null,
    reviewedOn: r?.reviewedOn ?? null,
    updatedBy: r?.updatedBy ?? null,
    updatedAt: r?.updatedAt ?? "",
    stale: isStale(r?.reviewedOn, today),
    version: r?.version ?? 1,
  };
}

/** Every measure in register order (G01–G13, then N1–N5). */
export function listMeasures(db: Db, today: string): MeasureRow[] {
  const stored = new Map(db.select().from(measures).all().map((r) => [r.code, r]));
  return MEASURES.map((m) => toRow(m.code, m.group as "G" | "N", stored.get(m.code), today));
}

/** One measure, or null for a code that is not in the register. */
export function getMeasure(db: Db, code: string | undefined, today: string): MeasureRow | null {
  if (!isMeasureCode(code)) return null;
  const def = MEASURES.find((m) => m.code === code)!;
  return toRow(def.code, def.group as "G" | "N", db.select().from(measures).where(eq(measures.code, code)).get(), today);
}

export type MeasureChanges = Record<string, [unknown, unknown]>;

const VALUES_KEPT = ["status", "inPlaceOn", "reviewedOn"] as const;
const isValueKept = (f: string): f is (typeof VALUES_KEPT)[number] => (VALUES_KEPT as readonly string[]).includes(f);

/**
 * Saves a measure. Returns the names of the fields that changed ([] when nothing did: no write, no entry), or null for an
 * unknown code. The "who" (updatedBy) is stored with a change and listed in it when it differs, but alone is no change.
 * A form opened at another `version` than the stored one is refused (StaleVersion), even when it changes nothing.
 */
export function updateMeasure(db: Db, code: string, input: MeasureInput, actor: Actor, version?: number): string[] | null {
  if (!isMeasureCode(code)) return null;
  return db.transaction((tx) => {
    const before = tx.select().from(measures).where(eq(measures.code, code)).get();
    if (!before) return null;
    checkVersion(before.version, version);
    const changed: string[] = MEASURE_CONTENT_FIELDS.filter((f) => before[f] !== input[f]);
    if (changed.length === 0) return [];
    if (before.updatedBy !== input.updatedBy) changed.push("updatedBy");
    // The trail keeps the status code and the dates with their before and after; the evidence text and URL and the
    // person who wrote it (記入者) by field name only (ADR 0005: identifiers, not values).
    const changes: MeasureChanges = {};
    for (const f of changed) if (isValueKept(f)) changes[f] = [before[f], input[f]];
    const fields = changed.filter((f) => !isValueKept(f));
    tx.update(measures)
      .set({
        status: input.status,
        evidenceText: input.evidenceText,
        evidenceUrl: input.evidenceUrl,
        inPlaceOn: input.inPlaceOn,
        reviewedOn: input.reviewedOn,
        updatedBy: input.updatedBy,
        updatedAt: new Date().toISOString(),
      })
      .where(eq(measures.code, code))
      .run();
    audit(tx, actor, "measure.updated", { type: "measure", id: code }, fields.length ? { changes, fields } : { changes });
    return changed;
  });
}

/** A failed save: field errors, or (a stale form, no field errors) the conflict with what is stored. */
export type MeasureFormResult =
  | { ok: false; errors: FieldErrors; values: Record<MeasureField, string>; conflict?: Conflict }
  | { ok: true; changed: string[] };

/** A measure's content as its form shows it (the "who" is the one saving, not part of what is compared). */
function comparable(m: MeasureInput | Stored): Comparable {
  return Object.fromEntries(MEASURE_CONTENT_FIELDS.map((f) => [f, m[f] ?? ""]));
}

function storedMeasure(db: Db, code: MeasureCode): Versioned {
  const row = db.select().from(measures).where(eq(measures.code, code)).get();
  return { version: row?.version ?? 1, values: row ? comparable(row) : {} };
}

/**
 * What the edit page's action does with the posted form: validate (today = the Tokyo calendar day), then save. Invalid
 * input writes nothing. Null for an unknown code. `posted` is the form's version field, read once the fields are valid
 * (missing or not a number: a 400); a stale form writes nothing and gets the conflict. Without `posted` (no form) the
 * version is not checked.
 */
export function saveMeasureForm(
  db: Db,
  code: string,
  values: Record<MeasureField, string>,
  today: string,
  actor: Actor,
  posted?: FormDataEntryValue | null,
): MeasureFormResult | null {
  if (!isMeasureCode(code)) return null;
  const parsed = measureSchema(today).safeParse(values);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error.issues), values };
  const version = posted === undefined ? undefined : parseVersion(posted);
  const saved = saveOrConflict(
    () => updateMeasure(db, code, parsed.data, actor, version),
    () => comparable(parsed.data),
    () => storedMeasure(db, code),
  );
  if (!saved.ok) return { ok: false, errors: {}, conflict: saved.conflict, values };
  return saved.value === null ? null : { ok: true, changed: saved.value };
}

export interface MeasureHistoryEntry {
  id: number;
  /** UTC instant as stored. */
  at: string;
  actor: string;
  changes: MeasureChanges;
  /** Fields that changed whose values the trail does not keep (free text and names). */
  changedFields: string[];
}

export const HISTORY_LIMIT = 200;

/** The measure's changes from the audit trail, newest first. */
export function measureHistory(db: Db, code: string, limit = HISTORY_LIMIT): MeasureHistoryEntry[] {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetType, "measure"), eq(auditLog.targetId, code)))
    .orderBy(desc(auditLog.id))
    .limit(limit)
    .all()
    .map((e) => ({ id: e.id, at: e.at, actor: e.actor, ...changesOf(e.detail) }));
}

/** An entry's changes: with values (older entries have them for every field) and by name only. */
function changesOf(detail: string | null): { changes: MeasureChanges; changedFields: string[] } {
  try {
    const d = JSON.parse(detail ?? "null") as { changes?: unknown; fields?: unknown } | null;
    const c = d?.changes;
    const changes: MeasureChanges =
      c && typeof c === "object"
        ? Object.fromEntries(
            Object.entries(c as Record<string, unknown>).filter((e): e is [string, [unknown, unknown]] => Array.isArray(e[1]) && e[1].length === 2),
          )
        : {};
    const changedFields = Array.isArray(d?.fields) ? d.fields.filter((f): f is string => typeof f === "string") : [];
    return { changes, changedFields };
  } catch {
    return { changes: {}, changedFields: [] };
  }
}
