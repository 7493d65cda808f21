/**
 * Finding one incident by its 管理番号 as a person types it (issue 19): in any width (ＫＨ－２０２５ = KH-2025), with a
 * Japanese keyboard's dashes (ー, −) and in any case. Within the user's scope: a supervisor never finds another
 * department's incident this way.
 */
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Conn } from "../../../db/client.server";
import { incidents } from "../../../db/schema";
import type { IncidentScope } from "../auth/permissions";
import { searchForms } from "./text-search";

/** The incident whose 管理番号 is the typed text (exactly, up to width, dashes and case), or null. */
export function findIncidentByRef(db: Conn, typed: string, scope: IncidentScope): number | null {
  const forms = searchForms(typed);
  if (!forms.length) return null;
  const inScope: SQL | undefined = scope.kind === "department" ? eq(incidents.departmentId, scope.departmentId) : undefined;
  // The unique index answers the exact forms; a different case (kh-2025-00005) is looked for only when they miss.
  const exact = db.select({ id: incidents.id }).from(incidents).where(and(inArray(incidents.ref, forms), inScope)).get();
  if (exact) return exact.id;
  const folded = [...new Set(forms.map((f) => f.toLowerCase()))];
  const rows = db
    .select({ id: incidents.id })
    .from(incidents)
    .where(and(inArray(sql`lower(${incidents.ref})`, folded), inScope))
    .limit(2)
    .all();
  // Two refs differing only in case: the typed text does not say which one is meant.
  return rows.length === 1 ? rows[0].id : null;
}
