/**
 * The workflow of the 是正処置計画書兼報告書: draft → submitted (the responder, to their supervisor) → approved (the
 * supervisor, or HR/admin), or returned to draft. Submitting sets the incident's report_submitted_at, from which
 * response-flow step ⑤ is measured. Every step writes its audit entry in the same transaction.
 */
import { and, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { incidentReports, incidents, users } from "../../../db/schema";
import { AppError, type FieldErrors } from "../errors";
import { notifyReportSubmitted } from "../notifications/events.server";
import { audit, type Actor } from "../auth/audit.server";
import { checkVersion, type Versioned } from "../concurrency";
import type { Principal } from "../auth/permissions";
import type { CorrectiveAction, ReportFields } from "./report-schema";
import { reportComparable, stampCompletion, submissionProblems } from "./report-schema";
import { todayInTokyo } from "./dates";

export type ReportStatus = "draft" | "submitted" | "approved";

export interface IncidentReportView extends ReportFields {
  incidentId: number;
  status: ReportStatus;
  submittedOn: string | null;
  submittedBy: string | null;
  approvedOn: string | null;
  approvedBy: string | null;
  updatedAt: string | null;
  /** Moves on with every write: the form posts the one it was opened at (0 before the report was started). */
  version: number;
}

/** What submitting still needs, per field (422): the page lists them under 「提出できません」. */
export class ReportNotReady extends AppError {
  constructor(problems: FieldErrors) {
    super(422, "incidentReport.errors.notReady", { fieldErrors: problems });
  }

  get problems(): FieldErrors {
    return this.fieldErrors;
  }
}

function view(row: typeof incidentReports.$inferSelect): IncidentReportView {
  return {
    incidentId: row.incidentId,
    status: row.status,
    whatHappened: row.whatHappened,
    causeAnalysis: row.causeAnalysis,
    actions: JSON.parse(row.actions) as CorrectiveAction[],
    supervisorComment: row.supervisorComment,
    submittedOn: row.submittedOn,
    submittedBy: row.submittedBy,
    approvedOn: row.approvedOn,
    approvedBy: row.approvedBy,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}

/** The report of an incident, or null when none was started. */
export function getReport(db: Db, incidentId: number): IncidentReportView | null {
  const row = db.select().from(incidentReports).where(eq(incidentReports.incidentId, incidentId)).get();
  return row ? view(row) : null;
}

/** The version of a report not started yet: a form opened then is stale once anyone starts it. */
export const NO_REPORT_VERSION = 0;

/**
 * The report as stored now, as its conflict panel compares it. `version` (optional everywhere below) is the version the
 * form was opened at; a write from no form passes none.
 */
export function storedReport(db: Db, incidentId: number): Versioned {
  const r = getReport(db, incidentId);
  const empty: ReportFields = { whatHappened: null, causeAnalysis: null, actions: [], supervisorComment: null };
  return { version: r?.version ?? NO_REPORT_VERSION, values: reportComparable(r ?? empty, r?.status ?? "draft") };
}

/** The report, checked to be still at the version its form was opened at (StaleVersion otherwise). */
function currentAt(db: Db, incidentId: number, version: number | undefined): IncidentReportView | null {
  const current = getReport(db, incidentId);
  checkVersion(current?.version ?? NO_REPORT_VERSION, version);
  return current;
}

const now = () => new Date().toISOString();

function write(db: Db, incidentId: number, values: Partial<typeof incidentReports.$inferInsert>): void {
  const existing = db.select({ id: incidentReports.id }).from(incidentReports).where(eq(incidentReports.incidentId, incidentId)).get();
  if (existing) db.update(incidentReports).set({ ...values, updatedAt: now() }).where(eq(incidentReports.id, existing.id)).run();
  else db.insert(incidentReports).values({ incidentId, ...values }).run();
}

function fieldsToRow(f: ReportFields) {
  return {
    whatHappened: f.whatHappened,
    causeAnalysis: f.causeAnalysis,
    actions: JSON.stringify(f.actions),
    supervisorComment: f.supervisorComment,
  };
}

/** Saves the form as a draft. An approved report no longer changes; a submitted one changes only by its approver. */
export function saveDraft(db: Db, incidentId: number, f: ReportFields, actor: Actor, version?: number, today = todayInTokyo()): void {
  db.transaction(() => {
    const current = currentAt(db, incidentId, version);
    if (current?.status === "approved") throw new AppError(409, "incidentReport.errors.approved");
    if (current?.status === "submitted") throw new AppError(409, "incidentReport.errors.submitted");
    write(db, incidentId, { ...fieldsToRow({ ...f, actions: stampCompletion(current?.actions ?? [], f.actions, actor.userId, today) }), status: "draft" });
    audit(db, actor, "incident_report.saved", { type: "incident", id: incidentId });
  });
}

/**
 * Submits the report to the supervisor: complete fields are required; the submission day becomes the incident's
 * report_submitted_at (the first submission counts when a report was returned and submitted again).
 */
export function submitReport(db: Db, incidentId: number, f: ReportFields, actor: Actor, today: string, version?: number): void {
  const problems = submissionProblems(f);
  if (Object.keys(problems).length) throw new ReportNotReady(problems);
  db.transaction(() => {
    const current = currentAt(db, incidentId, version);
    if (current?.status === "approved") throw new AppError(409, "incidentReport.errors.approved");
    if (current?.status === "submitted") throw new AppError(409, "incidentReport.errors.submitted");
    const submittedOn = current?.submittedOn ?? today;
    const actions = stampCompletion(current?.actions ?? [], f.actions, actor.userId, today);
    write(db, incidentId, { ...fieldsToRow({ ...f, actions }), status: "submitted", submittedOn, submittedBy: actor.name });
    db.update(incidents).set({ reportSubmittedAt: submittedOn }).where(eq(incidents.id, incidentId)).run();
    audit(db, actor, "incident_report.submitted", { type: "incident", id: incidentId }, { submittedOn });
    notifyReportSubmitted(db, incidentId, actor.userId);
  });
}

/** The supervisor approves a submitted report, with their comment. */
export function approveReport(db: Db, incidentId: number, comment: string | null, actor: Actor, today: string, version?: number): void {
  db.transaction(() => {
    submittedByAnother(currentAt(db, incidentId, version), actor);
    write(db, incidentId, { status: "approved", supervisorComment: comment, approvedOn: today, approvedBy: actor.name });
    audit(db, actor, "incident_report.approved", { type: "incident", id: incidentId }, { approvedOn: today });
  });
}

/**
 * Four eyes: a report awaiting review is approved or returned by someone other than who submitted it. Checked inside
 * the transaction that writes the decision, so no caller can skip it and no submission can slip in between.
 */
function submittedByAnother(current: IncidentReportView | null, actor: Actor): void {
  if (current?.submittedBy === actor.name) throw new AppError(403, "incidentReport.errors.ownApproval");
  if (current?.status !== "submitted") throw new AppError(409, "incidentReport.errors.notSubmitted");
}

/** The supervisor sends a submitted report back for changes, saying why. */
export function returnReport(db: Db, incidentId: number, comment: string | null, actor: Actor, version?: number): void {
  db.transaction(() => {
    submittedByAnother(currentAt(db, incidentId, version), actor);
    write(db, incidentId, { status: "draft", supervisorComment: comment });
    audit(db, actor, "incident_report.returned", { type: "incident", id: incidentId });
  });
}

/**
 * Who may mark an action of a submitted or approved report done (or not done again): HR and admin, the supervisor of
 * the incident's department, and the action's owner.
 */
export function mayComplete(user: Principal & { id: number }, incidentDepartment: number | null, a: CorrectiveAction): boolean {
  if (user.role === "admin" || user.role === "hr") return true;
  if (user.role === "supervisor" && user.departmentId !== null && user.departmentId === incidentDepartment) return true;
  return a.ownerUserId !== undefined && a.ownerUserId === user.id;
}

/**
 * Records which actions of a submitted or approved report are done (`done[i]` for the stored action i), with who and
 * when for the newly done ones. Each changed action must be one the user may complete (403 otherwise, nothing
 * written); a draft's actions are saved with the draft. The audit entry names the actions by their line, nothing else.
 * Returns how many actions changed (0: nothing written).
 */
export function completeActions(
  db: Db, incidentId: number, done: readonly boolean[], user: Principal & { id: number }, actor: Actor, today: string, version?: number,
): number {
  return db.transaction(() => {
    const current = currentAt(db, incidentId, version);
    if (!current || current.status === "draft") throw new AppError(409, "incidentReport.errors.notSubmittedYet");
    const department = db.select({ d: incidents.departmentId }).from(incidents).where(eq(incidents.id, incidentId)).get()?.d ?? null;
    const completed: number[] = [];
    const reopened: number[] = [];
    const next = current.actions.map((a, i) => {
      const want = done[i] ?? a.done;
      if (want === a.done) return a;
      if (!mayComplete(user, department, a)) throw new AppError(403, "incidentReport.errors.notYourAction");
      (want ? completed : reopened).push(i + 1);
      return { ...a, done: want };
    });
    if (completed.length + reopened.length === 0) return 0;
    write(db, incidentId, { actions: JSON.stringify(stampCompletion(current.actions, next, user.id, today)) });
    audit(db, actor, "incident_report.actions_completed", { type: "incident", id: incidentId }, { completed, reopened });
    return completed.length + reopened.length;
  });
}

/**
 * The chosen owners' names: each action with an `ownerUserId` gets that user's display name (or e-mail when they have
 * none). An id that is no user is the row's field error (what the select posts is only ever a user's).
 */
export function resolveOwners(db: Db, f: ReportFields, departmentId: number | null, rowOf: (index: number) => number = (i) => i): ReportFields {
  // Only someone offered on the form: a supervisor of another department could not open the incident to finish it.
  const found = new Map(ownerChoices(db, departmentId).map((o) => [o.id, o.name]));
  const problems: FieldErrors = {};
  const actions = f.actions.map((a, i) => {
    if (!a.ownerUserId) return a;
    const name = found.get(a.ownerUserId);
    if (!name) problems[`owner_${rowOf(i)}`] = { key: "incidentReport.errors.ownerUnknown" };
    return { ...a, owner: name ?? "" };
  });
  if (Object.keys(problems).length) throw new AppError(422, "incidentReport.errors.invalid", { fieldErrors: problems });
  return { ...f, actions };
}

/**
 * Who may be chosen as an action's owner: active users who may open this incident (admins, HR, and the supervisors of
 * its department; not executives nor other departments' supervisors), the incident's department's first.
 */
export function ownerChoices(db: Db, departmentId: number | null): { id: number; name: string; ownDepartment: boolean }[] {
  const rows = db
    .select({ id: users.id, email: users.email, name: users.displayName, role: users.role, departmentId: users.departmentId, disabledAt: users.disabledAt })
    .from(users)
    .all()
    .filter((u) => u.disabledAt === null && u.role !== "executive" && (u.role !== "supervisor" || (departmentId !== null && u.departmentId === departmentId)));
  return rows
    .map((u) => ({ id: u.id, name: u.name || u.email, ownDepartment: departmentId !== null && u.departmentId === departmentId }))
    .sort((a, b) => Number(b.ownDepartment) - Number(a.ownDepartment) || a.name.localeCompare(b.name, "ja"));
}

/** People's names for a printed form: e-mails (submittedBy, approvedBy) and user ids (doneBy) → display name. */
export function peopleNames(db: Db, emails: (string | null)[], ids: (number | undefined)[]): { byEmail: Record<string, string>; byId: Record<number, string> } {
  const e = [...new Set(emails.filter((x): x is string => !!x))];
  const i = [...new Set(ids.filter((x): x is number => !!x))];
  const byEmail: Record<string, string> = {};
  const byId: Record<number, string> = {};
  if (e.length) for (const u of db.select({ email: users.email, name: users.displayName }).from(users).where(inArray(users.email, e)).all()) byEmail[u.email] = u.name || u.email;
  if (i.length) for (const u of db.select({ id: users.id, email: users.email, name: users.displayName }).from(users).where(inArray(users.id, i)).all()) byId[u.id] = u.name || u.email;
  return { byEmail, byId };
}

export interface OverdueAction {
  incidentId: number;
  ref: string | null;
  occurredOn: string;
  department: number | null;
  action: string;
  owner: string;
  ownerUserId?: number;
  due: string;
}

/**
 * Corrective actions past their due date and not done, oldest due first: what HR chases. A supervisor's list is their
 * department's (departmentId).
 */
export function overdueActions(db: Db, today: string, departmentId: number | null = null): OverdueAction[] {
  const rows = db
    .select({
      incidentId: incidentReports.incidentId,
      actions: incidentReports.actions,
      ref: incidents.ref,
      occurredOn: incidents.occurredOn,
      department: incidents.departmentId,
    })
    .from(incidentReports)
    .innerJoin(incidents, eq(incidents.id, incidentReports.incidentId))
    .where(and(ne(incidentReports.actions, "[]"), departmentId === null ? undefined : inArray(incidents.departmentId, [departmentId])))
    // No ORDER BY: sorting by occurred_on made SQLite walk every incident in that index to find the few with a report
    // (60 ms at 1,000,000 incidents, on every HR dashboard); the order is made below.
    .all();
  const out: OverdueAction[] = [];
  for (const r of rows) {
    for (const a of JSON.parse(r.actions) as CorrectiveAction[]) {
      if (!a.done && a.due && a.due < today) {
        out.push({
          incidentId: r.incidentId, ref: r.ref, occurredOn: r.occurredOn, department: r.department, action: a.action, owner: a.owner,
          ...(a.ownerUserId ? { ownerUserId: a.ownerUserId } : {}), due: a.due,
        });
      }
    }
  }
  const order = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((x, y) => order(x.due, y.due) || order(x.occurredOn, y.occurredOn) || order(x.incidentId, y.incidentId));
}
