/**
 * Rates of a report period (issue 20, docs/decisions/0033): incidents per 100 employees from the headcount register,
 * and how fast incidents close (median days from the day it occurred to the day closed, share closed within 30 days).
 *
 * Headcount of a period: the headcount of its fiscal year; a period across fiscal years takes the average of those
 * years' headcounts weighted by the period's days in each (a calendar year 2025 = ¼ FY2024 + ¾ FY2025, by days). A
 * year without a figure makes the headcount unknown (null, 「人数未登録」), never 0. The rate is not annualised: it is
 * the period's incidents per 100 employees.
 */
import { median } from "../statistics";
import { and, between, eq } from "drizzle-orm";
import type { Conn } from "../../../db/client.server";
import { incidents } from "../../../db/schema";
import { CHI, type Shown } from "../analytics/suppression";
import { daysBetween } from "../incidents/dates";
import { headcountsOf } from "../registers/headcounts.server";
import { fiscalYearOf, type Period } from "./periods";

/** Days within which a closed case counts as closed quickly. */
export const CLOSE_WITHIN_DAYS = 30;

export interface RateCell {
  incidents: Shown;
  /** The (weighted) headcount; null when a fiscal year of the period has none registered. */
  headcount: number | null;
  /** Incidents per 100 employees; null without a headcount, χ when the count is hidden. */
  rate: number | null | typeof CHI;
}

export interface ReportRates {
  perHundred: {
    /** The fiscal years whose headcounts count, and each one's share of the period's days. */
    fiscalYears: { fiscalYear: number; weight: number }[];
    company: RateCell;
    /** Departments with incidents or a headcount in the period; incidents of no department count for the company only. */
    byDepartment: (RateCell & { code: string | null; label: string })[];
  };
  closing: {
    /** Incidents of the period closed (by the day the report is made). */
    closed: Shown;
    /** Of them, closed on a day nobody recorded (終了日不明): no duration, left out of the figures below. */
    closedDateUnknown: Shown;
    medianDaysToClose: number | null | typeof CHI;
    closedWithin30Days: { count: Shown; applicable: Shown; rate: number | null | typeof CHI };
  };
}

/** The fiscal years a period touches, each with its share of the period's days (the shares add up to 1). */
export function fiscalYearWeights(period: Pick<Period, "from" | "to">, fiscalStartMonth: number): { fiscalYear: number; weight: number }[] {
  const total = daysBetween(period.from, period.to) + 1;
  const first = fiscalYearOf(period.from, fiscalStartMonth);
  const last = fiscalYearOf(period.to, fiscalStartMonth);
  const out: { fiscalYear: number; weight: number }[] = [];
  for (let fy = first; fy <= last; fy++) {
    const start = `${fy}-${String(fiscalStartMonth).padStart(2, "0")}-01`;
    const nextStart = `${fy + 1}-${String(fiscalStartMonth).padStart(2, "0")}-01`;
    const from = start > period.from ? start : period.from;
    const days = fy === last ? daysBetween(from, period.to) + 1 : daysBetween(from, nextStart);
    out.push({ fiscalYear: fy, weight: days / total });
  }
  return out;
}

/** Incidents per 100 employees; null without a headcount, χ when the count is hidden. */
export function perHundred(count: Shown, headcount: number | null): number | null | typeof CHI {
  if (count === CHI) return CHI;
  if (headcount === null || headcount <= 0) return null;
  return (count / headcount) * 100;
}

/**
 * Incidents per 100 employees of the company and of each department. `departments` are the report's own department
 * rows (id 0 = no department), so the counts, and what the executive version hides, are the report's.
 */
