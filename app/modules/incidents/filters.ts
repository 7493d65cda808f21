/**
 * The incident list's filters, sort and page, read from and written to the URL so a view survives a reload and can be
 * shared. Pure: no database here.
 *
 * URL format of /incidents (build it with listQueryToSearch; every param is optional; a repeated param means OR,
 * different params AND; values that cannot be read are dropped silently):
 * - `period`         FY2025, FY2025-Q1, 2025-04, 2025-04-01..2025-06-30 … (reports/periods), on the Tokyo day
 * - `department`     department id, or `unknown` = no department recorded (repeatable)
 * - `client`         part of a client's name (normalised substring match), once
 * - `client_id`      client id, exact, or `unknown` = no client recorded (repeatable)
 * - `client_not`     a client is recorded and it is none of these ids (repeatable): the dashboard's その他 bar, the
 *                    clients outside its top ten
 * - `behaviour`      behaviour code MA01…MB04 (repeatable; an incident matches if it has any of them)
 * - `channel`        C1…C9 (repeatable)
 * - `outcome`        O1…O9, or `unknown` (repeatable)
 * - `severity`       1–4, or `unknown` (repeatable)
 * - `status`         open | closed (repeatable)
 * - `determination`  D1 | D2 | D9, or `unknown` (repeatable)
 * - `weekday`        0–6, 0 = Sunday: the Tokyo weekday of the day it occurred (repeatable)
 * - `hour`           0–23: the Tokyo hour it occurred, or `unknown` = recorded with a date only (repeatable)
 * - `q`              part of the 管理番号, summary or prevention (再発防止策), once (text-search.ts)
 * - `sort`           occurred_desc (default) | occurred_asc | severity_desc | ref_asc | updated_desc
 * - `page`           1…
 * e.g. `/incidents?period=FY2025&weekday=1&hour=14`, `/incidents?period=FY2025&severity=3&severity=unknown`.
 * In IncidentFilters, `unknown` is null.
 */
import { z } from "zod";
import { parsePeriod, type Period } from "../reports/periods";
import { codesOf } from "./taxonomy";

export const PAGE_SIZE = 50;
export const SORTS = ["occurred_desc", "occurred_asc", "severity_desc", "ref_asc", "updated_desc"] as const;
export type Sort = (typeof SORTS)[number];

/** A null among the values of a nullable field is "not recorded" (`unknown` in the URL), ORed with the others. */
export interface IncidentFilters {
  period: Period | null;
  departmentId: (number | null)[];
  /** Part of a client's name, matched against the normalised name. */
  client: string | null;
  /** Exact clients, e.g. a bar of the dashboard's client chart (`client` above stays a search); null = none recorded. */
  clientId: (number | null)[];
  /** Some client other than these (the dashboard's その他 bar); ANDed with clientId. */
  clientNot: number[];
  behaviour: string[];
  channel: string[];
  outcome: (string | null)[];
  severity: (number | null)[];
  status: ("open" | "closed")[];
  determination: (string | null)[];
  /** Tokyo weekday of the day it occurred, 0 = Sunday. */
  weekday: number[];
  /** Tokyo hour it occurred, 0–23; null = recorded with a date only. */
  hour: (number | null)[];
  q: string | null;
}

export interface ListQuery {
  filters: IncidentFilters;
  sort: Sort;
  page: number;
}

/** The list filters that take several values: URL param → the filter it sets (the page shows each value as a chip). */
export const MULTI_PARAMS = {
  department: "departmentId",
  client_id: "clientId",
  client_not: "clientNot",
  behaviour: "behaviour",
  channel: "channel",
  outcome: "outcome",
  severity: "severity",
  status: "status",
  determination: "determination",
  weekday: "weekday",
  hour: "hour",
} as const satisfies Record<string, keyof IncidentFilters>;
export type MultiParam = keyof typeof MULTI_PARAMS;
/** Params the form has no field for (a dashboard drill-down sets them); the others have a select showing one value. */
export const DRILL_PARAMS: readonly MultiParam[] = ["client_id", "client_not", "weekday", "hour"];

const codes = (field: Parameters<typeof codesOf>[0]) => {
  const allowed = new Set(codesOf(field));
  return z.array(z.string()).transform((a) => a.filter((c) => allowed.has(c)));
};
const ids = z.array(z.string()).transform((a) => a.map(Number).filter((n) => Number.isInteger(n) && n > 0));
/** Whole numbers written plainly (`7`, `07`), so `1e1` or `0x1` do not sneak in through Number(). */
const intsIn = (min: number, max: number) =>
  z.array(z.string()).transform((a) => a.filter((v) => /^\d{1,2}$/.test(v)).map(Number).filter((n) => n >= min && n <= max));

