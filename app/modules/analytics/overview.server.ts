/**
 * The overview of the start page: headline counts and behaviours for one period, aggregated in SQL. Executives get
 * the suppressed version (suppression.ts); nothing here carries a name or free text.
 */
import { and, between, eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { incidentCodes, incidents } from "../../../db/schema";
import { BEHAVIOURS } from "../incidents/taxonomy";
import type { Period } from "../reports/periods";
import { suppressBreakdown, suppressCount, type Shown } from "./suppression";

export interface Overview<T> {
  incidents: T;
  kasuhara: T;
  open: T;
  severe: T;
  byBehaviour: { code: string; count: T }[];
}

/** The figures of a period, of one department when `departmentId` is given (a supervisor's view). */
export function overview(db: Db, period: Period, departmentId: number | null = null): Overview<number> {
  const inDepartment = departmentId === null ? undefined : eq(incidents.departmentId, departmentId);
  const inPeriod = and(between(incidents.occurredOn, period.from, period.to), inDepartment);
  const head = db
    .select({
      incidents: sql<number>`count(*)`,
      kasuhara: sql<number>`coalesce(sum(${incidents.determination} = 'D1'), 0)`,
      open: sql<number>`coalesce(sum(${incidents.status} = 'open'), 0)`,
      severe: sql<number>`coalesce(sum(${incidents.severity} >= 3), 0)`,
    })
    .from(incidents)
    .where(inPeriod)
    .get()!;
  const codesInPeriod = and(eq(incidentCodes.field, "behaviours"), between(incidentCodes.occurredOn, period.from, period.to));
  const rows =
    departmentId === null
      ? db.select({ code: incidentCodes.code, n: sql<number>`count(*)` }).from(incidentCodes).where(codesInPeriod).groupBy(incidentCodes.code).all()
      : db
          .select({ code: incidentCodes.code, n: sql<number>`count(*)` })
          .from(incidentCodes)
          .innerJoin(incidents, eq(incidents.id, incidentCodes.incidentId))
          .where(and(codesInPeriod, inDepartment))
          .groupBy(incidentCodes.code)
          .all();
  const counts = new Map(rows.map((r) => [r.code, r.n]));
  const byBehaviour = BEHAVIOURS.map((b) => ({ code: b.code as string, count: counts.get(b.code) ?? 0 })).sort(
    (a, b) => b.count - a.count,
  );
  return { ...head, byBehaviour };
}

/** The executive's version: small counts hidden. Behaviours are multi-valued, so they do not add up to a total. */
export function suppressOverview(o: Overview<number>, threshold: number): Overview<Shown> {
  const behaviourCounts = suppressBreakdown(o.byBehaviour.map((b) => b.count), threshold, false);
  return {
    incidents: suppressCount(o.incidents, threshold),
    kasuhara: suppressCount(o.kasuhara, threshold),
    open: suppressCount(o.open, threshold),
    severe: suppressCount(o.severe, threshold),
    byBehaviour: o.byBehaviour.map((b, i) => ({ code: b.code, count: behaviourCounts[i] })),
  };
}
