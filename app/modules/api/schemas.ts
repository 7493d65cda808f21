/**
 * The JSON API's request and response schemas (zod). The routes validate requests with them and the OpenAPI document
 * (openapi.ts) is generated from them with `z.toJSONSchema`, so the two cannot drift. The incident body reuses the
 * typed rules of incidents/schema.ts; the write still goes through the one validation gate (validateIncident).
 */
import { z } from "zod";
import { typedShape } from "../incidents/schema";
import { codesOf } from "../incidents/taxonomy";

export const ERROR_CODES = [
  "unauthorized", "forbidden", "not_found", "method_not_allowed", "bad_request", "validation_failed",
  "idempotency_conflict", "rate_limited", "unavailable", "busy", "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const message = { message: z.string().describe("Japanese"), messageEn: z.string() };

/** Every 4xx and 5xx answer of /api. */
export const apiErrorSchema = z
  .object({
    error: z
      .object({
        code: z.enum(ERROR_CODES),
        ...message,
        fields: z.record(z.string(), z.object({ code: z.string().describe("the message key"), ...message }).strict()).optional(),
      })
      .strict(),
  })
  .strict()
  .describe("One error shape for every 4xx and 5xx answer: a stable code, the message in Japanese and English, and for validation errors the message per field.");

// ---------- incidents ----------

const REQUIRED_IN_BODY = ["occurred_at", "channel", "behaviours"] as const;
type Shape = typeof typedShape;

/**
 * The POST body: the incident's fields as the form has them, typed (booleans, numbers, code arrays). Only
 * occurred_at, channel and behaviours are required; a missing field is null (a list: empty, status: open).
 */
export const incidentCreateSchema = z
  .object(
    Object.fromEntries(
      Object.entries(typedShape).map(([k, s]) => [k, (REQUIRED_IN_BODY as readonly string[]).includes(k) ? s : s.optional()]),
    ) as { [K in keyof Shape]: K extends (typeof REQUIRED_IN_BODY)[number] ? Shape[K] : z.ZodOptional<Shape[K]> },
  )
  .strict();
export type IncidentCreateBody = z.output<typeof incidentCreateSchema>;

const codes = (field: Parameters<typeof codesOf>[0]) => z.enum(codesOf(field) as [string, ...string[]]);
const nullableText = z.string().nullable();

export const incidentSchema = z
  .object({
    id: z.number().int(),
    ref: nullableText,
    occurred_at: z.string().describe("YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+09:00 (Asia/Tokyo)"),
    reported_at: nullableText,
    department: nullableText,
    in_tokyo: z.boolean().nullable(),
    channel: codes("channel"),
    client: nullableText,
    counterparty_type: codes("counterparty_type").nullable(),
    customer_identified: z.boolean().nullable(),
    validity: codes("validity").nullable(),
    behaviours: z.array(codes("behaviours")),
    legal_flags: z.array(codes("legal_flags")),
    severity: z.number().int().min(1).max(4).nullable(),
    duration_min: z.number().int().nullable(),
    contact_count: z.number().int().nullable(),
    responders: z.number().int().nullable(),
    recorded: z.boolean().nullable(),
    summary: nullableText,
    verbatim: nullableText,
    determination: codes("determination").nullable(),
    responses: z.array(codes("responses")),
    care: z.array(codes("care")),
    outcome: codes("outcome").nullable(),
    status: z.enum(["open", "closed"]),
    closed_at: nullableText,
    closed_date_unknown: z.literal(true).optional(),
    report_submitted_at: nullableText,
    prevention: nullableText,
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export type ApiIncident = z.infer<typeof incidentSchema>;

export const incidentListItemSchema = z
  .object({
    id: z.number().int(),
    ref: nullableText,
    occurredAt: z.string(),
    department: nullableText,
    client: nullableText,
    channel: z.string(),
    behaviours: z.array(z.string()),
    severity: z.number().int().nullable(),
    determination: nullableText,
    outcome: nullableText,
    status: z.enum(["open", "closed"]),
    closedDateUnknown: z.boolean(),
    summary: nullableText.describe("the first 80 characters"),
  })
  .strict();

export const incidentListSchema = z
  .object({
    items: z.array(incidentListItemSchema),
    total: z.number().int(),
    page: z.number().int(),
    pages: z.number().int(),
    pageSize: z.number().int(),
  })
  .strict();

/** The list's query parameters. */
export const incidentListQuerySchema = z
  .object({
    period: z.string().max(40).optional().describe("FY2025, 2025-04, 2025-Q2, 2025-04-01..2025-06-30 …"),
    department: z.string().regex(/^(\d+|unknown)$/).optional().describe("a department id, or unknown"),
    status: z.enum(["open", "closed"]).optional(),
    q: z.string().max(200).optional().describe("text search"),
    page: z.string().regex(/^[1-9]\d{0,5}$/).optional(),
  })
  .strict();

// ---------- aggregates and reports ----------

const shown = z.union([z.number(), z.literal("χ")]).describe("a count, or χ when hidden (executives)");

const periodSchema = z.object({ key: z.string(), from: z.string(), to: z.string(), label: z.string() });

export const aggregatesSchema = z
  .object({
    period: periodSchema,
    audience: z.enum(["hr", "executive"]),
    figures: z.looseObject({}).describe("the dashboard's figures as the dashboard has them; for executives protected (χ), docs/decisions/0022"),
  })
  .strict();

const row = z.looseObject({ code: z.string().nullable().optional(), label: z.string(), count: shown });

/** The compliance report JSON (docs/spec/reports.md), as `npm run report -- --format json` prints it. */
export const complianceReportSchema = z.looseObject({
  period: periodSchema,
  audience: z.enum(["hr", "executive"]),
  totals: z.looseObject({ incidents: shown, kasuhara: shown, previous: shown, yearBefore: shown }),
  byBehaviour: z.array(row),
  byChannel: z.array(row),
  byOutcome: z.array(row),
  bySeverity: z.array(row),
  byValidity: z.array(row),
  byDepartment: z.array(row),
  byClient: z.array(row),
  adherence: z.array(
    z.looseObject({
      step: z.enum(["identify", "report", "two_responders_recorded", "written_report", "care"]),
      applicable: shown,
      met: shown,
      rate: z.number().nullable(),
    }),
  ),
  measures: z.array(z.looseObject({ code: z.string(), status: z.enum(["in_place", "partial", "not_yet"]), stale: z.boolean() })),
  training: z.looseObject({ sessions: z.number(), attendees: z.number() }),
  open: z.looseObject({ count: shown, oldestDays: z.number().nullable() }),
});

export const reportQuerySchema = z.object({ audience: z.enum(["hr", "executive"]).optional() }).strict();
export const aggregatesQuerySchema = z
  .object({ period: z.string().max(40).optional(), department: z.string().regex(/^(\d+|unknown)$/).optional().describe("a department id, or unknown") })
  .strict();
