/**
 * Validation of incidents. Two layers:
 * - `incidentInputSchema(today)`: a typed incident (what every write path hands to mutations), with the cross-field
 *   rules of the domain (not in the future, closed needs a closed date, not closed before it occurred…).
 * - `parseIncidentForm(form, today)`: the web form's strings → a typed incident, field by field, so every field's error
 *   is reported at once together with the cross-field ones.
 * Messages are i18n keys (with parameters), translated where they are shown.
 */
import { z } from "zod";
import type { Message } from "~/i18n";
import type { MessageKey } from "~/i18n";
import { fieldErrorsOf } from "../forms";
import { decodeMessage, msg, plainText } from "../validation";
import { parseIsoDateOrDateTime } from "./dates";
import { codesOf, MULTI_FIELDS, type CodedField } from "./taxonomy";

export const TEXT_LIMITS = { short: 200, long: 10_000 } as const;
const MAX_INT = 1_000_000;

export interface IncidentInput {
  ref: string | null;
  /** Stored form: `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm:ss+09:00`. */
  occurred_at: string;
  reported_at: string | null;
  department: string | null;
  in_tokyo: boolean | null;
  channel: string;
  client: string | null;
  counterparty_type: string | null;
  customer_identified: boolean | null;
  validity: string | null;
  behaviours: string[];
  legal_flags: string[];
  severity: number | null;
  duration_min: number | null;
  contact_count: number | null;
  responders: number | null;
  recorded: boolean | null;
  summary: string | null;
  verbatim: string | null;
  determination: string | null;
  responses: string[];
  care: string[];
  outcome: string | null;
  status: "open" | "closed";
  /** `YYYY-MM-DD` */
  closed_at: string | null;
  /**
   * Closed, and nobody recorded when (old ledgers): 終了日不明. Present (true) only with status closed and no closed_at;
   * absent otherwise. Never replaced by an invented date (docs/decisions/0021).
   */
  closed_date_unknown?: true;
  /** `YYYY-MM-DD` */
  report_submitted_at: string | null;
  prevention: string | null;
}
/** The fields a form or a file column holds (終了日不明 is told by the closed date's field, not a column of its own). */
export type IncidentField = Exclude<keyof IncidentInput, "closed_date_unknown">;

export const INCIDENT_FIELDS: readonly IncidentField[] = [
  "ref", "occurred_at", "reported_at", "department", "in_tokyo", "channel", "client", "counterparty_type",
  "customer_identified", "validity", "behaviours", "legal_flags", "severity", "duration_min", "contact_count",
  "responders", "recorded", "summary", "verbatim", "determination", "responses", "care", "outcome", "status",
  "closed_at", "report_submitted_at", "prevention",
];

// The message helpers moved to ~/modules/validation with the character rule; re-exported for the existing imports.
export { decodeMessage, msg };

export type FieldErrors = Partial<Record<IncidentField, Message>>;

// ---------- typed layer ----------

const code = (field: CodedField) => z.enum(codesOf(field) as [string, ...string[]], { message: msg("error.invalidCode") });
const codeList = (field: CodedField) => z.array(code(field)).transform((a) => [...new Set(a)]);
const storedDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: msg("error.invalidDate") });
const storedDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+09:00)?$/, { message: msg("error.invalidDate") });
/** Free text: the shared character rule (tab and line breaks only in multi-line fields), then its length. */
const optText = (max: number, multiline = false) =>
  plainText({ multiline }).max(max, { message: msg("error.tooLong", { max }) }).nullable();
const optInt = (min: number, minKey: MessageKey) =>
  z
    .number({ message: msg("error.integer") })
    .int({ message: msg("error.integer") })
    .min(min, { message: msg(minKey) })
    .max(MAX_INT, { message: msg("error.tooLarge") })
    .nullable();

/** Each field's typed rule; the JSON API describes and checks its request body with them (api/schemas.ts). */
export const typedShape = {
  ref: optText(TEXT_LIMITS.short),
  occurred_at: storedDateTime,
  reported_at: storedDateTime.nullable(),
  department: optText(TEXT_LIMITS.short),
  in_tokyo: z.boolean().nullable(),
  channel: code("channel"),
  client: optText(TEXT_LIMITS.short),
  counterparty_type: code("counterparty_type").nullable(),
  customer_identified: z.boolean().nullable(),
  validity: code("validity").nullable(),
  behaviours: codeList("behaviours").refine((a) => a.length > 0, { message: msg("error.behavioursRequired") }),
  legal_flags: codeList("legal_flags"),
  severity: z.number().int().min(1).max(4, { message: msg("error.invalidCode") }).nullable(),
  duration_min: optInt(0, "error.durationMin"),
  contact_count: optInt(1, "error.contactCountMin"),
  responders: optInt(1, "error.respondersMin"),
  recorded: z.boolean().nullable(),
  summary: optText(TEXT_LIMITS.long, true),
  verbatim: optText(TEXT_LIMITS.long, true),
  determination: code("determination").nullable(),
  responses: codeList("responses"),
  care: codeList("care"),
  outcome: code("outcome").nullable(),
  status: z.enum(["open", "closed"], { message: msg("error.invalidCode") }),
  closed_at: storedDate.nullable(),
  report_submitted_at: storedDate.nullable(),
  prevention: optText(TEXT_LIMITS.long, true),
};
const closedDateUnknown = z.literal(true).optional();

