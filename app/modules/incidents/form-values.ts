/** Converting a stored incident to the strings the form shows, and code sets to form options. */
import type { Translate } from "~/i18n";
import { CODE_SETS, type CodedField, fullLabelOf, type Lang, MULTI_FIELDS } from "./taxonomy";
import { INCIDENT_FIELDS, type IncidentInput } from "./schema";
import { toLocalInput } from "./dates";

export type FormValues = Record<string, string | string[]>;

const yesNo = (b: boolean | null) => (b === null ? "" : b ? "yes" : "no");
const num = (n: number | null) => (n === null ? "" : String(n));

export function toFormValues(i: IncidentInput): FormValues {
  return {
    ref: i.ref ?? "",
    occurred_at: toLocalInput(i.occurred_at),
    reported_at: toLocalInput(i.reported_at),
    department: i.department ?? "",
    in_tokyo: yesNo(i.in_tokyo),
    channel: i.channel,
    client: i.client ?? "",
    counterparty_type: i.counterparty_type ?? "",
    customer_identified: yesNo(i.customer_identified),
    validity: i.validity ?? "",
    behaviours: i.behaviours,
    legal_flags: i.legal_flags,
    severity: num(i.severity),
    duration_min: num(i.duration_min),
    contact_count: num(i.contact_count),
    responders: num(i.responders),
    recorded: yesNo(i.recorded),
    summary: i.summary ?? "",
    verbatim: i.verbatim ?? "",
    determination: i.determination ?? "",
    responses: i.responses,
    care: i.care,
    outcome: i.outcome ?? "",
    status: i.status,
    closed_at: i.closed_at ?? "",
    closed_date_unknown: i.closed_date_unknown ? "on" : "",
    report_submitted_at: i.report_submitted_at ?? "",
    prevention: i.prevention ?? "",
  };
}

/** A new incident's form: nothing filled in, status open. */
export const EMPTY_FORM: FormValues = {
  ...Object.fromEntries(INCIDENT_FIELDS.map((k) => [k, (MULTI_FIELDS as readonly string[]).includes(k) ? [] : ""])),
  status: "open",
  closed_date_unknown: "",
};

export function optionsOf(field: CodedField, lang: Lang): { value: string; label: string; group?: string }[] {
  return CODE_SETS[field].map((d) => ({
    value: d.code,
    label: fullLabelOf(field, d.code, lang),
    group: "group" in d ? d.group : undefined,
  }));
}

const YES_NO_FIELDS = ["in_tokyo", "customer_identified", "recorded", "closed_date_unknown"];

/** One value of the form as a reader of the form knows it: a code's label, yes or no, a date and time with a space. */
export function showFormValue(field: string, value: string, lang: Lang, t: Translate): string {
  if (field in CODE_SETS) {
    const label = fullLabelOf(field as CodedField, value, lang);
    return field === "severity" ? `${value} ${label}` : label;
  }
  if (YES_NO_FIELDS.includes(field)) return value === "yes" || value === "on" ? t("common.yes") : value === "no" ? t("common.no") : value;
  if (field === "occurred_at" || field === "reported_at") return value.replace("T", " ");
  return value;
}
