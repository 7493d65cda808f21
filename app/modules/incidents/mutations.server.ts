/**
 * Writing incidents. Every path (the form, the seed, the importer) goes through `IncidentWriter`, which validates,
 * resolves department and client names to their rows, and writes the incident with its coded values.
 * A writer lives inside one transaction; multi-row writes are one transaction.
 */
import { hash } from "node:crypto";
import { eq, getTableName, sql } from "drizzle-orm";
import type { Statement } from "better-sqlite3";
import type { Db } from "../../../db/client.server";
import { clients, departments, incidentCodes, incidents } from "../../../db/schema";
import { AppError } from "../errors";
import { checkVersion } from "../concurrency";
import { notifyIncidentCreated } from "../notifications/events.server";
import { audit, type Actor } from "../auth/audit.server";
import { type DepartmentEntry, lookupForEntry } from "../departments/lookup.server";
import { removeStoredFiles, storedFilesOf } from "../evidence/evidence.server";
import { normalizeName } from "./normalize";
import { type FieldErrors, type IncidentField, type IncidentInput, INCIDENT_FIELDS, validateIncident } from "./schema";
import { MULTI_FIELDS } from "./taxonomy";
import { todayInTokyo } from "./dates";

/** An incident that failed validation at the write: its field errors, for the form (422). */
export class ValidationFailed extends AppError {
  constructor(fieldErrors: FieldErrors) {
    super(422, "error.badRequest", { fieldErrors, logMessage: "incident failed validation" });
  }
}

/** The incident as the single validation gate returns it, or ValidationFailed with its field errors. */
export function checkedIncident(input: IncidentInput, today: string): IncidentInput {
  const r = validateIncident(input, today);
  if (!r.ok) throw new ValidationFailed(r.errors);
  return r.value;
}

/** The duplicate key of an incident without a ref (docs/spec/csv-import.md "Duplicates"). */
export function fingerprintOf(input: Pick<IncidentInput, "occurred_at" | "client" | "department" | "channel" | "summary">): string {
  const parts = [
    input.occurred_at,
    normalizeName(input.client ?? ""),
    normalizeName(input.department ?? ""),
    input.channel,
    normalizeName(input.summary ?? ""),
  ];
  // The one-shot hash: the same digest as createHash().update().digest(), without an object per row.
  return hash("sha256", parts.join("\u001f"), "hex").slice(0, 32);
}

const P = (name: string) => sql.placeholder(name);

export const bit = (b: boolean | null) => (b === null ? null : b ? 1 : 0);

/**
 * The column values of an incident that need no lookup (everything but its department, client and batch ids and its
 * coded lists), by drizzle key: the writer adds the ids; the importer's staging file stores them as they are.
 */
export function columnValues(input: IncidentInput, fingerprint: string = fingerprintOf(input)) {
  return {
    ref: input.ref, occurredAt: input.occurred_at, occurredOn: input.occurred_at.slice(0, 10),
    reportedAt: input.reported_at, inTokyo: input.in_tokyo, channel: input.channel, counterpartyType: input.counterparty_type,
    customerIdentified: input.customer_identified, validity: input.validity, severity: input.severity,
    durationMin: input.duration_min, contactCount: input.contact_count, responders: input.responders,
    recorded: input.recorded, summary: input.summary, verbatim: input.verbatim, determination: input.determination,
    outcome: input.outcome, status: input.status, closedAt: input.closed_at, closedDateUnknown: input.closed_date_unknown === true,
    reportSubmittedAt: input.report_submitted_at, prevention: input.prevention, fingerprint,
  };
}

/** The incident columns `columnValues` fills, by drizzle key, in one fixed order. */
export const VALUE_COLUMNS = [
  "ref", "occurredAt", "occurredOn", "reportedAt", "inTokyo", "channel", "counterpartyType", "customerIdentified",
  "validity", "severity", "durationMin", "contactCount", "responders", "recorded", "summary", "verbatim",
  "determination", "outcome", "status", "closedAt", "closedDateUnknown", "reportSubmittedAt", "prevention", "fingerprint",
] as const satisfies readonly (keyof ReturnType<typeof columnValues>)[];

/** The incident columns the writer fills, by their drizzle key (row() returns exactly these). */
const INSERT_COLUMNS = [...VALUE_COLUMNS, "departmentId", "clientId", "batchId"] as const satisfies readonly (keyof typeof incidents.$inferInsert)[];

// better-sqlite3's own prepared statements (drizzle's per-call mapping cost ~2x on many rows); the SQL is built from
// the drizzle schema's column names, so the schema stays the one source.
const INSERT_INCIDENT_SQL = `insert into ${getTableName(incidents)} (${INSERT_COLUMNS.map((k) => incidents[k].name).join(", ")}) values (${INSERT_COLUMNS.map((k) => `@${k}`).join(", ")})`;
const INSERT_CODE_SQL = `insert into ${getTableName(incidentCodes)} (${[incidentCodes.incidentId, incidentCodes.field, incidentCodes.code, incidentCodes.occurredOn].map((c) => c.name).join(", ")}) values (?, ?, ?, ?)`;

