/**
 * Who is told what (issue 19, docs/decisions/0028). Each function runs on the caller's connection inside the
 * transaction of the change it tells about, so a change is never stored without its notifications nor told without
 * being stored; sending mail happens after the commit (mail.server.ts). (user, event_key) is unique and every insert
 * ignores a repeat, so the same event is never told twice.
 *
 * Executives receive nothing: incident notifications carry 管理番号 and department, which they do not see.
 * The payload holds identifiers and codes only (管理番号, department id, category codes, counts, due dates): never
 * customer names or free text, because the same content is mailed out of the company's database.
 */
import { createHash } from "node:crypto";
import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Conn, Db } from "../../../db/client.server";
import { importBatchChanges, incidentCodes, incidentReports, incidents, notifications, users } from "../../../db/schema";
import { canReachIncident, type Role } from "../auth/permissions";
import type { CorrectiveAction } from "../incidents/report-schema";
import { smtpConfigured } from "./mail-config.server";

export type NotificationKind = (typeof notifications.$inferInsert)["kind"];

/** What a notification carries besides its kind: identifiers and codes, never names or free text. */
export interface NotificationPayload {
  ref?: string | null;
  departmentId?: number | null;
  /** Category codes of the incident: its channel, severity and behaviour codes. */
  channel?: string | null;
  severity?: number | null;
  behaviours?: string[];
  /** An import: how many new incidents of the department. */
  count?: number;
  /** An overdue action: its due date. */
  due?: string;
  /** A scheduled report issued (issue 20): its period key, audience and issued report's id. */
  period?: string;
  audience?: "hr" | "executive";
  issuedReportId?: number;
}

/** Roles that may be told anything at all: everyone but executives. */
const TOLD_ROLES: Role[] = ["admin", "hr", "supervisor"];

interface Recipient {
  id: number;
  notifyMail: "immediate" | "digest" | "none";
}

function activeUsers(db: Conn, where: ReturnType<typeof and>): Recipient[] {
  return db
    .select({ id: users.id, notifyMail: users.notifyMail })
    .from(users)
    .where(and(isNull(users.disabledAt), inArray(users.role, TOLD_ROLES), where))
    .all();
}

/** The active supervisors of a department (none for an incident without one). */
export function supervisorsOf(db: Conn, departmentId: number | null): Recipient[] {
  if (departmentId === null) return [];
  return activeUsers(db, and(eq(users.role, "supervisor"), eq(users.departmentId, departmentId)));
}

function hrAndAdmins(db: Conn): Recipient[] {
  return activeUsers(db, inArray(users.role, ["hr", "admin"]));
}

/**
 * Stores one notification per recipient (the one acting is not told of their own change); returns how many were new.
 * The mail status is decided now: `none` without SMTP or for a user who chose no mail, `pending` otherwise.
 */
function tell(
  db: Conn,
  recipients: Recipient[],
  event: { kind: NotificationKind; key: string; incidentId: number | null; payload: NotificationPayload },
  exceptUserId: number | null = null,
): number {
  const mailing = smtpConfigured();
  let added = 0;
  const seen = new Set<number>();
  for (const r of recipients) {
    if (r.id === exceptUserId || seen.has(r.id)) continue;
    seen.add(r.id);
    const mails = mailing && r.notifyMail !== "none";
    added += db
      .insert(notifications)
      .values({
        userId: r.id,
        kind: event.kind,
        eventKey: event.key,
        incidentId: event.incidentId,
        payload: JSON.stringify(event.payload),
        mailMode: r.notifyMail === "digest" ? "digest" : "immediate",
        mailStatus: mails ? "pending" : "none",
      })
      .onConflictDoNothing()
      .run().changes;
  }
  return added;
}

/**
 * A scheduled report issued (issue 20): the HR version to HR and admins, the executive version to executives (who are
 * told nothing else: it holds aggregates only). Told once per issued report.
 */
export function notifyReportIssued(db: Conn, e: { issuedReportId: number; periodKey: string; audience: "hr" | "executive" }): number {
  const recipients =
    e.audience === "hr"
      ? hrAndAdmins(db)
      : db.select({ id: users.id, notifyMail: users.notifyMail }).from(users).where(and(isNull(users.disabledAt), eq(users.role, "executive"))).all();
  return tell(db, recipients, {
    kind: "report_issued",
    key: `report_issued:${e.issuedReportId}`,
    incidentId: null,
    payload: { period: e.periodKey, audience: e.audience, issuedReportId: e.issuedReportId },
  });
}

/** The codes of an incident a notification names: 管理番号, department, channel, severity, behaviours. */
function incidentFacts(db: Conn, incidentId: number): (NotificationPayload & { departmentId: number | null }) | null {
  const row = db
    .select({ ref: incidents.ref, departmentId: incidents.departmentId, channel: incidents.channel, severity: incidents.severity })
    .from(incidents)
    .where(eq(incidents.id, incidentId))
    .get();
  if (!row) return null;
  const behaviours = db
    .select({ code: incidentCodes.code })
    .from(incidentCodes)
    .where(and(eq(incidentCodes.incidentId, incidentId), eq(incidentCodes.field, "behaviours")))
    .all()
    .map((c) => c.code);
  return { ...row, behaviours };
}

