/**
 * The consultation desk log (相談窓口): what the form accepts, validated with zod (messages are dictionary keys), the
 * routes a consultation comes by, and the list's query (period, route, open/closed, page). No server imports: the pages'
 * components use it too.
 *
 * The employee is recorded by a pseudonymous reference (社員番号 etc.), never by name; an anonymous consultation has none.
 */
import { z } from "zod";
import { isDay, msg, pastDay, plainText } from "../validation";
import type { Lang } from "../incidents/taxonomy";
import { parsePeriod, type Period } from "../reports/periods";

export const EMPLOYEE_REF_MAX = 50;
export const FOLLOW_UP_MAX = 2000;
export const CONSULTATION_PAGE_SIZE = 50;

export const CONSULTATION_ROUTES = [
  { code: "desk", ja: "窓口", en: "Desk" },
  { code: "phone", ja: "電話", en: "Phone" },
  { code: "email", ja: "メール", en: "Email" },
  { code: "meeting", ja: "面談", en: "Meeting" },
] as const;
export type ConsultationRoute = (typeof CONSULTATION_ROUTES)[number]["code"];
export const ROUTE_CODES = CONSULTATION_ROUTES.map((r) => r.code) as [ConsultationRoute, ...ConsultationRoute[]];

export function isConsultationRoute(s: string | null | undefined): s is ConsultationRoute {
  return !!s && (ROUTE_CODES as readonly string[]).includes(s);
}

/** 窓口 / 電話 / メール / 面談 (or the English label); an unknown code as it is. */
export function routeLabel(code: string, lang: Lang = "ja"): string {
  return CONSULTATION_ROUTES.find((r) => r.code === code)?.[lang] ?? code;
}

/** What the form posts, every field a string (the checkbox: "on" when ticked, "" when not). */
export const CONSULTATION_FIELDS = [
  "receivedOn",
  "route",
  "employeeRef",
  "anonymous",
  "incidentId",
  "firstResponseOn",
  "closedOn",
  "followUp",
] as const;
export type ConsultationField = (typeof CONSULTATION_FIELDS)[number];
export type ConsultationFormValues = Record<ConsultationField, string>;

export const EMPTY_CONSULTATION_FORM: ConsultationFormValues = {
  receivedOn: "",
  route: "",
  employeeRef: "",
  anonymous: "",
  incidentId: "",
  firstResponseOn: "",
  closedOn: "",
  followUp: "",
};

/** A stored consultation as the form shows it. */
export function toFormValues(c: {
  receivedOn: string;
  route: string;
  employeeRef: string | null;
  anonymous: boolean;
  incidentId: number | null;
  firstResponseOn: string | null;
  closedOn: string | null;
  followUp: string | null;
  /** The linked incident as stored, when known: the form shows its 管理番号 rather than the internal id. */
  incident?: { ref: string | null } | null;
}): ConsultationFormValues {
  return {
    receivedOn: c.receivedOn,
    route: c.route,
    employeeRef: c.employeeRef ?? "",
    anonymous: c.anonymous ? "on" : "",
    incidentId: c.incidentId === null ? "" : (c.incident?.ref ?? `#${c.incidentId}`),
    firstResponseOn: c.firstResponseOn ?? "",
    closedOn: c.closedOn ?? "",
    followUp: c.followUp ?? "",
  };
}

// ---------- field helpers ----------

/** The pseudonymous reference: NFKC (full-width 社員番号 typed with an IME become ASCII), trimmed, ≤ 50 characters. */
export function normalizeEmployeeRef(s: string): string {
  return s.normalize("NFKC").replace(/\s+/g, " ").trim();
}

const employeeRef = plainText()
  .transform(normalizeEmployeeRef)
  .pipe(z.string().max(EMPLOYEE_REF_MAX, { message: msg("consultations.errors.tooLong", { n: EMPLOYEE_REF_MAX }) }))
  .transform((s) => (s === "" ? null : s));

/** A checkbox: ticked ("on", or "true"/"1" from a script) or not ("", "false", "0"). */
const checkbox = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(["", "on", "true", "1", "false", "0"], { message: msg("consultations.errors.anonymous") }))
  .transform((s) => s === "on" || s === "true" || s === "1");

/** The longest 管理番号 or id the incident field takes (a ref is a one-line field; this only stops pasted essays). */
const INCIDENT_REFERENCE_MAX = 100;

/**
 * The linked incident as typed (issue 19): its 管理番号 (KH-2025-00005, in any width or case), or its id (the number in
 * /incidents/123, "#123" accepted); "" is none. `findIncident` (the server's look-up) turns the text into the incident's
 * id, or null when none matches; without it only an id can be read.
 */
