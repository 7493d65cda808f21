/**
 * Writing incidents. Every path (the form, the seed, the importer) goes through `IncidentWriter`, which validates,
 * resolves department and client names to their rows, and writes the incident with its coded values.
 * A writer lives inside one transaction; multi-row writes are one transaction.
 */
import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Conn, Db } from "../../../db/client.server";
import { clients, departments, incidentCodes, incidents } from "../../../db/schema";
import { AppError } from "../errors";
import { normalizeName } from "./normalize";
import { type FieldErrors, type IncidentField, type IncidentInput, INCIDENT_FIELDS, validateIncident } from "./schema";
import { MULTI_FIELDS } from "./taxonomy";
import { todayInTokyo } from "./dates";


export class ValidationFailed extends AppError {
  constructor(public readonly fieldErrors: FieldErrors) {
    super(422, "error.badRequest", "incident failed validation");
  }
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
  return createHash("sha256").update(parts.join("\u001f")).digest("hex").slice(0, 32);
}

const P = (name: string) => sql.placeholder(name);

export class IncidentWriter {
  private readonly departmentIds = new Map<string, number>();
  private readonly clientIds = new Map<string, number>();
  private readonly insertIncident;
  private readonly insertCode;
  private readonly findRef;
  private readonly today: string;

  constructor(
    private readonly tx: Conn,
    opts: { today?: string } = {},
  ) {
    this.today = opts.today ?? todayInTokyo();
    this.insertIncident = tx
      .insert(incidents)
      .values({
        ref: P("ref"), occurredAt: P("occurredAt"), occurredOn: P("occurredOn"), reportedAt: P("reportedAt"),
        departmentId: P("departmentId"), inTokyo: P("inTokyo"), channel: P("channel"), clientId: P("clientId"),
        counterpartyType: P("counterpartyType"), customerIdentified: P("customerIdentified"), validity: P("validity"),
        severity: P("severity"), durationMin: P("durationMin"), contactCount: P("contactCount"),
        responders: P("responders"), recorded: P("recorded"), summary: P("summary"), verbatim: P("verbatim"),
        determination: P("determination"), outcome: P("outcome"), status: P("status"), closedAt: P("closedAt"),
        reportSubmittedAt: P("reportSubmittedAt"), prevention: P("prevention"), fingerprint: P("fingerprint"),
        batchId: P("batchId"),
      })
      .returning({ id: incidents.id })
      .prepare();
    this.insertCode = tx
      .insert(incidentCodes)
      .values({ incidentId: P("incidentId"), field: P("field"), code: P("code"), occurredOn: P("occurredOn") })
      .prepare();
    this.findRef = tx.select({ id: incidents.id }).from(incidents).where(eq(incidents.ref, P("ref"))).prepare();
  }

  /** Whether another incident already has this ref. */
  private refTaken(ref: string, exceptId?: number): boolean {
    const hit = this.findRef.get({ ref });
    return hit !== undefined && hit.id !== exceptId;
  }

  departmentId(name: string | null, inTokyo: boolean | null = null): number | null {
    if (!name) return null;
    const key = normalizeName(name);
    let id = this.departmentIds.get(key);
    if (id === undefined) {
      this.tx.insert(departments).values({ name: name.trim(), normalizedName: key, inTokyo }).onConflictDoNothing().run();
      id = this.tx.select({ id: departments.id }).from(departments).where(eq(departments.normalizedName, key)).get()!.id;
      this.departmentIds.set(key, id);
    }
    return id;
  }

  clientId(name: string | null, counterpartyType: string | null = null): number | null {
    if (!name) return null;
    const key = normalizeName(name);
    let id = this.clientIds.get(key);
    if (id === undefined) {
      this.tx
        .insert(clients)
        .values({ name: name.trim(), normalizedName: key, counterpartyType })
        .onConflictDoNothing()
        .run();
      id = this.tx.select({ id: clients.id }).from(clients).where(eq(clients.normalizedName, key)).get()!.id;
      this.clientIds.set(key, id);
    }
    return id;
  }

  /** The column values of an incident (without its coded lists). */
  row(input: IncidentInput, batchId: string | null = null) {
    return {
      ref: input.ref, occurredAt: input.occurred_at, occurredOn: input.occurred_at.slice(0, 10),
      reportedAt: input.reported_at, departmentId: this.departmentId(input.department, input.in_tokyo),
      inTokyo: input.in_tokyo, channel: input.channel,
      clientId: this.clientId(input.client, input.counterparty_type), counterpartyType: input.counterparty_type,
      customerIdentified: input.customer_identified, validity: input.validity, severity: input.severity,
      durationMin: input.duration_min, contactCount: input.contact_count, responders: input.responders,
      recorded: input.recorded, summary: input.summary, verbatim: input.verbatim, determination: input.determination,
      outcome: input.outcome, status: input.status, closedAt: input.closed_at,
      reportSubmittedAt: input.report_submitted_at, prevention: input.prevention, fingerprint: fingerprintOf(input),
      batchId,
    };
  }

  private validate(input: IncidentInput): IncidentInput {
    const r = validateIncident(input, this.today);
    if (!r.ok) throw new ValidationFailed(r.errors);
    return r.value;
  }

  private writeCodes(id: number, input: IncidentInput): void {
    const occurredOn = input.occurred_at.slice(0, 10);
    for (const field of MULTI_FIELDS) {
      for (const code of input[field]) this.insertCode.run({ incidentId: id, field, code, occurredOn });
    }
  }

  /** Validates and inserts one incident; returns its id. */
  insert(input: IncidentInput, batchId: string | null = null): number {
    const v = this.validate(input);
    if (v.ref && this.refTaken(v.ref)) throw new ValidationFailed({ ref: { key: "errors.refTaken" } });
    const { id } = this.insertIncident.get(this.row(v, batchId))!;
    this.writeCodes(id, v);
    return id;
  }

  /** Validates and replaces every field of an incident; returns the fields whose value changed. */
  update(id: number, input: IncidentInput, before: IncidentInput): IncidentField[] {
    const v = this.validate(input);
    if (v.ref && this.refTaken(v.ref, id)) throw new ValidationFailed({ ref: { key: "errors.refTaken" } });
    const { batchId: _keep, ...row } = this.row(v);
    this.tx
      .update(incidents)
      .set({ ...row, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` })
      .where(eq(incidents.id, id))
      .run();
    this.tx.delete(incidentCodes).where(eq(incidentCodes.incidentId, id)).run();
    this.writeCodes(id, v);
    return diffFields(before, v);
  }
}

/** The fields whose value differs between two versions of an incident. */
export function diffFields(before: IncidentInput, after: IncidentInput): IncidentField[] {
  return INCIDENT_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

export function createIncident(db: Db, input: IncidentInput, opts: { today?: string } = {}): number {
  return db.transaction((tx) => new IncidentWriter(tx, opts).insert(input));
}

export function updateIncident(
  db: Db,
  id: number,
  input: IncidentInput,
  before: IncidentInput,
  opts: { today?: string } = {},
): IncidentField[] {
  return db.transaction((tx) => new IncidentWriter(tx, opts).update(id, input, before));
}

/** Deletes an incident and (by cascade) its coded values; returns whether it existed. */
export function deleteIncident(db: Db, id: number): boolean {
  return db.delete(incidents).where(eq(incidents.id, id)).run().changes > 0;
}
