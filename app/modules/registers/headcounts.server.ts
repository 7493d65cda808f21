/**
 * The headcount register (issue 20, docs/decisions/0033): employees per department per fiscal year, the denominator of
 * incidents per 100 employees. A year is entered for every department in one form and saved all or nothing, with the
 * audit entry in the same transaction.
 */
import { asc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Conn, Db } from "../../../db/client.server";
import { departments, headcounts } from "../../../db/schema";
import type { Message } from "~/i18n";
import { audit, type Actor } from "../auth/audit.server";
import { cellName, parseHeadcount } from "./headcount-form";

export interface HeadcountRow {
  departmentId: number;
  name: string;
  retired: boolean;
  /** This year's figure, null when not entered yet. */
  headcount: number | null;
  /** The previous fiscal year's figure, shown beside the field. */
  previous: number | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

function figures(db: Conn, fiscalYear: number): Map<number, typeof headcounts.$inferSelect> {
  return new Map(db.select().from(headcounts).where(eq(headcounts.fiscalYear, fiscalYear)).all().map((r) => [r.departmentId, r]));
}

/**
 * The rows of a year's form: every active department, and any retired one that already has a figure that year (so a
 * past year stays complete and correctable). Merged departments have no incidents left, so no rate to give.
 */
export function headcountRows(db: Conn, fiscalYear: number): HeadcountRow[] {
  const current = figures(db, fiscalYear);
  const previous = figures(db, fiscalYear - 1);
  return db
    .select({ id: departments.id, name: departments.name, retiredAt: departments.retiredAt })
    .from(departments)
    .where(isNull(departments.mergedIntoId))
    .orderBy(asc(departments.name), asc(departments.id))
    .all()
    .filter((d) => d.retiredAt === null || current.has(d.id))
    .map((d) => {
      const c = current.get(d.id);
      return {
        departmentId: d.id,
        name: d.name,
        retired: d.retiredAt !== null,
        headcount: c?.headcount ?? null,
        previous: previous.get(d.id)?.headcount ?? null,
        updatedBy: c?.updatedBy ?? null,
        updatedAt: c?.updatedAt ?? null,
      };
    });
}

export type HeadcountSaveResult =
  | { ok: true; changed: number }
  | { ok: false; errors: Record<string, Message>; values: Record<string, string>; error?: Message };

/**
 * Saves a year's figures from the posted cells: every row of the form must hold a valid number, else nothing is saved
 * and each bad cell gets its message. Unchanged figures are not rewritten; one audit entry lists the changes.
 */
export function saveHeadcounts(db: Db, fiscalYear: number, cells: Record<string, string>, actor: Actor): HeadcountSaveResult {
  const rows = headcountRows(db, fiscalYear);
  if (rows.length === 0) return { ok: false, errors: {}, values: {}, error: { key: "rates.errors.noDepartments" } };
  const errors: Record<string, Message> = {};
  const values: Record<string, string> = {};
  const parsed: { row: HeadcountRow; value: number }[] = [];
  for (const row of rows) {
    const name = cellName(row.departmentId);
    const text = cells[name] ?? "";
    values[name] = text;
    const r = parseHeadcount(text, row.name);
    if ("error" in r) errors[name] = r.error;
    else parsed.push({ row, value: r.value });
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  const changes = parsed.filter((p) => p.row.headcount !== p.value);
  if (changes.length === 0) return { ok: true, changed: 0 };
  db.transaction((tx) => {
    for (const { row, value } of changes) {
      tx.insert(headcounts)
        .values({ departmentId: row.departmentId, fiscalYear, headcount: value, updatedBy: actor.name })
        .onConflictDoUpdate({
          target: [headcounts.departmentId, headcounts.fiscalYear],
          set: { headcount: value, updatedBy: actor.name, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` },
        })
        .run();
    }
    audit(tx, actor, "headcount.saved", { type: "headcount", id: fiscalYear }, {
      fiscalYear,
      changes: changes.map((c) => ({ departmentId: c.row.departmentId, before: c.row.headcount, after: c.value })),
    });
  });
  return { ok: true, changed: changes.length };
}

/**
 * Headcounts of some fiscal years: fiscal year → department id → headcount. A department merged into another counts
 * under the one it was merged into, as its incidents now do (its own row stays for history).
 */
export function headcountsOf(db: Conn, fiscalYears: number[]): Map<number, Map<number, number>> {
  const out = new Map<number, Map<number, number>>(fiscalYears.map((y) => [y, new Map()]));
  if (fiscalYears.length === 0) return out;
  const mergedInto = new Map(
    db.select({ id: departments.id, into: departments.mergedIntoId }).from(departments).where(isNotNull(departments.mergedIntoId)).all().map((d) => [d.id, d.into!]),
  );
  const survivor = (id: number) => {
    let at = id;
    // A chain of merges ends at a department not merged; the bound guards against a cycle in bad data.
    for (let i = 0; i < 100 && mergedInto.has(at); i++) at = mergedInto.get(at)!;
    return at;
  };
  for (const r of db
    .select({ d: headcounts.departmentId, y: headcounts.fiscalYear, n: headcounts.headcount })
    .from(headcounts)
    .where(inArray(headcounts.fiscalYear, fiscalYears))
    .all()) {
    const year = out.get(r.y)!;
    const id = survivor(r.d);
    year.set(id, (year.get(id) ?? 0) + r.n);
  }
  return out;
}
