/**
 * Retention: personal data is not kept forever. An incident closed more than `retention_years` ago (a setting) loses
 * its personal fields — the summary, the customer's words, the link to the client's name, and the free text of its
 * 是正処置計画書兼報告書 — while its coded facts (dates, codes, counts) stay for statistics. Clients no incident points
 * to any more are deleted with their names. Reports issued earlier keep their frozen figures. Erasing is audited.
 */
import { and, eq, inArray, isNotNull, isNull, lt, notInArray, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { clients, evidenceFiles, incidentReports, incidents } from "../../../db/schema";
import { removeStoredFiles, storedFilesOf } from "../evidence/evidence.server";
import { audit, type Actor } from "../auth/audit.server";
import { yearsEarlier } from "../incidents/dates";

/** The day before which an incident must have been closed to be erased on `today`. */
export function retentionCutoff(today: string, years: number): string {
  return yearsEarlier(today, years);
}

export interface ErasureCandidate {
  id: number;
  ref: string | null;
  closedAt: string;
  /** Which personal fields still hold something. */
  fields: ("summary" | "verbatim" | "client" | "report" | "evidence")[];
}

function candidateWhere(cutoff: string) {
  return and(eq(incidents.status, "closed"), isNotNull(incidents.closedAt), lt(incidents.closedAt, cutoff), isNull(incidents.personalErasedAt));
}

/** What erasing now would touch (the dry run): closed before the cutoff, not yet erased. */
export function erasureCandidates(db: Db, today: string, years: number, limit = 100_000): ErasureCandidate[] {
  const cutoff = retentionCutoff(today, years);
  const rows = db
    .select({
      id: incidents.id,
      ref: incidents.ref,
      closedAt: incidents.closedAt,
      summary: incidents.summary,
      verbatim: incidents.verbatim,
      clientId: incidents.clientId,
      report: incidentReports.id,
      evidence: sql<number>`(select count(*) from ${evidenceFiles} where ${evidenceFiles.incidentId} = ${incidents.id})`,
    })
    .from(incidents)
    .leftJoin(incidentReports, eq(incidentReports.incidentId, incidents.id))
    .where(candidateWhere(cutoff))
    .orderBy(incidents.closedAt, incidents.id)
    .limit(limit)
    .all();
  return rows.map((r) => ({
    id: r.id,
    ref: r.ref,
    closedAt: r.closedAt!,
    fields: [
      ...(r.summary ? (["summary"] as const) : []),
      ...(r.verbatim ? (["verbatim"] as const) : []),
      ...(r.clientId ? (["client"] as const) : []),
      ...(r.report ? (["report"] as const) : []),
      ...(r.evidence ? (["evidence"] as const) : []),
    ],
  }));
}

/** Erases the personal fields of every candidate, in one transaction with its audit entry; returns what it did. */
export function erasePersonalData(db: Db, today: string, years: number, actor: Actor): { incidents: number; clients: number } {
  const cutoff = retentionCutoff(today, years);
  let files: string[] = [];
  const result = db.transaction(() => {
    const ids = db.select({ id: incidents.id }).from(incidents).where(candidateWhere(cutoff)).all().map((r) => r.id);
    if (ids.length === 0) return { incidents: 0, clients: 0 };
    const at = new Date().toISOString();
    // In slices: SQLite limits the number of bound parameters.
    for (let i = 0; i < ids.length; i += 5000) {
      const slice = ids.slice(i, i + 5000);
      db.update(incidents).set({ summary: null, verbatim: null, clientId: null, personalErasedAt: at }).where(inArray(incidents.id, slice)).run();
      files = files.concat(storedFilesOf(db, slice));
      db.delete(evidenceFiles).where(inArray(evidenceFiles.incidentId, slice)).run();
      db.update(incidentReports)
        .set({ whatHappened: null, causeAnalysis: null, supervisorComment: null, actions: "[]", submittedBy: null, approvedBy: null })
        .where(inArray(incidentReports.incidentId, slice))
        .run();
    }
    const orphaned = db
      .delete(clients)
      .where(notInArray(clients.id, db.select({ id: sql<number>`${incidents.clientId}` }).from(incidents).where(isNotNull(incidents.clientId))))
      .run().changes;
    audit(db, actor, "retention.erased", null, {
      incidents: ids.length, clients: orphaned, closedBefore: cutoff, years, firstId: ids[0], lastId: ids[ids.length - 1],
    });
    return { incidents: ids.length, clients: orphaned };
  });
  removeStoredFiles(files); // after the commit: a rolled-back erasure keeps its files
  return result;
}
