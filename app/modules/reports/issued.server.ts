/**
 * Issuing a compliance report freezes it: the report object is stored as JSON with its SHA-256, the time and the
 * issuer, and from then on it is read back exactly as issued (the table refuses UPDATE and DELETE). The live figures
 * can be compared with it at any time.
 */
import { createHash } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { issuedReports } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import type { Audience, ComplianceReport } from "./compliance.server";

export interface IssuedMeta {
  id: number;
  periodKey: string;
  audience: Audience;
  issuedAt: string;
  issuedBy: string;
  sha256: string;
}

export interface Issued extends IssuedMeta {
  report: ComplianceReport;
  /** The stored content still hashes to the stored SHA-256. */
  intact: boolean;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export function issueReport(db: Db, report: ComplianceReport, actor: Actor): IssuedMeta {
  const content = JSON.stringify(report);
  const hash = sha256(content);
  const issuedAt = new Date().toISOString();
  return db.transaction(() => {
    const row = db
      .insert(issuedReports)
      .values({
        periodKey: report.period.key,
        periodFrom: report.period.from,
        periodTo: report.period.to,
        audience: report.audience,
        issuedAt,
        issuedBy: actor.name,
        sha256: hash,
        content,
      })
      .returning({ id: issuedReports.id })
      .get();
    audit(db, actor, "report.issued", { type: "report", id: row.id }, { period: report.period.key, audience: report.audience, sha256: hash });
    return { id: row.id, periodKey: report.period.key, audience: report.audience, issuedAt, issuedBy: actor.name, sha256: hash };
  });
}

const metaColumns = {
  id: issuedReports.id,
  periodKey: issuedReports.periodKey,
  audience: issuedReports.audience,
  issuedAt: issuedReports.issuedAt,
  issuedBy: issuedReports.issuedBy,
  sha256: issuedReports.sha256,
};

/** Issued reports, newest first; of one period (and audience) when given. */
export function listIssued(db: Db, filter: { periodKey?: string; audience?: Audience } = {}): IssuedMeta[] {
  const where = and(
    filter.periodKey ? eq(issuedReports.periodKey, filter.periodKey) : undefined,
    filter.audience ? eq(issuedReports.audience, filter.audience) : undefined,
  );
  return db.select(metaColumns).from(issuedReports).where(where).orderBy(desc(issuedReports.id)).all();
}

export function getIssued(db: Db, id: number): Issued | null {
  const row = db.select().from(issuedReports).where(eq(issuedReports.id, id)).get();
  if (!row) return null;
  const { content, periodFrom: _f, periodTo: _t, ...meta } = row;
  return { ...meta, report: JSON.parse(content) as ComplianceReport, intact: sha256(content) === row.sha256 };
}

export interface Difference {
  /** The section's key in the report (totals, byChannel, …). */
  section: string;
  label: string;
  issued: number | string;
  live: number | string;
  /** live − issued when both are numbers. */
  delta: number | null;
}

/** A breakdown row's identity across languages: its code, or its label when it has none. */
function rowKey(row: { code?: string | null; label: string }): string {
  return row.code ? `code:${row.code}` : `label:${row.label}`;
}

/**
 * Whether two reports hold the same content, whatever day each was made: issuing such a copy again would record
 * nothing new (a second click, or a second person), so it is refused.
 */
export function sameContent(a: ComplianceReport, b: ComplianceReport): boolean {
  return JSON.stringify({ ...a, generatedOn: "" }) === JSON.stringify({ ...b, generatedOn: "" });
}

/** Where the live figures differ from an issued report: totals, every breakdown row, adherence and open cases. */
export function differences(issued: ComplianceReport, live: ComplianceReport): Difference[] {
  const out: Difference[] = [];
  const push = (section: string, label: string, a: number | string | null, b: number | string | null) => {
    if (a === b) return;
    out.push({ section, label, issued: a ?? "—", live: b ?? "—", delta: typeof a === "number" && typeof b === "number" ? b - a : null });
  };
  for (const k of ["incidents", "kasuhara", "previous", "yearBefore"] as const) push("totals", k, issued.totals[k], live.totals[k]);
  for (const section of ["byBehaviour", "byChannel", "byOutcome", "bySeverity", "byValidity", "byDepartment", "byClient"] as const) {
    // By code, not by label: the labels are in the language each was made in (a report issued in Japanese and read in
    // English would otherwise differ in every row). Rows without a code (a department, a client) are named by label.
    const rows = (r: ComplianceReport) => new Map(r[section].map((x) => [rowKey(x), x] as const));
    const before = rows(issued);
    const after = rows(live);
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      push(section, after.get(key)?.label ?? before.get(key)!.label, before.get(key)?.count ?? 0, after.get(key)?.count ?? 0);
    }
  }
  for (const a of issued.adherence) {
    const b = live.adherence.find((x) => x.step === a.step);
    push("adherence", `${a.step}.met`, a.met, b?.met ?? null);
    push("adherence", `${a.step}.applicable`, a.applicable, b?.applicable ?? null);
  }
  push("open", "count", issued.open.count, live.open.count);
  // Reports issued before 終了日不明 existed lack the figure: nothing to compare.
  if (issued.open.closedDateUnknown !== undefined) push("open", "closedDateUnknown", issued.open.closedDateUnknown, live.open.closedDateUnknown ?? null);
  return out;
}
