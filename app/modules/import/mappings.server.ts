/**
 * Column mappings saved by name (issue 16). Whoever corrects the mapping of a file on the import page can save it;
 * the next file with the same header row is read with it at once, and any saved mapping can be chosen by name (on the
 * page, or `--mapping NAME` on the command line). Saving and deleting are audited.
 */
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client.server";
import { importMappings } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import { AppError } from "../errors";
import { INCIDENT_FIELDS, type IncidentField } from "../incidents/schema";
import { decodeMessage, msg, plainText } from "../validation";
import { normalizeHeader } from "./columns";
import { PRESET_IDS, type PresetId } from "./presets";
import { MAPPING_NAME_MAX } from "./form";

export interface SavedMapping {
  id: number;
  name: string;
  /** The header row it was made for, normalised. */
  headers: string[];
  /** Header as written → field, or "" for a column left out. */
  columns: Record<string, IncidentField | "">;
  preset: PresetId | null;
  savedBy: string | null;
  savedAt: string;
}


const nameSchema = plainText()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, { message: msg("importPage.mappingNameRequired") })
      .max(MAPPING_NAME_MAX, { message: msg("error.tooLong", { max: MAPPING_NAME_MAX }) }),
  );

const columnsSchema = z.record(z.string(), z.union([z.enum(INCIDENT_FIELDS as [IncidentField, ...IncidentField[]]), z.literal("")]));

function fromRow(r: typeof importMappings.$inferSelect): SavedMapping {
  const columns = Object.assign(Object.create(null), JSON.parse(r.columns)) as Record<string, IncidentField | "">;
  return {
    id: r.id, name: r.name, headers: JSON.parse(r.headers) as string[], columns,
    preset: (PRESET_IDS as readonly string[]).includes(r.preset ?? "") ? (r.preset as PresetId) : null,
    savedBy: r.savedBy, savedAt: r.savedAt,
  };
}

export function listMappings(db: Db): SavedMapping[] {
  return db.select().from(importMappings).orderBy(importMappings.name).all().map(fromRow);
}

export function mappingByName(db: Db, name: string): SavedMapping | null {
  const r = db.select().from(importMappings).where(eq(importMappings.name, name.trim())).get();
  return r ? fromRow(r) : null;
}

const headerKey = (headers: readonly string[]) => JSON.stringify(headers.map(normalizeHeader));

/** The mapping saved last for this very header row (same columns, same order, after normalisation), if any. */
export function mappingForHeaders(db: Db, headers: readonly string[]): SavedMapping | null {
  const r = db.select().from(importMappings).where(eq(importMappings.headers, headerKey(headers))).orderBy(desc(importMappings.savedAt), desc(importMappings.id)).get();
  return r ? fromRow(r) : null;
}

/** Saves (or replaces, by name) the mapping of a header row. A name that is empty, too long or not plain text is refused (AppError 422). */
export function saveMapping(
  db: Db,
  input: { name: string; headers: readonly string[]; columns: Record<string, IncidentField | "">; preset: PresetId | null },
  actor: Actor,
): SavedMapping {
  const name = nameSchema.safeParse(input.name);
  if (!name.success) {
    const m = decodeMessage(name.error.issues[0].message);
    throw new AppError(422, m.key, { params: m.params, logMessage: "import mapping name refused" });
  }
  const columns = columnsSchema.parse(input.columns);
  const values = {
    name: name.data, headers: headerKey(input.headers), columns: JSON.stringify(columns), preset: input.preset,
    savedBy: actor.name, savedAt: new Date().toISOString(),
  };
  return db.transaction((tx) => {
    const row = tx
      .insert(importMappings)
      .values(values)
      .onConflictDoUpdate({ target: importMappings.name, set: values })
      .returning()
      .get();
    audit(tx, actor, "import.mapping_saved", { type: "import_mapping", id: String(row.id) }, { name: row.name, columns: input.headers.length });
    return fromRow(row);
  });
}

export function deleteMapping(db: Db, id: number, actor: Actor): boolean {
  return db.transaction((tx) => {
    const gone = tx.delete(importMappings).where(eq(importMappings.id, id)).returning({ name: importMappings.name }).get();
    if (gone) audit(tx, actor, "import.mapping_deleted", { type: "import_mapping", id: String(id) }, { name: gone.name });
    return gone !== undefined;
  });
}
