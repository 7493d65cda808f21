/**
 * Incidents through the API: the same write (createIncident, its one validation gate, the department rules of the
 * form), the same list and the same reach as the UI, answered as JSON.
 */
import { createHash } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { apiIdempotency } from "../../../db/schema";
import { audit } from "../auth/audit.server";
import { canReachIncident, incidentScope } from "../auth/permissions";
import type { z } from "zod";
import { type FieldErrors, fieldErrorsOf } from "../forms";
import { parseListQuery } from "../incidents/filters";
import { createIncident } from "../incidents/mutations.server";
import { getIncident, listIncidents, type IncidentDetail } from "../incidents/queries.server";
import type { IncidentInput } from "../incidents/schema";
import { getSettings } from "../settings/settings.server";
import { ApiError, apiError, jsonResponse, type ApiContext } from "./http.server";
import { incidentCreateSchema, incidentListQuerySchema, type ApiIncident } from "./schemas";

export const API_BASE = "/api/v1";
/** How long an Idempotency-Key's answer is replayed. */
export const IDEMPOTENCY_MS = 24 * 3_600_000;

export function toApiIncident(d: IncidentDetail): ApiIncident {
  const { departmentId: _d, clientId: _c, batchId: _b, ...rest } = d;
  return rest as ApiIncident;
}

/** The body's fields with the ones left out filled as the form leaves them empty. */
function toInput(body: Record<string, unknown>): IncidentInput {
  const lists = new Set(["behaviours", "legal_flags", "responses", "care"]);
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(incidentCreateSchema.shape)) input[key] = body[key] ?? (lists.has(key) ? [] : null);
  input.status = body.status ?? "open";
  return input as unknown as IncidentInput;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** POST /api/v1/incidents: 201 with the incident and its Location, or the stored answer of the same Idempotency-Key. */
export function createIncidentViaApi(ctx: ApiContext, body: unknown, idempotencyKey: string | null): Response {
  const { db, caller } = ctx;
  if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) throw apiError(400, {}, "api.errors.idempotencyKey");
  const requestHash = createHash("sha256").update(`POST ${API_BASE}/incidents\n${JSON.stringify(body)}`).digest("hex");

  const write = (): { status: number; body: unknown; location: string | null } => {
    const parsed = incidentCreateSchema.safeParse(body);
    if (!parsed.success) throw apiError(422, { fields: bodyErrors(body, parsed.error.issues) });
    const input = toInput(parsed.data as Record<string, unknown>);
    // A supervisor's incident is always their own department's, whatever the body says (as on the form).
    if (incidentScope(caller.user).kind === "department") input.department = caller.user.department;
    const id = createIncident(db, input, { today: ctx.today, actor: ctx.actor, departments: "listed" });
    const created = getIncident(db, id)!;
    return { status: 201, body: toApiIncident(created), location: `${API_BASE}/incidents/${id}` };
  };

  const answer = (r: { status: number; body: unknown; location: string | null }, replayed: boolean) =>
    jsonResponse(r.status, r.body, { ...(r.location ? { Location: r.location } : {}), ...(replayed ? { "Idempotent-Replayed": "true" } : {}) });

  if (idempotencyKey === null) return answer(write(), false);

  return db.transaction(() => {
    const since = new Date(ctx.now.getTime() - IDEMPOTENCY_MS).toISOString();
    db.delete(apiIdempotency).where(and(eq(apiIdempotency.tokenId, caller.tokenId), lt(apiIdempotency.createdAt, since))).run();
    const stored = db
      .select()
      .from(apiIdempotency)
      .where(and(eq(apiIdempotency.tokenId, caller.tokenId), eq(apiIdempotency.key, idempotencyKey)))
      .get();
    if (stored) {
      if (stored.requestHash !== requestHash) throw new ApiError(422, "idempotency_conflict", "api.errors.idempotencyConflict");
      return answer({ status: stored.status, body: JSON.parse(stored.body), location: stored.location }, true);
    }
    // Only a created incident is stored: a refused body may be corrected and sent again with the same key.
    const r = write();
    db.insert(apiIdempotency)
      .values({ tokenId: caller.tokenId, key: idempotencyKey, requestHash, status: r.status, body: JSON.stringify(r.body), location: r.location, createdAt: ctx.now.toISOString() })
      .run();
    return answer(r, false);
  });
}

/** GET /api/v1/incidents: a page of the list within the token user's scope. */
export function listIncidentsViaApi(ctx: ApiContext): Response {
  const { db, caller, url } = ctx;
  const parsed = incidentListQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw apiError(400, { fields: fieldErrorsOf(parsed.error.issues) });
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(parsed.data)) if (v !== undefined) params.set(k, v);
  const query = parseListQuery(params, getSettings(db).fiscalYearStartMonth);
  if (query.invalidPeriod) throw apiError(400, { fields: { period: { key: "api.errors.badPeriod" } } }, "api.errors.badPeriod");
  const scope = incidentScope(caller.user);
  if (scope.kind === "department") query.filters.departmentId = [scope.departmentId];
  const page = listIncidents(db as Db, query);
  return jsonResponse(200, { items: page.rows, total: page.total, page: page.page, pages: page.pages, pageSize: page.pageSize });
}

/** GET /api/v1/incidents/{id}: 404 also for one outside the user's reach (its existence is not told). Audited. */
export function getIncidentViaApi(ctx: ApiContext, idText: string | undefined): Response {
  const id = Number(idText);
  if (!Number.isSafeInteger(id) || id < 1 || String(id) !== idText) throw apiError(404);
  const incident = getIncident(ctx.db, id);
  if (!incident || !canReachIncident(ctx.caller.user, incident)) throw apiError(404);
  // Personal detail was read: audited as the UI's view is.
  audit(ctx.db, ctx.actor, "incident.viewed", { type: "incident", id }, { via: "api", tokenId: ctx.caller.tokenId });
  return jsonResponse(200, toApiIncident(incident));
}

/**
 * The field errors of a refused body. The form's schema speaks of choices and dates, as a form sends strings; a JSON
 * client can also leave a field out or send a number as a string: those say 必須 and "wrong type" instead of the
 * schema's fallback (選択肢にない値です).
 */
function bodyErrors(body: unknown, issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const fields = fieldErrorsOf(issues);
  const given = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  for (const issue of issues) {
    if (issue.code !== "invalid_type" || issue.path.length === 0) continue;
    const field = String(issue.path[0]);
    fields[field] = given[field] === undefined || given[field] === null ? { key: "error.required" } : { key: "api.errors.wrongType" };
  }
  return fields;
}