/**
 * Writes incidents on one connection. Use it inside a transaction (`db.transaction(() => …)` or the importer's
 * BEGIN … COMMIT): better-sqlite3 runs every statement of the connection in the open transaction.
 */
export class IncidentWriter {
  private readonly departmentIds = new Map<string, number>();
  /** The master's spelling of each department found (not of those created here: theirs is the name as written). */
  private readonly departmentNames = new Map<number, string>();
  private readonly clientIds = new Map<string, number>();
  private readonly insertIncident: Statement;
  private readonly insertCode: Statement;
  private readonly findRef;
  private readonly today: string;
  private readonly db: Db;
  private readonly departmentEntry: DepartmentEntry;
  private readonly keepDepartmentId: number | null;

  /**
   * `departments`: how department names are taken (lookup.server.ts): `create` (the default: imports, the demo data)
   * adds a name met for the first time; `listed` (the web form) takes only an active department, or `keepDepartmentId`
   * (the edited incident's own) even if it is retired. A name merged away is its merge target either way.
   */
  constructor(db: Db, opts: { today?: string; departments?: DepartmentEntry; keepDepartmentId?: number | null } = {}) {
    this.db = db;
    this.today = opts.today ?? todayInTokyo();
    this.departmentEntry = opts.departments ?? "create";
    this.keepDepartmentId = opts.keepDepartmentId ?? null;
    this.insertIncident = db.$client.prepare(INSERT_INCIDENT_SQL);
    this.insertCode = db.$client.prepare(INSERT_CODE_SQL);
    this.findRef = db.select({ id: incidents.id }).from(incidents).where(eq(incidents.ref, P("ref"))).prepare();
  }

  /** The id of the incident with this ref, if one is stored. */
  private idByRef(ref: string): number | undefined {
    return this.findRef.get({ ref })?.id;
  }

  /** Whether another incident already has this ref. */
  private refTaken(ref: string, exceptId?: number): boolean {
    const id = this.idByRef(ref);
    return id !== undefined && id !== exceptId;
  }

  departmentId(name: string | null, inTokyo: boolean | null = null): number | null {
    return this.idFor(this.departmentIds, name, (key) => {
      const found = lookupForEntry(this.db, key, this.departmentEntry, this.keepDepartmentId);
      if (found.ok === false) throw new ValidationFailed({ department: found.error });
      if (found.ok === true) {
        this.departmentNames.set(found.id, found.name);
        return found.id;
      }
      this.db.insert(departments).values({ name: name!.trim(), normalizedName: key, inTokyo }).onConflictDoNothing().run();
      return this.db.select({ id: departments.id }).from(departments).where(eq(departments.normalizedName, key)).get()!.id;
    });
  }

  clientId(name: string | null, counterpartyType: string | null = null): number | null {
    return this.idFor(this.clientIds, name, (key) => {
      this.db.insert(clients).values({ name: name!.trim(), normalizedName: key, counterpartyType }).onConflictDoNothing().run();
      return this.db.select({ id: clients.id }).from(clients).where(eq(clients.normalizedName, key)).get()!.id;
    });
  }

  /**
   * The row id for a name, created on first sight. The cache is keyed by the name as written and by its normalised
   * form (normalising is idempotent, so the two can never point at different rows): most rows repeat a name exactly,
   * and skip the normalisation.
   */
  private idFor(cache: Map<string, number>, name: string | null, create: (key: string) => number): number | null {
    if (!name) return null;
    let id = cache.get(name);
    if (id !== undefined) return id;
    const key = normalizeName(name);
    id = cache.get(key) ?? create(key);
    cache.set(key, id);
    cache.set(name, id);
    return id;
  }

  /** The column values of an incident (without its coded lists). */
  row(input: IncidentInput, batchId: string | null = null) {
    return {
      ...columnValues(input),
      departmentId: this.departmentId(input.department, input.in_tokyo),
      clientId: this.clientId(input.client, input.counterparty_type),
      batchId,
    };
  }

  /**
   * The incident as validated, its department named as the master spells it: a name typed in another width or case,
   * or one merged away, is stored, compared (diffFields) and fingerprinted as the department it stands for.
   */
  private validate(input: IncidentInput): IncidentInput {
    const v = checkedIncident(input, this.today);
    const id = this.departmentId(v.department, v.in_tokyo);
    const name = id === null ? undefined : this.departmentNames.get(id);
    return name === undefined || name === v.department ? v : { ...v, department: name };
  }

