/**
 * The consultation desk log (相談窓口): adding, changing, listing and opening consultations, and the figures the
 * compliance report shows of them. Every write stores the row and its audit entry in one transaction; opening one is
 * audited too. Audit entries never hold the follow-up text or the employee reference: an update lists field names only.
 */
import { findIncidentByRef } from "../incidents/reference.server";
import { and, asc, desc, eq, gte, isNotNull, isNull, lte, sql, type SQL } from "drizzle-orm";
import type { Conn, Db } from "../../../db/client.server";
import { consultations, incidents } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import { fieldErrorsOf, type FieldErrors } from "../forms";
import { checkVersion, parseVersion, saveOrConflict, type Conflict } from "../concurrency";
import { daysBetween } from "../incidents/dates";
import { median } from "../statistics";
import {
  CONSULTATION_CONTENT_FIELDS, CONSULTATION_PAGE_SIZE, consultationSchema, toFormValues, type ConsultationFormValues,
  type ConsultationInput, type ConsultationQuery,
} from "./schema";

export type Consultation = typeof consultations.$inferSelect;

/** A consultation with what the pages show of its linked incident (null when none, or the incident was deleted). */
export interface ConsultationRow extends Consultation {
  incident: { id: number; ref: string | null; occurredOn: string } | null;
}

const withIncident = {
  c: consultations,
  incidentRef: incidents.ref,
  incidentOccurredOn: incidents.occurredOn,
};

function toRow(r: { c: Consultation; incidentRef: string | null; incidentOccurredOn: string | null }): ConsultationRow {
  return {
    ...r.c,
    incident:
      r.c.incidentId !== null && r.incidentOccurredOn !== null
        ? { id: r.c.incidentId, ref: r.incidentRef, occurredOn: r.incidentOccurredOn }
        : null,
  };
}

export function incidentExists(db: Conn, id: number): boolean {
  return !!db.select({ id: incidents.id }).from(incidents).where(eq(incidents.id, id)).get();
}

/**
 * The incident a typed 管理番号 or id names (issue 19): a 管理番号 first (incidents/reference.server.ts: any width, case
 * or dash), then, for a number (or "#123"), the internal id. Consultations are HR's, so every incident is in reach.
 */
export function findLinkedIncident(db: Conn, typed: string): number | null {
  const byRef = findIncidentByRef(db, typed, { kind: "all" });
  if (byRef !== null) return byRef;
  const digits = typed.trim().replace(/^#/, "");
  return /^[1-9]\d{0,14}$/.test(digits) && incidentExists(db, Number(digits)) ? Number(digits) : null;
}

/** One consultation with its incident's ref and date, or null. Not audited: see viewConsultation. */
export function getConsultation(db: Conn, id: number): ConsultationRow | null {
  const r = db
    .select(withIncident)
    .from(consultations)
    .leftJoin(incidents, eq(incidents.id, consultations.incidentId))
    .where(eq(consultations.id, id))
    .get();
  return r ? toRow(r) : null;
}

/** Opening a consultation (its page): the row, and a `consultation.viewed` entry; null (and no entry) when there is none. */
export function viewConsultation(db: Db, id: number, actor: Actor): ConsultationRow | null {
  return db.transaction((tx) => {
    const row = getConsultation(tx, id);
    if (row) audit(tx, actor, "consultation.viewed", { type: "consultation", id });
    return row;
  });
}

// ---------- list ----------

export interface ConsultationCounts {
  total: number;
  open: number;
  closed: number;
}

export interface ConsultationPage {
  rows: ConsultationRow[];
  /** Under every filter: how many, and of them open (no closed_on) and closed. */
  counts: ConsultationCounts;
  page: number;
  pages: number;
  pageSize: number;
}

function listConditions(q: Pick<ConsultationQuery, "period" | "route" | "state">): SQL | undefined {
  const c: SQL[] = [];
  if (q.period) c.push(gte(consultations.receivedOn, q.period.from), lte(consultations.receivedOn, q.period.to));
  if (q.route) c.push(eq(consultations.route, q.route));
  if (q.state === "open") c.push(isNull(consultations.closedOn));
  if (q.state === "closed") c.push(isNotNull(consultations.closedOn));
  return c.length ? and(...c) : undefined;
}

/** The list, newest received first, 50 a page (a page past the end shows the last). */
export function listConsultations(db: Db, q: Pick<ConsultationQuery, "period" | "route" | "state" | "page">): ConsultationPage {
  const where = listConditions(q);
  const c = db
    .select({
      total: sql<number>`count(*)`,
      open: sql<number>`coalesce(sum(${consultations.closedOn} is null), 0)`,
    })
    .from(consultations)
    .where(where)
    .get() ?? { total: 0, open: 0 };
  const pages = Math.max(1, Math.ceil(c.total / CONSULTATION_PAGE_SIZE));
  const page = Math.min(Math.max(1, q.page), pages);
  const rows = db
    .select(withIncident)
    .from(consultations)
    .leftJoin(incidents, eq(incidents.id, consultations.incidentId))
    .where(where)
    .orderBy(desc(consultations.receivedOn), desc(consultations.id))
    .limit(CONSULTATION_PAGE_SIZE)
    .offset((page - 1) * CONSULTATION_PAGE_SIZE)
    .all()
    .map(toRow);
  return { rows, counts: { total: c.total, open: c.open, closed: c.total - c.open }, page, pages, pageSize: CONSULTATION_PAGE_SIZE };
}

// ---------- writes ----------

/** Adds a consultation; returns its id. The audit entry holds no employee reference and no follow-up text. */
export function createConsultation(db: Db, input: ConsultationInput, actor: Actor): number {
  return db.transaction((tx) => {
    const { id } = tx
      .insert(consultations)
      .values({ ...input, createdBy: actor.name })
      .returning({ id: consultations.id })
      .get();
    audit(tx, actor, "consultation.created", { type: "consultation", id }, {
      receivedOn: input.receivedOn,
      route: input.route,
      anonymous: input.anonymous,
      incidentId: input.incidentId,
    });
    return id;
  });
}

/**
 * Saves an edit. Returns the names of the fields that changed ([] when nothing did: no write, no entry), or null when
 * there is no such consultation. The audit entry lists the names only, never the values (the follow-up is personal).
 * A form opened at another `version` than the stored one is refused (StaleVersion), even when it changes nothing.
 */
export function updateConsultation(db: Db, id: number, input: ConsultationInput, actor: Actor, version?: number): string[] | null {
  return db.transaction((tx) => {
    const before = tx.select().from(consultations).where(eq(consultations.id, id)).get();
    if (!before) return null;
    checkVersion(before.version, version);
    const fields: string[] = CONSULTATION_CONTENT_FIELDS.filter((f) => before[f] !== input[f]);
    if (fields.length === 0) return [];
    tx.update(consultations)
      .set({ ...input, updatedAt: new Date().toISOString() })
      .where(eq(consultations.id, id))
      .run();
    audit(tx, actor, "consultation.updated", { type: "consultation", id }, { fields });
    return fields;
  });
}

/** A failed save: field errors, or (a stale form, no field errors) the conflict with what is stored. */
export type ConsultationFormResult<T> =
  | { ok: false; errors: FieldErrors; values: ConsultationFormValues; conflict?: Conflict }
  | { ok: true; value: T };

function parseForm(db: Db, values: ConsultationFormValues, today: string) {
  return consultationSchema(today, (typed) => findLinkedIncident(db, typed)).safeParse(values);
}

/** The new page's action: validate (today = the Tokyo calendar day), then add. Invalid input writes nothing. */
export function createConsultationForm(
  db: Db,
  values: ConsultationFormValues,
  today: string,
  actor: Actor,
): ConsultationFormResult<number> {
  const parsed = parseForm(db, values, today);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error.issues), values };
  return { ok: true, value: createConsultation(db, parsed.data, actor) };
}