/** The rules between fields, on whatever fields are known; `today` is the Tokyo calendar day. */
export function crossFieldErrors(v: Partial<IncidentInput>, today: string): FieldErrors {
  const errors: FieldErrors = {};
  const occurredDay = v.occurred_at?.slice(0, 10);
  const future = (field: IncidentField, value: string | null | undefined) => {
    if (value && value.slice(0, 10) > today) errors[field] = { key: "error.futureDate", params: { today } };
  };
  future("occurred_at", v.occurred_at);
  future("reported_at", v.reported_at);
  future("closed_at", v.closed_at);
  future("report_submitted_at", v.report_submitted_at);
  if (occurredDay) {
    if (!errors.reported_at && v.reported_at && v.occurred_at && v.reported_at < v.occurred_at && v.reported_at.length > 10) {
      errors.reported_at = { key: "error.beforeOccurred" };
    }
    if (!errors.report_submitted_at && v.report_submitted_at && v.report_submitted_at < occurredDay) {
      errors.report_submitted_at = { key: "error.beforeOccurred" };
    }
    // Compared by calendar day in Tokyo: closing on the day it happened is fine.
    if (!errors.closed_at && v.closed_at && v.closed_at < occurredDay) {
      errors.closed_at = { key: "error.closedBeforeOccurred" };
    }
  }
  if (v.status === "closed" && !v.closed_at && !v.closed_date_unknown && !errors.closed_at) {
    errors.closed_at = { key: "error.closedWithoutDate" };
  }
  if (v.status === "open" && v.closed_at && !errors.closed_at) {
    errors.status = { key: "error.closedAtWhileOpen" };
  }
  return errors;
}

function buildInputSchema(today: string) {
  return z
    .object({ ...typedShape, closed_date_unknown: closedDateUnknown })
    .superRefine((v, ctx) => {
      for (const [field, m] of Object.entries(crossFieldErrors(v, today))) {
        ctx.addIssue({ code: "custom", path: [field], message: msg(m.key, m.params) });
      }
    })
    .transform(withCloseDateRule);
}

/** 終了日不明 only where it means something: a closed incident with no closed date. A date, or reopening, ends it. */
function withCloseDateRule<T extends Partial<IncidentInput>>(v: T): T {
  if (!v.closed_date_unknown || (v.status === "closed" && !v.closed_at)) return v;
  const { closed_date_unknown: _dropped, ...rest } = v;
  return rest as T;
}

// zod compiles an object schema on its first parse; building one per row made every write ~0.5 ms slower.
let cachedSchema: { today: string; schema: ReturnType<typeof buildInputSchema> } | undefined;

/** The typed schema with "today" fixed (one instance per day, reused across rows). */
export function incidentInputSchema(today: string) {
  if (cachedSchema?.today !== today) cachedSchema = { today, schema: buildInputSchema(today) };
  return cachedSchema.schema;
}

/** An issue on the whole incident has no field to show it beside: it is left out, as before any field's own. */
const incidentFieldOf = (path: readonly PropertyKey[]) => (path.length ? String(path[0]) : undefined);

/** Validates a typed incident; the single gate in front of every write. */
export function validateIncident(
  input: IncidentInput,
  today: string,
): { ok: true; value: IncidentInput } | { ok: false; errors: FieldErrors } {
  const r = incidentInputSchema(today).safeParse(input);
  return r.success ? { ok: true, value: r.data as IncidentInput } : { ok: false, errors: fieldErrorsOf(r.error.issues, incidentFieldOf) as FieldErrors };
}

// ---------- form layer ----------

type Raw = string | string[] | undefined;
const str = (v: Raw) => (Array.isArray(v) ? (v[0] ?? "") : (v ?? "")).trim();
const list = (v: Raw) => (Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim()).filter(Boolean);

const formText = z.string().transform((s) => (s === "" ? null : s));
const formYesNo = z.enum(["", "yes", "no"], { message: msg("error.invalidCode") }).transform((s) => (s === "" ? null : s === "yes"));
const formInt = z
  .string()
  .regex(/^\d*$/, { message: msg("error.integer") })
  .transform((s) => (s === "" ? null : Number(s)));
