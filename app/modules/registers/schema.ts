/**
 * The registers (domain.md "Organisational measures"): what the measures form and the training form accept, validated
 * with zod (messages are dictionary keys), and the pure rules the pages and tests share (staleness, coverage, fiscal-year
 * totals). No server imports: the pages' components may use it too.
 */
import { z } from "zod";
import { isValidDay, daysBetween } from "../incidents/dates";
import { msg, plainText } from "../validation";
import { MEASURE_STATUSES, MEASURES, type MeasureCode, type MeasureStatus } from "../incidents/taxonomy";
import { fiscalYearOf } from "../reports/periods";

export const EVIDENCE_TEXT_MAX = 2000;
export const EVIDENCE_URL_MAX = 2000;
export const UPDATED_BY_MAX = 100;
export const TRAINING_TITLE_MAX = 200;
export const TRAINING_NOTES_MAX = 1000;
/** A ceiling on head counts, so a slip of the keyboard (a pasted phone number) is caught. */
export const HEADCOUNT_MAX = 1_000_000;
/** A measure not reviewed within this many days of today (or never) is stale, as in the compliance report. */
export const STALE_AFTER_DAYS = 365;

export const MEASURE_STATUS_CODES = MEASURE_STATUSES.map((s) => s.code) as [MeasureStatus, ...MeasureStatus[]];

export function isMeasureCode(code: string | undefined | null): code is MeasureCode {
  return !!code && MEASURES.some((m) => m.code === code);
}

/** Stale: never reviewed, or last reviewed more than 365 days before today (365 days ago is still fresh). */
export function isStale(reviewedOn: string | null | undefined, today: string): boolean {
  return !reviewedOn || daysBetween(reviewedOn, today) > STALE_AFTER_DAYS;
}

// ---------- field helpers ----------

/** Line endings as a browser's textarea sends them (CRLF) or a file has them, stored as LF. */
const lines = (s: string) => s.replace(/\r\n?/g, "\n");

/** Optional free text: trimmed, "" → null, at most `max` characters. */
const optionalText = (max: number) =>
  plainText({ multiline: true })
    .transform((s) => lines(s).trim())
    .pipe(z.string().max(max, { message: msg("registers.errors.tooLong", { n: max }) }))
    .transform((s) => (s === "" ? null : s));

/** Required one-line text: runs of white space as one space, trimmed, not empty, at most `max` characters. */
const requiredText = (max: number, required: "registers.errors.titleRequired" | "registers.errors.updatedByRequired") =>
  plainText()
    .transform((s) => s.replace(/\s+/g, " ").trim())
    .pipe(
      z
        .string()
        .min(1, { message: msg(required) })
        .max(max, { message: msg("registers.errors.tooLong", { n: max }) }),
    );

/** http(s) with a host, nothing else (no javascript:, data:, mailto:, relative paths). */
export function isHttpUrl(s: string): boolean {
  if (/\s/.test(s)) return false;
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

const optionalUrl = plainText()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .max(EVIDENCE_URL_MAX, { message: msg("registers.errors.tooLong", { n: EVIDENCE_URL_MAX }) })
      .refine((s) => s === "" || isHttpUrl(s), { message: msg("registers.errors.url") }),
  )
  .transform((s) => (s === "" ? null : s));

function isDay(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && isValidDay(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)));
}

/** A calendar day (`YYYY-MM-DD`) not after today (Asia/Tokyo); "" is null unless required. */
function day(today: string, required: "registers.errors.heldOnRequired" | null) {
  return z
    .string()
    .transform((s) => s.normalize("NFKC").trim())
    .superRefine((s, ctx) => {
      if (s === "") {
        if (required) ctx.addIssue({ code: "custom", message: msg(required) });
        return;
      }
      if (!isDay(s)) ctx.addIssue({ code: "custom", message: msg("error.invalidDate") });
      else if (s > today) ctx.addIssue({ code: "custom", message: msg("error.futureDate", { today }) });
    })
    .transform((s) => (s === "" ? null : s));
}

