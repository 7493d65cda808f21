/**
 * The audit trail: who did what to which record, when and from where. Append-only (the database refuses UPDATE and
 * DELETE, migration 0003). An entry is written on the same connection as the change it records, inside the same
 * transaction where there is one, so a change is never stored without its entry.
 */
import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { Conn, Db } from "../../../db/client.server";
import { auditLog, type AuditEntry, users } from "../../../db/schema";
import { shiftDay } from "../incidents/dates";
import type { AuditActionName } from "./audit-actions";
import type { AuditQuery } from "./audit-filters";

export type AuditAction = AuditActionName;

/** Who acts: a signed-in user, someone at the sign-in form, or the command line. */
export interface Actor {
  userId: number | null;
  /** The user's e-mail, the e-mail typed at a failed sign-in, or `cli:<os user>`. */
  name: string;
  ip: string | null;
}

export interface AuditTarget {
  type:
    | "incident" | "import_batch" | "user" | "settings" | "report" | "audit_log" | "measure" | "training" | "headcount" | "consultation"
    | "backup" | "import_mapping" | "department" | "api_token" | "report_schedule" | "policy" | "evidence_pack";
  id?: string | number | null;
}

export function audit(
  db: Conn,
  actor: Actor,
  action: AuditAction,
  target?: AuditTarget | null,
  detail?: Record<string, unknown> | null,
): void {
  db.insert(auditLog)
    .values({
      at: new Date().toISOString(),
      userId: actor.userId,
      actor: actor.name,
      action,
      targetType: target?.type ?? null,
      targetId: target?.id == null ? null : String(target.id),
      detail: detail ? JSON.stringify(detail) : null,
      ip: actor.ip,
    })
    .run();
}

/** Who, what, when (Tokyo calendar days, both included) and which record. */
export type AuditFilters = Omit<AuditQuery, "page">;

export const NO_AUDIT_FILTERS: AuditFilters = { actor: null, action: null, from: null, to: null, targetType: null, targetId: null };

/** A Tokyo calendar day's start as the UTC instant `at` is stored in. */
function tokyoDayStartUtc(day: string): string {
  return new Date(`${day}T00:00:00+09:00`).toISOString();
}

function conditions(f: AuditFilters): SQL | undefined {
  const c: SQL[] = [];
  if (f.actor) {
    // Part of the e-mail (or `cli:…`) recorded, or of the display name of the user with that e-mail, in any case
    // (issue 19). LIKE folds ASCII case only: both sides are lower-cased here, and the typed text NFKC'd.
    const pattern = `%${f.actor.normalize("NFKC").toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    c.push(
      or(
        sql`lower(${auditLog.actor}) like ${pattern} escape '\\'`,
        inArray(auditLog.actor, sql`(select ${users.email} from ${users} where lower(${users.displayName}) like ${pattern} escape '\\')`),
      )!,
    );
  }
  if (f.action) c.push(eq(auditLog.action, f.action));
  if (f.from) c.push(gte(auditLog.at, tokyoDayStartUtc(f.from)));
  if (f.to) c.push(lt(auditLog.at, tokyoDayStartUtc(shiftDay(f.to, 1))));
  if (f.targetType) c.push(eq(auditLog.targetType, f.targetType));
  if (f.targetId) c.push(eq(auditLog.targetId, f.targetId));
  return c.length ? and(...c) : undefined;
}

export const AUDIT_PAGE_SIZE = 100;

export function listAudit(db: Db, filters: AuditFilters, page = 1): { entries: AuditEntry[]; total: number } {
  const where = conditions(filters);
  const total = db.select({ n: sql<number>`count(*)` }).from(auditLog).where(where).get()?.n ?? 0;
  const entries = db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE)
    .offset((page - 1) * AUDIT_PAGE_SIZE)
    .all();
  return { entries, total };
}

/**
 * Matching entries older than `beforeId`, newest first: an export reads the trail in such slices rather than holding
 * one statement open while the response streams (the connection is shared by every request).
 */
export function auditSlice(db: Db, filters: AuditFilters, beforeId: number | null, limit: number): AuditEntry[] {
  const where = and(conditions(filters), beforeId === null ? undefined : lt(auditLog.id, beforeId));
  return db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(limit).all();
}
