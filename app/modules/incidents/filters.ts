/**
 * The incident list's filters, sort and page, read from and written to the URL so a view survives a reload and can be
 * shared. Pure: no database here.
 */
import { z } from "zod";
import { parsePeriod, type Period } from "../reports/periods";
import { codesOf } from "./taxonomy";

export const PAGE_SIZE = 50;
export const SORTS = ["occurred_desc", "occurred_asc", "severity_desc", "ref_asc", "updated_desc"] as const;
export type Sort = (typeof SORTS)[number];

export interface IncidentFilters {
  period: Period | null;
  departmentId: number[];
  /** Part of a client's name, matched against the normalised name. */
  client: string | null;
  behaviour: string[];
  channel: string[];
  outcome: string[];
  severity: number[];
  status: ("open" | "closed")[];
  determination: string[];
  q: string | null;
}

export interface ListQuery {
  filters: IncidentFilters;
  sort: Sort;
  page: number;
}

const codes = (field: Parameters<typeof codesOf>[0]) => {
  const allowed = new Set(codesOf(field));
  return z.array(z.string()).transform((a) => a.filter((c) => allowed.has(c)));
};
const ids = z.array(z.string()).transform((a) => a.map(Number).filter((n) => Number.isInteger(n) && n > 0));

const searchSchema = z.object({
  department: ids,
  behaviour: codes("behaviours"),
  channel: codes("channel"),
  outcome: codes("outcome"),
  severity: codes("severity").transform((a) => a.map(Number)),
  status: z.array(z.string()).transform((a) => a.filter((s): s is "open" | "closed" => s === "open" || s === "closed")),
  determination: codes("determination"),
  sort: z.enum(SORTS).catch("occurred_desc"),
  page: z.coerce.number().int().min(1).catch(1),
});

export interface ParsedListQuery extends ListQuery {
  /** The period text when it could not be read, so the page can say so. */
  invalidPeriod: string | null;
}

/** Reads the list query from URL search params; unknown codes are dropped, an unreadable period is reported. */
export function parseListQuery(params: URLSearchParams, fiscalStartMonth = 4): ParsedListQuery {
  const s = searchSchema.parse({
    department: params.getAll("department").filter(Boolean),
    behaviour: params.getAll("behaviour").filter(Boolean),
    channel: params.getAll("channel").filter(Boolean),
    outcome: params.getAll("outcome").filter(Boolean),
    severity: params.getAll("severity").filter(Boolean),
    status: params.getAll("status").filter(Boolean),
    determination: params.getAll("determination").filter(Boolean),
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
      behaviour: s.behaviour,
      channel: s.channel,
      outcome: s.outcome,
      severity: s.severity,
      status: s.status,
      determination: s.determination,
      q: q || null,
    },
    sort: s.sort,
    page: s.page,
    invalidPeriod: periodText && !period ? periodText : null,
  };
}

/** The URL search string of a list query (inverse of parseListQuery). */
export function listQueryToSearch(q: Partial<ListQuery> & { filters: IncidentFilters }): string {
  const p = new URLSearchParams();
  const f = q.filters;
  if (f.period) p.set("period", f.period.key);
  f.departmentId.forEach((d) => p.append("department", String(d)));
  if (f.client) p.set("client", f.client);
  f.behaviour.forEach((c) => p.append("behaviour", c));
  f.channel.forEach((c) => p.append("channel", c));
  f.outcome.forEach((c) => p.append("outcome", c));
  f.severity.forEach((c) => p.append("severity", String(c)));
  f.status.forEach((c) => p.append("status", c));
  f.determination.forEach((c) => p.append("determination", c));
  if (f.q) p.set("q", f.q);
  if (q.sort && q.sort !== "occurred_desc") p.set("sort", q.sort);
  if (q.page && q.page > 1) p.set("page", String(q.page));
  const s = p.toString();
  return s ? `?${s}` : "";
}

export function emptyFilters(): IncidentFilters {
  return {
    period: null, departmentId: [], client: null, behaviour: [], channel: [], outcome: [], severity: [], status: [],
    determination: [], q: null,
  };
}