/** A head count: a whole number ≥ 0 (full-width digits typed with an IME are accepted). */
const headcount = z
  .string()
  .transform((s) => s.normalize("NFKC").trim())
  .superRefine((s, ctx) => {
    if (s === "") ctx.addIssue({ code: "custom", message: msg("registers.errors.countRequired") });
    else if (!/^\d+$/.test(s)) ctx.addIssue({ code: "custom", message: msg("registers.errors.count") });
    else if (Number(s) > HEADCOUNT_MAX) ctx.addIssue({ code: "custom", message: msg("registers.errors.countTooLarge", { n: HEADCOUNT_MAX }) });
  })
  .transform(Number);

// ---------- measures ----------

/** The register fields compared for changes, in the order they are shown. */
export const MEASURE_CONTENT_FIELDS = ["status", "evidenceText", "evidenceUrl", "inPlaceOn", "reviewedOn"] as const;
/** Everything the form posts. */
export const MEASURE_FIELDS = [...MEASURE_CONTENT_FIELDS, "updatedBy"] as const;
export type MeasureField = (typeof MEASURE_FIELDS)[number];

export function measureSchema(today: string) {
  return z.object({
    status: z.enum(MEASURE_STATUS_CODES, { message: msg("registers.errors.status") }),
    evidenceText: optionalText(EVIDENCE_TEXT_MAX),
    evidenceUrl: optionalUrl,
    inPlaceOn: day(today, null),
    reviewedOn: day(today, null),
    updatedBy: requiredText(UPDATED_BY_MAX, "registers.errors.updatedByRequired"),
  });
}
export type MeasureInput = z.infer<ReturnType<typeof measureSchema>>;

// ---------- training ----------

export const TRAINING_FIELDS = ["heldOn", "title", "attendees", "invited", "notes"] as const;
export type TrainingField = (typeof TRAINING_FIELDS)[number];

export function trainingSchema(today: string) {
  return z
    .object({
      heldOn: day(today, "registers.errors.heldOnRequired"),
      title: requiredText(TRAINING_TITLE_MAX, "registers.errors.titleRequired"),
      attendees: headcount,
      invited: headcount,
      notes: optionalText(TRAINING_NOTES_MAX),
    })
    // Only between two valid counts (zod still runs an object's refinement when a field has failed).
    .refine((v) => typeof v.attendees !== "number" || typeof v.invited !== "number" || v.invited >= v.attendees, {
      path: ["invited"],
      message: msg("registers.errors.invitedBelowAttendees"),
    })
    .transform((v) => ({ ...v, heldOn: v.heldOn! }));
}
export type TrainingInput = z.infer<ReturnType<typeof trainingSchema>>;

/** Attendees ÷ invited, or null when nobody was invited. */
export function coverage(attendees: number, invited: number): number | null {
  return invited > 0 ? attendees / invited : null;
}

export interface FiscalYearTotals {
  /** The fiscal year by the calendar year it starts in (2025 = 2025年度). */
  fiscalYear: number;
  sessions: number;
  attendees: number;
  invited: number;
  coverage: number | null;
}

/** Sessions, attendees and invited per fiscal year, newest year first. */
export function totalsByFiscalYear(
  sessions: readonly { heldOn: string; attendees: number; invited: number }[],
  fiscalStartMonth: number,
): FiscalYearTotals[] {
  const byYear = new Map<number, FiscalYearTotals>();
  for (const s of sessions) {
    const fy = fiscalYearOf(s.heldOn, fiscalStartMonth);
    const t = byYear.get(fy) ?? { fiscalYear: fy, sessions: 0, attendees: 0, invited: 0, coverage: null };
    t.sessions += 1;
    t.attendees += s.attendees;
    t.invited += s.invited;
    byYear.set(fy, t);
  }
  return [...byYear.values()]
    .map((t) => ({ ...t, coverage: coverage(t.attendees, t.invited) }))
    .sort((a, b) => b.fiscalYear - a.fiscalYear);
}