  private writeCodes(id: number, input: IncidentInput): void {
    const occurredOn = input.occurred_at.slice(0, 10);
    for (const field of MULTI_FIELDS) {
      for (const code of input[field]) this.insertCode.run(id, field, code, occurredOn);
    }
  }

  /** Validates and inserts one incident; returns its id. */
  insert(input: IncidentInput, batchId: string | null = null): number {
    const v = this.validate(input);
    if (v.ref && this.refTaken(v.ref)) throw new ValidationFailed({ ref: { key: "error.refTaken" } });
    return this.insertChecked(v, batchId);
  }

  /** Inserts an incident `insert` has validated and whose ref it found free. */
  private insertChecked(v: IncidentInput, batchId: string | null): number {
    const row = this.row(v, batchId);
    const id = Number(
      this.insertIncident.run({
        ...row, inTokyo: bit(row.inTokyo), customerIdentified: bit(row.customerIdentified), recorded: bit(row.recorded),
        closedDateUnknown: bit(row.closedDateUnknown),
      })
        .lastInsertRowid,
    );
    this.writeCodes(id, v);
    return id;
  }

  /** Validates and replaces every field of an incident; returns the fields whose value changed. */
  update(id: number, input: IncidentInput, before: IncidentInput): IncidentField[] {
    const v = this.validate(input);
    if (v.ref && this.refTaken(v.ref, id)) throw new ValidationFailed({ ref: { key: "error.refTaken" } });
    const { batchId: _keep, ...row } = this.row(v);
    this.db
      .update(incidents)
      .set({ ...row, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` })
      .where(eq(incidents.id, id))
      .run();
    this.db.delete(incidentCodes).where(eq(incidentCodes.incidentId, id)).run();
    this.writeCodes(id, v);
    return diffFields(before, v);
  }
}

/** The fields whose value differs between two versions of an incident. */
export function diffFields(before: IncidentInput, after: IncidentInput): IncidentField[] {
  const changed = INCIDENT_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
  // 終了日不明 set or cleared is a change of the close date's field.
  if (!before.closed_date_unknown !== !after.closed_date_unknown && !changed.includes("closed_at")) changed.push("closed_at");
  return changed;
}

/**
 * Who is writing, for the audit entry written in the same transaction (none from the seed and tests that say so), and
 * how the department is taken: the web form passes `departments: "listed"` (chosen from the master, never created).
 */
export interface WriteOptions {
  today?: string;
  actor?: Actor;
  departments?: DepartmentEntry;
}

export function createIncident(db: Db, input: IncidentInput, opts: WriteOptions = {}): number {
  return db.transaction(() => {
    const id = new IncidentWriter(db, { today: opts.today, departments: opts.departments }).insert(input);
    if (opts.actor) {
      audit(db, opts.actor, "incident.created", { type: "incident", id });
      // Recorded by someone (the form): the department's supervisors are told. The seed and bulk tools pass no actor.
      notifyIncidentCreated(db, id, opts.actor.userId);
    }
    return id;
  });
}

/** An edit: who writes it, and the version of the incident its form was opened at (undefined: from no form). */
export interface UpdateOptions extends WriteOptions {
  version?: number;
}

/**
 * Saves an edit; returns the fields that changed (audited by name, never by value: values may be personal). A form
 * opened at another version than the stored one is refused (StaleVersion) and nothing is written.
 */
export function updateIncident(
  db: Db,
  id: number,
  input: IncidentInput,
  before: IncidentInput,
  opts: UpdateOptions = {},
): IncidentField[] {
  return db.transaction(() => {
    const current = db.select({ version: incidents.version, departmentId: incidents.departmentId }).from(incidents).where(eq(incidents.id, id)).get();
    checkVersion(current?.version, opts.version);
    // The incident keeps its own department even when it has been retired since; any other must be active.
    const writer = new IncidentWriter(db, { today: opts.today, departments: opts.departments, keepDepartmentId: current?.departmentId ?? null });
    const fields = writer.update(id, input, before);
    if (opts.actor && fields.length) audit(db, opts.actor, "incident.updated", { type: "incident", id }, { fields });
    return fields;
  });
}

/** Deletes an incident and (by cascade) its coded values, report and evidence; returns whether it existed. */
export function deleteIncident(db: Db, id: number, actor?: Actor): boolean {
  const files = storedFilesOf(db, [id]);
  const deleted = db.transaction(() => {
    const ref = db.select({ ref: incidents.ref }).from(incidents).where(eq(incidents.id, id)).get();
    if (!ref) return false;
    db.delete(incidents).where(eq(incidents.id, id)).run();
    if (actor) audit(db, actor, "incident.deleted", { type: "incident", id }, { ref: ref.ref });
    return true;
  });
  // The evidence files go once their rows are gone for good (after the commit).
  if (deleted) removeStoredFiles(files);
  return deleted;
}