/** A new incident from the form: its department's supervisors are told. */
export function notifyIncidentCreated(db: Conn, incidentId: number, actorUserId: number | null): number {
  const facts = incidentFacts(db, incidentId);
  if (!facts) return 0;
  return tell(db, supervisorsOf(db, facts.departmentId), { kind: "incident_created", key: `incident_created:${incidentId}`, incidentId, payload: facts }, actorUserId);
}

/**
 * A committed import: one notification per department that got new incidents, to its supervisors — however many rows
 * it got. Replaced rows (`--update`) are not new.
 */
export function notifyIncidentsImported(db: Db, batchId: string, actorUserId: number | null): number {
  const replaced = new Set(
    db.select({ id: importBatchChanges.incidentId }).from(importBatchChanges).where(eq(importBatchChanges.batchId, batchId)).all().map((r) => r.id),
  );
  // Counted row by row: a GROUP BY sorted all the batch's rows first, 20 MB more at 1,000,000 rows, which took the
  // import past its memory target (`npm run bench -- import`). A batch has a few departments, not many.
  const perDepartment = new Map<number, number>();
  const rows = db.$client.prepare("select id, department_id from incidents where batch_id = ?").raw().iterate(batchId) as IterableIterator<[number, number | null]>;
  for (const [id, departmentId] of rows) {
    if (departmentId !== null && !replaced.has(id)) perDepartment.set(departmentId, (perDepartment.get(departmentId) ?? 0) + 1);
  }
  let added = 0;
  for (const [departmentId, count] of perDepartment) {
    added += tell(
      db,
      supervisorsOf(db, departmentId),
      { kind: "incidents_imported", key: `incidents_imported:${batchId}:${departmentId}`, incidentId: null, payload: { departmentId, count } },
      actorUserId,
    );
  }
  return added;
}

/** A submitted corrective-action report: HR and admins are told, once per submission (a returned one submitted again is new). */
export function notifyReportSubmitted(db: Conn, incidentId: number, actorUserId: number | null): number {
  const facts = incidentFacts(db, incidentId);
  const report = db.select({ version: incidentReports.version }).from(incidentReports).where(eq(incidentReports.incidentId, incidentId)).get();
  if (!facts || !report) return 0;
  return tell(
    db,
    hrAndAdmins(db),
    { kind: "report_submitted", key: `report_submitted:${incidentId}:v${report.version}`, incidentId, payload: { ref: facts.ref, departmentId: facts.departmentId } },
    actorUserId,
  );
}

/** The same action (text and due date) keeps its key wherever it moves in the list; the text itself is not stored. */
function actionKey(incidentId: number, a: CorrectiveAction): string {
  const h = createHash("sha256").update(`${a.action}\u0000${a.due}`).digest("hex").slice(0, 16);
  return `action_overdue:${incidentId}:${h}`;
}

/**
 * Who is told of an overdue action: its owner (ownerUserId) when that user is active and may open the incident;
 * otherwise the department's supervisors; when there are none, HR and admins, so that no overdue action goes untold.
 */
function ownersOf(db: Conn, a: CorrectiveAction, departmentId: number | null): Recipient[] {
  if (typeof a.ownerUserId === "number") {
    const owner = db
      .select({ id: users.id, notifyMail: users.notifyMail, role: users.role, departmentId: users.departmentId })
      .from(users)
      .where(and(eq(users.id, a.ownerUserId), isNull(users.disabledAt), ne(users.role, "executive")))
      .get();
    if (owner && canReachIncident(owner, { departmentId })) return [owner];
  }
  const supervisors = supervisorsOf(db, departmentId);
  return supervisors.length ? supervisors : hrAndAdmins(db);
}

/**
 * Actions due before `today` (YYYY-MM-DD, Tokyo) and not done: each one's owners are told once. Returns how many
 * notifications were new. Runs in one transaction; repeating it adds nothing.
 */
export function notifyOverdueActions(db: Conn, today: string): number {
  const rows = db
    .select({ incidentId: incidentReports.incidentId, actions: incidentReports.actions, ref: incidents.ref, departmentId: incidents.departmentId })
    .from(incidentReports)
    .innerJoin(incidents, eq(incidents.id, incidentReports.incidentId))
    .where(ne(incidentReports.actions, "[]"))
    .all();
  let added = 0;
  for (const r of rows) {
    let actions: CorrectiveAction[];
    try {
      actions = JSON.parse(r.actions) as CorrectiveAction[];
    } catch {
      continue;
    }
    if (!Array.isArray(actions)) continue;
    for (const a of actions) {
      if (!a || a.done || !a.due || !(a.due < today)) continue;
      added += tell(db, ownersOf(db, a, r.departmentId), {
        kind: "action_overdue",
        key: actionKey(r.incidentId, a),
        incidentId: r.incidentId,
        payload: { ref: r.ref, departmentId: r.departmentId, due: a.due },
      });
    }
  }
  return added;
}
