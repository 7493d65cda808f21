/**
 * The department master's changes, made by an admin (issue 18, docs/decisions/0025): add, rename, merge, retire and
 * reinstate. Each is one transaction with its audit entry, and a compare-and-set on the department's `version`, so a
 * page opened before someone else's change is refused instead of acting on what it no longer shows.
 *
 * A merge keeps history: the merged department's row stays (named as it was, `merged_into_id` set) so that old audit
 * entries and issued reports still name it, and a name typed anywhere later resolves to the target (lookup.server.ts).
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { departments, users } from "../../../db/schema";
import { AppError } from "../errors";
import { audit, type Actor } from "../auth/audit.server";
import { fingerprintOf } from "../incidents/mutations.server";
import { normalizeName } from "../incidents/normalize";

/** A department as the admin page lists it. */
export interface DepartmentOverview {
  id: number;
  name: string;
  retiredAt: string | null;
  mergedIntoId: number | null;
  mergedIntoName: string | null;
  version: number;
  incidents: number;
  users: number;
  /** Users not disabled: a department with any cannot be retired. */
  activeUsers: number;
}

/** Every department with its counts: the active ones, then the retired, then those merged away; by name within each. */
export function departmentOverview(db: Db): DepartmentOverview[] {
  return db.$client
    .prepare(
      `select d.id, d.name, d.retired_at as retiredAt, d.merged_into_id as mergedIntoId, t.name as mergedIntoName, d.version,
              coalesce(i.n, 0) as incidents, coalesce(u.n, 0) as users, coalesce(u.active, 0) as activeUsers
         from departments d
         left join departments t on t.id = d.merged_into_id
         left join (select department_id, count(*) as n from incidents where department_id is not null group by department_id) i
           on i.department_id = d.id
         left join (select department_id, count(*) as n, count(*) filter (where disabled_at is null) as active
                      from users where department_id is not null group by department_id) u
           on u.department_id = d.id
        order by d.merged_into_id is not null, d.retired_at is not null, d.name, d.id`,
    )
    .all() as DepartmentOverview[];
}

type Row = typeof departments.$inferSelect;

const notFound = () => new AppError(404, "departments.errors.notFound");
const stale = () => new AppError(409, "departments.errors.stale");

/** The department to change: it exists, was not merged away, and is as the page saw it (`version`). */
function loadForChange(db: Db, id: number, version: number): Row {
  const row = db.select().from(departments).where(eq(departments.id, id)).get();
  if (!row) throw notFound();
  if (row.version !== version) throw stale();
  if (row.mergedIntoId !== null) throw new AppError(409, "departments.errors.merged", { params: { name: row.name } });
  return row;
}

/** Writes a change to a department only if nobody changed it since `version` was read; moves the version on. */
function compareAndSet(db: Db, id: number, version: number, set: Partial<typeof departments.$inferInsert>): void {
  const changed = db
    .update(departments)
    .set({ ...set, version: version + 1 })
    .where(and(eq(departments.id, id), eq(departments.version, version)))
    .run().changes;
  if (changed !== 1) throw stale();
}

/**
 * Refuses a name whose key another department has (`exceptId` aside): an active or retired one by its name, a merged
 * one by the name it was merged into (that name already stands for the target). The message goes beside the field.
 */
function assertNameFree(db: Db, key: string, exceptId: number | null): void {
  const other = db.select().from(departments).where(eq(departments.normalizedName, key)).get();
  if (!other || other.id === exceptId) return;
  const field = (message: { key: "departments.errors.nameTaken" | "departments.errors.nameRetired" | "departments.errors.nameMerged"; params: Record<string, string> }) =>
    new AppError(409, message.key, { params: message.params, fieldErrors: { name: message } });
  if (other.mergedIntoId !== null) {
    const target = db.select({ name: departments.name }).from(departments).where(eq(departments.id, other.mergedIntoId)).get();
    throw field({ key: "departments.errors.nameMerged", params: { name: other.name, target: target?.name ?? "" } });
  }
  if (other.retiredAt !== null) throw field({ key: "departments.errors.nameRetired", params: { name: other.name } });
  throw field({ key: "departments.errors.nameTaken", params: { name: other.name } });
}

/**
 * The incidents' duplicate key (fingerprint, docs/spec/csv-import.md) holds their department's normalised name: when
 * the name they are filed under changes (a rename, a merge), it is computed again, so that a ledger imported again
 * finds them. Incidents whose personal fields retention erased keep theirs: their summary and client are gone, and the
 * key they were stored with is the only one that still matches their ledger row. Returns how many moved or changed.
 */