/** The URL value meaning "this field is empty"; null in IncidentFilters. */
export const UNKNOWN = "unknown";
/** Lets `unknown` through as null, in its place among the values the inner schema keeps. */
const orUnknown = <T>(inner: z.ZodType<T[], string[]>) =>
  z.array(z.string()).transform((a) => a.flatMap((v): (T | null)[] => (v === UNKNOWN ? [null] : inner.parse([v]))));

const searchSchema = z.object({
  department: orUnknown(ids),
  client_id: orUnknown(ids),
  client_not: ids,
  behaviour: codes("behaviours"),
  channel: codes("channel"),
  outcome: orUnknown(codes("outcome")),
  severity: orUnknown(codes("severity").transform((a) => a.map(Number))),
  status: z.array(z.string()).transform((a) => a.filter((s): s is "open" | "closed" => s === "open" || s === "closed")),
  determination: orUnknown(codes("determination")),
  weekday: intsIn(0, 6),
  hour: orUnknown(intsIn(0, 23)),
  sort: z.enum(SORTS).catch("occurred_desc"),
  page: z.coerce.number().int().min(1).catch(1),
});

export interface ParsedListQuery extends ListQuery {
  /** Some filter had more than MAX_FILTER_VALUES values: the first ones are used, and the page says so. */
  capped: boolean;
  /** The period text when it could not be read, so the page can say so. */
  invalidPeriod: string | null;
}

/**
 * The most values a repeated filter keeps (issue 18): a URL of 900 client ids made a 15 MB page and a second of the
 * main thread. Repeats of one value count once. A list of this many is still far more than a person picks.
 */
export const MAX_FILTER_VALUES = 30;

/** Reads the list query from URL search params; unknown codes are dropped, an unreadable period is reported. */
export function parseListQuery(params: URLSearchParams, fiscalStartMonth = 4): ParsedListQuery {
  let capped = false;
  const valuesOf = (name: string) => {
    const distinct = [...new Set(params.getAll(name).filter(Boolean))];
    if (distinct.length > MAX_FILTER_VALUES) capped = true;
    return distinct.slice(0, MAX_FILTER_VALUES);
  };
  const s = searchSchema.parse({
    ...Object.fromEntries(Object.keys(MULTI_PARAMS).map((name) => [name, valuesOf(name)])),
    sort: params.get("sort") ?? undefined,
    page: params.get("page") ?? undefined,
  });
  const periodText = (params.get("period") ?? "").trim();
  const period = periodText ? parsePeriod(periodText, fiscalStartMonth) : null;
  const client = (params.get("client") ?? "").trim();
  const q = (params.get("q") ?? "").trim();
  return {
    filters: {
      period,
      departmentId: s.department,
      client: client || null,
      clientId: s.client_id,
      clientNot: s.client_not,
      behaviour: s.behaviour,
      channel: s.channel,
      outcome: s.outcome,
      severity: s.severity,
      status: s.status,
      determination: s.determination,
      weekday: s.weekday,
      hour: s.hour,
      q: q || null,
    },
    sort: s.sort,
    page: s.page,
    invalidPeriod: periodText && !period ? periodText : null,
    capped,
  };
}

/** The URL search string of a list query (inverse of parseListQuery). */
export function listQueryToSearch(q: Partial<ListQuery> & { filters: IncidentFilters }): string {
  const p = new URLSearchParams();
  const f = q.filters;
  const value = (v: string | number | null) => (v === null ? UNKNOWN : String(v));
  if (f.period) p.set("period", f.period.key);
  f.departmentId.forEach((d) => p.append("department", value(d)));
  if (f.client) p.set("client", f.client);
  f.clientId.forEach((c) => p.append("client_id", value(c)));
  f.clientNot.forEach((c) => p.append("client_not", String(c)));
  f.behaviour.forEach((c) => p.append("behaviour", c));
  f.channel.forEach((c) => p.append("channel", c));
  f.outcome.forEach((c) => p.append("outcome", value(c)));
  f.severity.forEach((c) => p.append("severity", value(c)));
  f.status.forEach((c) => p.append("status", c));
  f.determination.forEach((c) => p.append("determination", value(c)));
  f.weekday.forEach((d) => p.append("weekday", String(d)));
  f.hour.forEach((h) => p.append("hour", value(h)));
  if (f.q) p.set("q", f.q);
  if (q.sort && q.sort !== "occurred_desc") p.set("sort", q.sort);
  if (q.page && q.page > 1) p.set("page", String(q.page));
  const s = p.toString();
  return s ? `?${s}` : "";
}

export function emptyFilters(): IncidentFilters {
  return {
    period: null, departmentId: [], client: null, clientId: [], clientNot: [], behaviour: [], channel: [], outcome: [], severity: [],
    status: [], determination: [], weekday: [], hour: [], q: null,
  };
}