function incidentReference(findIncident?: (typed: string) => number | null) {
  return z
    .string()
    .transform((s) => s.normalize("NFKC").replace(/\s+/g, " ").trim())
    .transform((s, ctx): number | null => {
      if (s === "") return null;
      if (s.length > INCIDENT_REFERENCE_MAX || /[\u0000-\u001f\u007f]/.test(s)) {
        ctx.addIssue({ code: "custom", message: msg("consultations.errors.incidentId") });
        return z.NEVER;
      }
      if (findIncident) {
        const id = findIncident(s);
        if (id === null) ctx.addIssue({ code: "custom", message: msg("consultations.errors.incidentMissing") });
        return id ?? z.NEVER;
      }
      const digits = s.replace(/^#/, "");
      if (!/^[1-9]\d{0,14}$/.test(digits)) {
        ctx.addIssue({ code: "custom", message: msg("consultations.errors.incidentId") });
        return z.NEVER;
      }
      return Number(digits);
    });
}

/** Line endings as a textarea sends them (CRLF) stored as LF; trimmed; "" → null; at most FOLLOW_UP_MAX characters. */
const followUp = plainText({ multiline: true })
  .transform((s) => s.replace(/\r\n?/g, "\n").trim())
  .pipe(z.string().max(FOLLOW_UP_MAX, { message: msg("consultations.errors.tooLong", { n: FOLLOW_UP_MAX }) }))
  .transform((s) => (s === "" ? null : s));

// ---------- the form ----------

/**
 * The consultation form. `today` is the Tokyo calendar day; `findIncident` finds the incident a typed 管理番号 or id
 * names (the server passes a database look-up; without it any well-formed id passes).
 */
export function consultationSchema(today: string, findIncident?: (typed: string) => number | null) {
  return z
    .object({
      receivedOn: pastDay(today, "consultations.errors.receivedOnRequired"),
      route: z.enum(ROUTE_CODES, { message: msg("consultations.errors.route") }),
      employeeRef,
      anonymous: checkbox,
      incidentId: incidentReference(findIncident),
      firstResponseOn: pastDay(today, null),
      closedOn: pastDay(today, null),
      followUp,
    })
    // Run even when a field has failed (`when`), so every problem is shown at once; compare only days that are valid.
    .superRefine(
      (v, ctx) => {
        if (!v || typeof v !== "object") return;
        const valid = (s: unknown): s is string => typeof s === "string" && isDay(s) && s <= today;
        const received = valid(v.receivedOn) ? v.receivedOn : null;
        for (const f of ["firstResponseOn", "closedOn"] as const) {
          const d = v[f];
          if (received && valid(d) && d < received) {
            ctx.addIssue({ code: "custom", path: [f], message: msg("consultations.errors.beforeReceived", { date: received }) });
          }
        }
        if (v.anonymous === true && typeof v.employeeRef === "string" && normalizeEmployeeRef(v.employeeRef) !== "") {
          ctx.addIssue({ code: "custom", path: ["employeeRef"], message: msg("consultations.errors.anonymousWithRef") });
        }
      },
      { when: () => true },
    )
    .transform((v) => ({ ...v, receivedOn: v.receivedOn! }));
}
export type ConsultationInput = z.infer<ReturnType<typeof consultationSchema>>;

/** The stored fields an edit compares, in form order (the names an update's audit entry lists). */
export const CONSULTATION_CONTENT_FIELDS = CONSULTATION_FIELDS satisfies readonly (keyof ConsultationInput)[];

// ---------- the list ----------

export type ConsultationState = "open" | "closed";

export interface ConsultationQuery {
  /** The period on received_on, or null for all time. */
  period: Period | null;
  /** The period text as typed when it could not be read (the list is then not filtered by period). */
  invalidPeriod: string | null;
  route: ConsultationRoute | null;
  /** Open: no closed_on; closed: a closed_on. */
  state: ConsultationState | null;
  page: number;
}

export function parseConsultationQuery(params: URLSearchParams, fiscalStartMonth = 4): ConsultationQuery {
  const periodText = (params.get("period") ?? "").trim();
  const period = periodText ? parsePeriod(periodText, fiscalStartMonth) : null;
  const route = params.get("route");
  const state = params.get("state");
  const pageText = params.get("page") ?? "";
  return {
    period,
    invalidPeriod: periodText && !period ? periodText : null,
    route: isConsultationRoute(route) ? route : null,
    state: state === "open" || state === "closed" ? state : null,
    page: /^[1-9]\d{0,5}$/.test(pageText) ? Number(pageText) : 1,
  };
}

/** The query as a URL search string ("" when nothing is set; page 1 is left out). */
export function consultationQueryToSearch(q: Partial<ConsultationQuery>): string {
  const p = new URLSearchParams();
  if (q.period) p.set("period", q.period.key);
  if (q.route) p.set("route", q.route);
  if (q.state) p.set("state", q.state);
  if (q.page && q.page > 1) p.set("page", String(q.page));
  const s = p.toString();
  return s ? `?${s}` : "";
}
