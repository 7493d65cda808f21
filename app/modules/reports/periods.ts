/**
 * Report periods (docs/spec/reports.md "Periods"): parsing, labels, and the comparison periods.
 * Pure: everything is calendar days (`YYYY-MM-DD`) in Asia/Tokyo, both ends included.
 */
import type { Lang } from "../incidents/taxonomy";
import { daysBetween, isValidDay, shiftDay, yearsEarlier } from "../incidents/dates";

export type PeriodKind = "month" | "quarter" | "year" | "fiscalYear" | "fiscalQuarter" | "fiscalHalf" | "range";

export interface Period {
  /** The period as written in a URL or on the command line, canonical form. */
  key: string;
  kind: PeriodKind;
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, "0");
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

/** First and last day of `months` months starting at year y, month m (m may exceed 12). */
function monthSpan(y: number, m: number, months: number): { from: string; to: string } {
  const start = new Date(Date.UTC(y, m - 1, 1));
  const end = new Date(Date.UTC(y, m - 1 + months, 0));
  return {
    from: ymd(start.getUTCFullYear(), start.getUTCMonth() + 1, 1),
    to: ymd(end.getUTCFullYear(), end.getUTCMonth() + 1, end.getUTCDate()),
  };
}

/**
 * Parses `2025-04`, `2025-Q2`, `2025`, `FY2025`, `FY2025-Q1`, `FY2025-H2`, `2025-04-01..2025-06-30`.
 * Returns null for anything else, including a range whose end is before its start or a day that does not exist.
 */
export function parsePeriod(input: string, fiscalStartMonth = 4): Period | null {
  const p = readPeriod(input, fiscalStartMonth);
  // Years the app can count and print: "0002-01-01..9999-12-31" was a RangeError (a 500) in the date arithmetic.
  return p && p.from >= `${MIN_YEAR}` && p.to < `${MAX_YEAR + 1}` ? p : null;
}

/** The years a period may fall in (issue 18): far wider than any incident, narrow enough for every date function. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2999;

function readPeriod(input: string, fiscalStartMonth: number): Period | null {
  const s = input.normalize("NFKC").trim().toUpperCase();
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})$/.exec(s))) {
    const [y, mo] = [Number(m[1]), Number(m[2])];
    if (mo < 1 || mo > 12) return null;
    return { key: s, kind: "month", ...monthSpan(y, mo, 1) };
  }
  if ((m = /^(\d{4})-Q([1-4])$/.exec(s))) {
    const [y, q] = [Number(m[1]), Number(m[2])];
    return { key: s, kind: "quarter", ...monthSpan(y, (q - 1) * 3 + 1, 3) };
  }
  if ((m = /^(\d{4})$/.exec(s))) {
    return { key: s, kind: "year", ...monthSpan(Number(m[1]), 1, 12) };
  }
  if ((m = /^FY(\d{4})$/.exec(s))) {
    return { key: s, kind: "fiscalYear", ...monthSpan(Number(m[1]), fiscalStartMonth, 12) };
  }
  if ((m = /^FY(\d{4})-Q([1-4])$/.exec(s))) {
    const [y, q] = [Number(m[1]), Number(m[2])];
    return { key: s, kind: "fiscalQuarter", ...monthSpan(y, fiscalStartMonth + (q - 1) * 3, 3) };
  }
  if ((m = /^FY(\d{4})-H([12])$/.exec(s))) {
    const [y, h] = [Number(m[1]), Number(m[2])];
    return { key: s, kind: "fiscalHalf", ...monthSpan(y, fiscalStartMonth + (h - 1) * 6, 6) };
  }
  if ((m = /^(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$/.exec(s))) {
    const n = m.slice(1).map(Number);
    if (!isValidDay(n[0], n[1], n[2]) || !isValidDay(n[3], n[4], n[5])) return null;
    const from = ymd(n[0], n[1], n[2]);
    const to = ymd(n[3], n[4], n[5]);
    if (to < from) return null;
    return { key: `${from}..${to}`, kind: "range", from, to };
  }
  return null;
}

/** The fiscal year (by its starting calendar year) that contains a day. */
export function fiscalYearOf(day: string, fiscalStartMonth = 4): number {
  const y = Number(day.slice(0, 4));
  const mo = Number(day.slice(5, 7));
  return mo >= fiscalStartMonth ? y : y - 1;
}

/** 和暦 year label: 令和7, 令和元, 平成31. */
export function eraYear(year: number): string {
  if (year >= 2019) return year === 2019 ? "令和元" : `令和${year - 2018}`;
  if (year >= 1989) return year === 1989 ? "平成元" : `平成${year - 1988}`;
  return `昭和${year - 1925}`;
}