/**
 * The detail page's action: validate, then save; the changed field names, or null for an unknown id. `posted` is the
 * form's version field, read once the fields are valid (missing or not a number: a 400); a stale form writes nothing and
 * gets the conflict. Without `posted` (no form) the version is not checked.
 */
export function updateConsultationForm(
  db: Db,
  id: number,
  values: ConsultationFormValues,
  today: string,
  actor: Actor,
  posted?: FormDataEntryValue | null,
): ConsultationFormResult<string[]> | null {
  const parsed = parseForm(db, values, today);
  if (!parsed.success) {
    return getConsultation(db, id) ? { ok: false, errors: fieldErrorsOf(parsed.error.issues), values } : null;
  }
  const version = posted === undefined ? undefined : parseVersion(posted);
  const saved = saveOrConflict(
    () => updateConsultation(db, id, parsed.data, actor, version),
    () => toFormValues(parsed.data),
    () => {
      const now = getConsultation(db, id);
      return { version: now?.version ?? 0, values: now ? toFormValues(now) : {} };
    },
  );
  if (!saved.ok) return { ok: false, errors: {}, conflict: saved.conflict, values };
  return saved.value === null ? null : { ok: true, value: saved.value };
}

// ---------- the compliance report ----------

export interface ConsultationMetrics {
  /** Consultations received in [from, to] (received_on, both days included). */
  received: number;
  /** Of them, anonymous. */
  anonymous: number;
  /** Median of the days from received_on to first_response_on over those with a first response; null when none has. */
  medianDaysToFirstResponse: number | null;
  /** Of them, with a first response recorded (whenever it was). */
  responded: number;
  /** Of them, linked to an incident still on file. */
  linkedToIncident: number;
  /** linkedToIncident ÷ received; null when none was received. */
  linkedShare: number | null;
  /** Of them, open at the period's end: not closed, or closed after `to` (as the report counts open incidents). */
  open: number;
}

/**
 * The consultation desk's figures for the compliance report: consultations received from `from` to `to` (calendar days
 * `YYYY-MM-DD`, Asia/Tokyo, both included — a Period's `from` and `to`). Reads only.
 */
export function consultationMetrics(db: Conn, from: string, to: string): ConsultationMetrics {
  const rows = db
    .select({
      receivedOn: consultations.receivedOn,
      anonymous: consultations.anonymous,
      incidentId: consultations.incidentId,
      firstResponseOn: consultations.firstResponseOn,
      closedOn: consultations.closedOn,
    })
    .from(consultations)
    .where(and(gte(consultations.receivedOn, from), lte(consultations.receivedOn, to)))
    .orderBy(asc(consultations.id))
    .all();
  const delays = rows.flatMap((r) => (r.firstResponseOn ? [daysBetween(r.receivedOn, r.firstResponseOn)] : []));
  const linked = rows.filter((r) => r.incidentId !== null).length;
  return {
    received: rows.length,
    anonymous: rows.filter((r) => r.anonymous).length,
    medianDaysToFirstResponse: median(delays),
    responded: delays.length,
    linkedToIncident: linked,
    linkedShare: rows.length ? linked / rows.length : null,
    open: rows.filter((r) => r.closedOn === null || r.closedOn > to).length,
  };
}