export function incidentRates(
  db: Conn,
  period: Pick<Period, "from" | "to">,
  fiscalStartMonth: number,
  company: Shown,
  departments: { id: number; label: string; count: Shown }[],
  extraDepartments: { id: number; label: string }[] = [],
): ReportRates["perHundred"] {
  const weights = fiscalYearWeights(period, fiscalStartMonth);
  const figures = headcountsOf(db, weights.map((w) => w.fiscalYear));
  const weighted = (of: (year: Map<number, number>) => number | null): number | null => {
    let sum = 0;
    for (const w of weights) {
      const n = of(figures.get(w.fiscalYear)!);
      if (n === null) return null;
      sum += w.weight * n;
    }
    return sum;
  };
  const companyHeadcount = weighted((year) => (year.size === 0 ? null : [...year.values()].reduce((a, b) => a + b, 0)));
  const rows = departments
    .filter((d) => d.id !== 0)
    .map((d) => {
      const headcount = weighted((year) => year.get(d.id) ?? null);
      return { code: null, label: d.label, incidents: d.count, headcount, rate: perHundred(d.count, headcount) };
    });
  const listed = new Set(departments.map((d) => d.id));
  for (const d of extraDepartments) {
    if (listed.has(d.id)) continue;
    const headcount = weighted((year) => year.get(d.id) ?? null);
    if (headcount !== null) rows.push({ code: null, label: d.label, incidents: 0, headcount, rate: perHundred(0, headcount) });
  }
  return {
    fiscalYears: weights,
    company: { incidents: company, headcount: companyHeadcount, rate: perHundred(company, companyHeadcount) },
    byDepartment: rows,
  };
}

/** The closing figures before any suppression. */
export interface ClosingCounts {
  closed: number;
  closedDateUnknown: number;
  /** Days to close of each incident with a close date, ascending. */
  days: number[];
}

/** Incidents that occurred in the period and are closed: their days from occurrence to closing. */
export function closingCounts(db: Conn, period: Pick<Period, "from" | "to">): ClosingCounts {
  const rows = db
    .select({ occurredOn: incidents.occurredOn, closedAt: incidents.closedAt, unknown: incidents.closedDateUnknown })
    .from(incidents)
    .where(and(between(incidents.occurredOn, period.from, period.to), eq(incidents.status, "closed")))
    .all();
  const days: number[] = [];
  let unknown = 0;
  for (const r of rows) {
    if (!r.closedAt) {
      unknown++;
      continue;
    }
    // A close date typed before the day it occurred counts as closed the same day, not as negative days.
    days.push(Math.max(0, daysBetween(r.occurredOn, r.closedAt)));
  }
  days.sort((a, b) => a - b);
  return { closed: rows.length, closedDateUnknown: unknown, days };
}

/**
 * The closing section. For executives (`threshold` given), a count between 1 and threshold − 1 is χ, and so is every
 * figure that would give one away: the applicable count when the unknown-date count is hidden (closed − unknown), the
 * within-30 count when it or its complement is small, and the median and rate of a hidden or small group.
 */
export function closingSection(c: ClosingCounts, threshold: number | null): ReportRates["closing"] {
  const applicable = c.days.length;
  const within = c.days.filter((d) => d <= CLOSE_WITHIN_DAYS).length;
  const med = median(c.days);
  const rate = applicable > 0 ? within / applicable : null;
  if (threshold === null) {
    return {
      closed: c.closed,
      closedDateUnknown: c.closedDateUnknown,
      medianDaysToClose: med,
      closedWithin30Days: { count: within, applicable, rate },
    };
  }
  const small = (n: number) => n > 0 && n < threshold;
  const closed: Shown = small(c.closed) ? CHI : c.closed;
  const unknown: Shown = closed === CHI || small(c.closedDateUnknown) ? CHI : c.closedDateUnknown;
  const applicableShown: Shown = unknown === CHI || small(applicable) ? CHI : applicable;
  const withinHidden = applicableShown === CHI || small(within) || small(applicable - within);
  return {
    closed,
    closedDateUnknown: unknown,
    medianDaysToClose: applicableShown === CHI ? CHI : med,
    closedWithin30Days: {
      count: withinHidden ? CHI : within,
      applicable: applicableShown,
      rate: withinHidden ? CHI : rate,
    },
  };
}