export function periodLabel(p: Period, lang: Lang = "ja"): string {
  const y = Number(p.key.replace(/^FY/, "").slice(0, 4));
  const part = p.key.split("-")[1];
  if (lang === "en") {
    switch (p.kind) {
      case "month":
        return new Date(`${p.from}T00:00:00Z`).toLocaleString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
      case "quarter":
        return `${y} ${part}`;
      case "year":
        return `${y}`;
      case "fiscalYear":
        return `FY${y}`;
      case "fiscalQuarter":
      case "fiscalHalf":
        return `FY${y} ${part}`;
      case "range":
        return `${p.from} – ${p.to}`;
    }
  }
  switch (p.kind) {
    case "month":
      return `${y}年${Number(p.from.slice(5, 7))}月`;
    case "quarter":
      return `${y}年 第${part.slice(1)}四半期`;
    case "year":
      return `${y}年`;
    case "fiscalYear":
      return `${y}年度(${eraYear(y)}年度)`;
    case "fiscalQuarter":
      return `${y}年度 第${part.slice(1)}四半期`;
    case "fiscalHalf":
      return `${y}年度 ${part === "H1" ? "上期" : "下期"}`;
    case "range":
      return `${p.from}〜${p.to}`;
  }
}

/** Common choices for a period picker around a given day: recent fiscal years, their halves and quarters, recent months. */
export function periodChoices(today: string, fiscalStartMonth = 4, years = 3): string[] {
  const fy = fiscalYearOf(today, fiscalStartMonth);
  const out: string[] = [];
  for (let y = fy; y > fy - years; y--) {
    out.push(`FY${y}`, `FY${y}-H1`, `FY${y}-H2`, `FY${y}-Q1`, `FY${y}-Q2`, `FY${y}-Q3`, `FY${y}-Q4`);
  }
  const [ty, tm] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  for (let i = 0; i < 12; i++) {
    const d = new Date(Date.UTC(ty, tm - 1 - i, 1));
    out.push(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`);
  }
  out.push(String(ty), String(ty - 1));
  return out;
}

/** The months of one calendar unit (a range has none: it is compared by its length in days). */
const UNIT_MONTHS: Record<Exclude<PeriodKind, "range">, number> = {
  month: 1, quarter: 3, fiscalQuarter: 3, fiscalHalf: 6, year: 12, fiscalYear: 12,
};

/** Whether a period is a whole calendar unit (month, quarter, half, fiscal or calendar year), not a range of days. */
export function isCalendarUnit(p: Pick<Period, "kind">): boolean {
  return p.kind !== "range";
}

/** What a period's figures are compared with (domain.md "Comparisons"), each span both ends included. */
export interface Comparison {
  /** The days of the period counted: all of them, or up to `today` while it is in progress. */
  current: [string, string];
  /** The previous calendar unit (a range: the same number of days just before), cut like `current`. */
  previous: [string, string];
  /** The same unit one year earlier, cut like `current`. */
  yearBefore: [string, string];
  /** Today falls inside the period before its last day: every span stops at the same elapsed day (同期間比). */
  inProgress: boolean;
  /** The day open cases are counted and aged at: the earlier of the period's end and today. */
  asOf: string;
}

/**
 * The periods a period is compared with (domain.md): the previous calendar unit (the previous month of a month, the
 * previous quarter of a quarter …; a custom range: the same number of days just before), and the same unit a year
 * before. While the period is in progress, each is cut to the same elapsed span: 4 December is compared with
 * 1–4 November and 1–4 December a year before, not with whole months.
 */
export function comparisonPeriods(p: Pick<Period, "from" | "to" | "kind">, today: string): Comparison {
  let previous: [string, string];
  let yearBefore: [string, string];
  if (p.kind === "range") {
    const length = daysBetween(p.from, p.to) + 1;
    previous = [shiftDay(p.from, -length), shiftDay(p.from, -1)];
    yearBefore = [yearsEarlier(p.from, 1), yearsEarlier(p.to, 1)];
  } else {
    const months = UNIT_MONTHS[p.kind];
    const [y, m] = [Number(p.from.slice(0, 4)), Number(p.from.slice(5, 7))];
    const prev = monthSpan(y, m - months, months);
    const last = monthSpan(y - 1, m, months);
    previous = [prev.from, prev.to];
    yearBefore = [last.from, last.to];
  }
  const inProgress = today >= p.from && today < p.to;
  if (!inProgress) return { current: [p.from, p.to], previous, yearBefore, inProgress, asOf: p.to < today ? p.to : today };
  const elapsed = daysBetween(p.from, today);
  const cut = ([from, to]: [string, string], end: string): [string, string] => [from, end < to ? end : to];
  return {
    current: [p.from, today],
    previous: cut(previous, shiftDay(previous[0], elapsed)),
    yearBefore: cut(yearBefore, yearsEarlier(today, 1) < yearBefore[0] ? yearBefore[0] : yearsEarlier(today, 1)),
    inProgress,
    asOf: today,
  };
}