const formDateTime = (required: boolean) =>
  z.string().transform((s, ctx) => {
    if (s === "") {
      if (required) ctx.addIssue({ code: "custom", message: msg("error.required") });
      return null;
    }
    const d = parseIsoDateOrDateTime(s);
    if (!d) {
      ctx.addIssue({ code: "custom", message: msg("error.invalidDate") });
      return z.NEVER;
    }
    // 00:00 from a datetime-local input whose time was left alone means "date only".
    return d.value.endsWith("T00:00:00+09:00") ? d.day : d.value;
  });
const formDate = z.string().transform((s, ctx) => {
  if (s === "") return null;
  const d = parseIsoDateOrDateTime(s);
  if (!d) {
    ctx.addIssue({ code: "custom", message: msg("error.invalidDate") });
    return z.NEVER;
  }
  return d.day;
});
const formCode = (field: CodedField, required = false) =>
  z.string().transform((s, ctx) => {
    if (s === "") {
      if (required) ctx.addIssue({ code: "custom", message: msg("error.required") });
      return null;
    }
    if (!codesOf(field).includes(s)) {
      ctx.addIssue({ code: "custom", message: msg("error.invalidCode") });
      return z.NEVER;
    }
    return s;
  });

/** Each form field: the browser's string → the typed value, then that field's own typed rule (range, length, code). */
const formFields: Record<IncidentField, z.ZodType> = {
  ref: formText.pipe(typedShape.ref),
  occurred_at: formDateTime(true),
  reported_at: formDateTime(false),
  department: formText.pipe(typedShape.department),
  in_tokyo: formYesNo,
  channel: formCode("channel", true),
  client: formText.pipe(typedShape.client),
  counterparty_type: formCode("counterparty_type"),
  customer_identified: formYesNo,
  validity: formCode("validity"),
  behaviours: typedShape.behaviours,
  legal_flags: typedShape.legal_flags,
  severity: formCode("severity").transform((s) => (s == null ? null : Number(s))),
  duration_min: formInt.pipe(typedShape.duration_min),
  contact_count: formInt.pipe(typedShape.contact_count),
  responders: formInt.pipe(typedShape.responders),
  recorded: formYesNo,
  summary: formText.pipe(typedShape.summary),
  verbatim: formText.pipe(typedShape.verbatim),
  determination: formCode("determination"),
  responses: typedShape.responses,
  care: typedShape.care,
  outcome: formCode("outcome"),
  status: z.string().transform((s) => (s === "" ? "open" : s)).pipe(typedShape.status),
  closed_at: formDate,
  report_submitted_at: formDate,
  prevention: formText.pipe(typedShape.prevention),
};

/** The form's checkbox for 終了日不明. */
export const CLOSED_DATE_UNKNOWN = "closed_date_unknown";

/** The form's fields as the browser sent them (multi-selects as arrays). */
export function formDataToRaw(form: FormData): Record<string, Raw> {
  const raw: Record<string, Raw> = {};
  for (const field of INCIDENT_FIELDS) {
    raw[field] = (MULTI_FIELDS as readonly string[]).includes(field)
      ? form.getAll(field).map(String)
      : String(form.get(field) ?? "");
  }
  raw[CLOSED_DATE_UNKNOWN] = String(form.get(CLOSED_DATE_UNKNOWN) ?? "");
  return raw;
}

export type FormResult =
  | { ok: true; value: IncidentInput }
  | { ok: false; errors: FieldErrors; values: Record<string, Raw> };

/** Parses the incident form: each field on its own, then the cross-field rules, then the typed gate. */
export function parseIncidentForm(raw: Record<string, Raw>, today: string): FormResult {
  const values: Partial<IncidentInput> = {};
  const errors: FieldErrors = {};
  for (const field of INCIDENT_FIELDS) {
    const isMulti = (MULTI_FIELDS as readonly string[]).includes(field);
    const r = formFields[field].safeParse(isMulti ? list(raw[field]) : str(raw[field]));
    if (r.success) (values as Record<string, unknown>)[field] = r.data;
    else errors[field] = decodeMessage(r.error.issues[0].message);
  }
  if (str(raw[CLOSED_DATE_UNKNOWN]) === "on") values.closed_date_unknown = true;
  for (const [field, m] of Object.entries(crossFieldErrors(values, today)) as [IncidentField, Message][]) {
    errors[field] ??= m;
  }
  if (Object.keys(errors).length === 0) {
    const typed = validateIncident(values as IncidentInput, today);
    if (typed.ok) return typed;
    Object.assign(errors, typed.errors);
  }
  return { ok: false, errors, values: raw };
}