function refileIncidents(db: Db, fromId: number, toId: number, toName: string): number {
  const sqlite = db.$client;
  const rows = sqlite
    .prepare(
      `select i.id, i.occurred_at as occurredAt, i.channel, i.summary, i.fingerprint, i.personal_erased_at as erasedAt, c.name as client
         from incidents i left join clients c on c.id = i.client_id
        where i.department_id = ?`,
    )
    .all(fromId) as { id: number; occurredAt: string; channel: string; summary: string | null; fingerprint: string; erasedAt: string | null; client: string | null }[];
  const update = sqlite.prepare("update incidents set department_id = ?, fingerprint = ? where id = ?");
  let changed = 0;
  for (const r of rows) {
    const fingerprint =
      r.erasedAt === null
        ? fingerprintOf({ occurred_at: r.occurredAt, client: r.client, department: toName, channel: r.channel as never, summary: r.summary })
        : r.fingerprint;
    if (fromId === toId && fingerprint === r.fingerprint) continue;
    update.run(toId, fingerprint, r.id);
    changed++;
  }
  return changed;
}

/** Adds a department to the master; returns its id. */
export function addDepartment(db: Db, name: string, actor: Actor): number {
  const key = normalizeName(name);
  return db.transaction(() => {
    assertNameFree(db, key, null);
    const row = db.insert(departments).values({ name, normalizedName: key }).returning({ id: departments.id }).get();
    audit(db, actor, "department.created", { type: "department", id: row.id }, { id: row.id, name });
    return row.id;
  });
}

/**
 * Renames a department: its normalised key moves with the name (the old spelling no longer finds it; to keep a
 * misspelling resolving, add the right name and merge the misspelt department into it). Its incidents' duplicate
 * keys are computed again with the new name.
 */
export function renameDepartment(db: Db, id: number, version: number, name: string, actor: Actor): { changed: boolean; incidents: number } {
  const key = normalizeName(name);
  return db.transaction(() => {
    const row = loadForChange(db, id, version);
    if (row.name === name) return { changed: false, incidents: 0 };
    assertNameFree(db, key, id);
    compareAndSet(db, id, version, { name, normalizedName: key });
    const refiled = key === row.normalizedName ? 0 : refileIncidents(db, id, id, name);
    audit(db, actor, "department.renamed", { type: "department", id }, { id, from: row.name, to: name, fingerprints: refiled });
    return { changed: true, incidents: refiled };
  });
}

/**
 * Merges department `id` into `intoId`, in one transaction: its incidents (duplicate keys recomputed) and users move
 * to the target, departments merged into it earlier now point at the target (merges stay one step deep), and its row
 * stays, marked merged, for history. Returns how many incidents and users moved.
 */
export function mergeDepartment(db: Db, id: number, version: number, intoId: number, actor: Actor): { incidents: number; users: number } {
  return db.transaction(() => {
    const from = loadForChange(db, id, version);
    if (intoId === id) throw new AppError(422, "departments.errors.mergeSelf");
    const into = db.select().from(departments).where(eq(departments.id, intoId)).get();
    if (!into) throw new AppError(422, "departments.errors.mergeTargetMissing");
    if (into.mergedIntoId !== null || into.retiredAt !== null) {
      throw new AppError(422, "departments.errors.mergeTargetInactive", { params: { name: into.name } });
    }
    compareAndSet(db, id, version, { mergedIntoId: into.id });
    const movedIncidents = refileIncidents(db, from.id, into.id, into.name);
    const movedUsers = db.update(users).set({ departmentId: into.id }).where(eq(users.departmentId, from.id)).run().changes;
    const repointed = db.update(departments).set({ mergedIntoId: into.id }).where(eq(departments.mergedIntoId, from.id)).run().changes;
    audit(db, actor, "department.merged", { type: "department", id: from.id }, {
      from: from.id, to: into.id, fromName: from.name, toName: into.name, incidents: movedIncidents, users: movedUsers,
      ...(repointed ? { mergedBefore: repointed } : {}),
    });
    return { incidents: movedIncidents, users: movedUsers };
  });
}

/**
 * Retires a department: no longer offered for new incidents and users, still in filters and history. Refused while
 * users who can sign in belong to it (a supervisor would be left with a department they cannot record in).
 */
export function retireDepartment(db: Db, id: number, version: number, actor: Actor, at: string = new Date().toISOString()): void {
  db.transaction(() => {
    const row = loadForChange(db, id, version);
    if (row.retiredAt !== null) throw new AppError(409, "departments.errors.alreadyRetired", { params: { name: row.name } });
    const active = db
      .select({ n: sql<number>`count(*)` })
      .from(users)
      .where(and(eq(users.departmentId, id), isNull(users.disabledAt)))
      .get()!.n;
    if (active > 0) throw new AppError(409, "departments.errors.hasActiveUsers", { params: { name: row.name, n: active } });
    compareAndSet(db, id, version, { retiredAt: at });
    audit(db, actor, "department.retired", { type: "department", id }, { id, name: row.name });
  });
}

/** Offers a retired department for new entries again. */
export function reinstateDepartment(db: Db, id: number, version: number, actor: Actor): void {
  db.transaction(() => {
    const row = loadForChange(db, id, version);
    if (row.retiredAt === null) throw new AppError(409, "departments.errors.notRetired", { params: { name: row.name } });
    compareAndSet(db, id, version, { retiredAt: null });
    audit(db, actor, "department.reinstated", { type: "department", id }, { id, name: row.name });
  });
}
