/**
 * What an executive may see of a period (domain.md; docs/decisions/0022): every count of the dashboard and the report,
 * per department and unfiltered, protected together by disclosure.server.ts, so that no view and no combination of
 * views gives a hidden count away.
 *
 * The rules that make that possible:
 * - periods are whole calendar units (month, quarter, half, fiscal or calendar year); a unit in progress is counted up
 *   to the end of its last finished month, so that no two views differ by a few days;
 * - the breakdowns (and the department filter) are shown for finished fiscal years only. Fiscal years do not overlap,
 *   so each is protected on its own; any other unit overlaps one (a quarter lies in a year, a year in progress grows
 *   month by month), and two overlapping tables of counts would give their difference away. Other units show the
 *   total and its months, the month totals being the same figures everywhere;
 * - the only filter is one department, and only a department whose own count is shown;
 * - every breakdown is a partition of the year's incidents into columns, in a fixed code order, protected as a
 *   two-way table with the departments; breakdowns that would be linked to another (care within severity) are shown
 *   unfiltered only; the weekday × hour grid and the repeat offenders are not shown to executives;
 * - a median, a minimum or a maximum is shown only over at least `threshold` incidents.
 */
import type { Db } from "../../../db/client.server";
import { getSettings } from "../settings/settings.server";
import { dayNumber, shiftDay } from "../incidents/dates";
import { BEHAVIOURS, CARE, CHANNELS, OUTCOMES, VALIDITIES } from "../incidents/taxonomy";
import type { Period } from "../reports/periods";
import { comparisonPeriods } from "../reports/periods";
import { CHANNEL_INDEX, CLOSED_DAY_UNKNOWN, cubeFor, DETERMINATION_INDEX, OUTCOME_INDEX, RESPONSE_INDEX, type Partition } from "./cube.server";
import { medianOfHistogram, OPEN_AGE_GROUPS } from "./aggregate.server";
import { CHI, protectTable, protectUnit, type Shown } from "./disclosure.server";

/** Why a period cannot be shown to an executive, or the days it is counted over. */
export type ExecutiveSpan =
  | { ok: true; from: string; to: string; /** A unit in progress, counted to the end of its last finished month. */ cut: boolean }
  | { ok: false; reason: "range" | "notYet" };

/**
 * The days an executive's view of a period counts. A custom range is refused (two ranges a day apart would give that
 * day away); a unit in progress stops at the end of its last finished month, and one with no finished month yet is
 * refused.
 */
export function executiveSpan(period: Period, today: string): ExecutiveSpan {
  if (period.kind === "range") return { ok: false, reason: "range" };
  if (period.to < today) return { ok: true, from: period.from, to: period.to, cut: false };
  const lastMonthEnd = shiftDay(`${today.slice(0, 7)}-01`, -1);
  if (lastMonthEnd < period.from) return { ok: false, reason: "notYet" };
  return { ok: true, from: period.from, to: lastMonthEnd, cut: true };
}

/** The breakdowns, each a partition of the period's incidents (behaviour: one column per code, several per incident). */
export const BREAKDOWNS = [
  "month", "channel", "outcome", "severity", "validity", "kasuhara", "client", "identify", "report", "two_responders_recorded",
  "written_report", "police", "repeat", "withBehaviour", "behaviour", "care", "careCodes",
] as const;
export type BreakdownId = (typeof BREAKDOWNS)[number];

/** Shown without a department filter only: linked to another breakdown (care lies within severity 3 and 4). */
const UNFILTERED_ONLY: ReadonlySet<BreakdownId> = new Set(["care", "careCodes"]);
/** Breakdowns where an incident counts once per value (behaviours; kinds of care of the severe incidents). */
const MULTI_VALUED: ReadonlySet<BreakdownId> = new Set(["behaviour", "careCodes"]);

const R02 = 1 << RESPONSE_INDEX.get("R02")!;
const POLICE = (1 << RESPONSE_INDEX.get("R06")!) | (1 << RESPONSE_INDEX.get("R07")!) | (1 << RESPONSE_INDEX.get("R10")!);
const POLICE_OUTCOMES = new Set([OUTCOME_INDEX.get("O5")!, OUTCOME_INDEX.get("O6")!]);
const D1 = DETERMINATION_INDEX.get("D1")!;
const PHONE = CHANNEL_INDEX.get("C2")!;

/** A finished fiscal year's protected figures (the only unit with breakdowns for executives). */
export interface UnitFigures {
  from: string;
  to: string;
  months: string[];
  total: number;
  totalHidden: boolean;
  /** Department ids (0: none recorded) with their totals and whether the total is hidden. */
  departments: { id: number; total: number; hidden: boolean }[];
  breakdowns: Record<BreakdownId, { cols: string[]; margins: number[]; marginHidden: boolean[]; cells: number[][]; cellHidden: boolean[][]; withheld: boolean }>;
  /** Handling times (minutes → how many) per department row, for medians. */
  durations: Map<number, number>[];
}

const unitCache = new Map<string, { state: string; figures: UnitFigures }>();

/** The columns of each breakdown (codes, or keys such as "met"), in the fixed order they are shown in. */
function columnsOf(months: string[]): Record<BreakdownId, string[]> {
  return {
    month: months,
    channel: [...CHANNELS.map((c) => c.code as string), "unknown"],
    outcome: [...OUTCOMES.map((c) => c.code as string), "unknown"],
    severity: ["1", "2", "3", "4", "unknown"],
    validity: [...VALIDITIES.map((c) => c.code as string), "unknown"],
    kasuhara: ["D1", "other"],
    client: ["named", "unknown"],
    identify: ["met", "missed"],
    report: ["met", "missed"],
    two_responders_recorded: ["met", "missed"],
    written_report: ["met", "missed"],
    police: ["yes", "no"],
    repeat: ["yes", "no"],
    withBehaviour: ["with", "without"],
    behaviour: BEHAVIOURS.map((b) => b.code as string),
    care: ["met", "missed", "notSevere"],
    careCodes: CARE.map((c) => c.code as string),
  };
}

function computeUnit(partitions: Partition[], from: string, to: string, o: Options): UnitFigures {
  const months = monthsOf(from, to);
  const monthIndex = new Map(months.map((m, i) => [m, i]));
  const inSpan = partitions.filter((p) => monthIndex.has(p.month));
  const ids = new Set<number>();
  for (const p of inSpan) for (let i = 0; i < p.n; i++) ids.add(p.department[i]);
  const deptIds = [...ids].sort((a, b) => (a === 0 ? 1 : b === 0 ? -1 : a - b));
  const row = new Map(deptIds.map((id, r) => [id, r]));
  const D = deptIds.length;
  const cols = columnsOf(months);
  const cells = Object.fromEntries(BREAKDOWNS.map((b) => [b, Array.from({ length: D }, () => new Array<number>(cols[b].length).fill(0))])) as Record<BreakdownId, number[][]>;
  const totals = new Array<number>(D).fill(0);
  const durations = Array.from({ length: D }, () => new Map<number, number>());
  const add = (b: BreakdownId, r: number, c: number) => cells[b][r][c]++;
  const metOrMissed = (met: boolean) => (met ? 0 : 1);
  for (const x of inSpan) {
    const month = monthIndex.get(x.month)!;
    for (let i = 0; i < x.n; i++) {
      const r = row.get(x.department[i])!;
      totals[r]++;
      add("month", r, month);
      add("channel", r, x.channel[i] >= 0 ? x.channel[i] : CHANNELS.length);
      const outcome = x.outcome[i];
      add("outcome", r, outcome >= 0 ? outcome : OUTCOMES.length);
      const severity = x.severity[i];
      add("severity", r, severity > 0 ? severity - 1 : 4);
      add("validity", r, x.validity[i] >= 0 ? x.validity[i] : VALIDITIES.length);
      add("kasuhara", r, x.determination[i] === D1 ? 0 : 1);
      add("client", r, x.client[i] === 0 ? 1 : 0);
      const responses = x.responses[i];
      add("identify", r, metOrMissed(x.identified[i] === 1));
      const reported = x.reportedInTime[i];
      add("report", r, metOrMissed(reported === 1 || (reported === -1 && (responses & R02) !== 0)));
      add("two_responders_recorded", r, metOrMissed(x.recorded[i] === 1 && (x.channel[i] === PHONE || x.responders[i] >= 2)));
      const written = x.writtenDays[i];
      add("written_report", r, metOrMissed(written >= 0 && written <= o.writtenDays));
      add("police", r, (responses & POLICE) !== 0 || POLICE_OUTCOMES.has(outcome) ? 0 : 1);
      add("repeat", r, x.contacts[i] >= 2 ? 0 : 1);
      const behaviours = x.behaviours[i];
      add("withBehaviour", r, behaviours ? 0 : 1);
      for (let k = 0; k < BEHAVIOURS.length; k++) if (behaviours & (1 << k)) add("behaviour", r, k);
      add("care", r, severity >= 3 ? (x.care[i] !== 0 ? 0 : 1) : 2);
      if (severity >= 3) for (let k = 0; k < CARE.length; k++) if (x.care[i] & (1 << k)) add("careCodes", r, k);
      const d = x.duration[i];
      if (d >= 0) durations[r].set(d, (durations[r].get(d) ?? 0) + 1);
    }
  }
  const total = totals.reduce((a, b) => a + b, 0);
  const margins = (b: BreakdownId) => cols[b].map((_, c) => cells[b].reduce((sum, r) => sum + r[c], 0));
  const protection = protectUnit({
    id: `${from}..${to}`,
    departments: deptIds.map((id, r) => ({ key: String(id), total: totals[r] })),
    total,
    breakdowns: BREAKDOWNS.map((b) => ({
      id: b, cols: cols[b].map((key) => ({ key })), cells: cells[b], margins: margins(b), additive: !MULTI_VALUED.has(b), unfilteredOnly: UNFILTERED_ONLY.has(b),
      // The month totals are published as they are by every unit's trend (monthTotals): never hidden for another.
      marginsFixed: b === "month" ? months.map(() => true) : undefined,
    })),
    threshold: o.threshold,
    secret: o.secret,
  });
  return {
    from, to, months, total,
    totalHidden: protection.totalHidden,
    departments: deptIds.map((id, r) => ({ id, total: totals[r], hidden: protection.departmentHidden[r] })),
    breakdowns: Object.fromEntries(
      BREAKDOWNS.map((b) => {
        const p = protection.breakdowns.get(b)!;
        return [b, { cols: cols[b], margins: margins(b), marginHidden: p.marginHidden, cells: cells[b], cellHidden: p.cellHidden, withheld: p.withheld }];
      }),
    ) as UnitFigures["breakdowns"],
    durations,
  };
}

/** The months of a span (YYYY-MM), both ends included. */
function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const [ty, tm] = [Number(to.slice(0, 4)), Number(to.slice(5, 7))];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    if (++m > 12) [y, m] = [y + 1, 1];
  }
  return out;
}

/** The last day of the `count`-th month from the month of `from` (1: that month). */
function endOfMonths(from: string, count: number): string {
  const [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  return new Date(Date.UTC(y, m - 1 + count, 0)).toISOString().slice(0, 10);
}

interface Options {
  threshold: number;
  writtenDays: number;
  secret: string;
}

function optionsOf(db: Db): Options {
  const s = getSettings(db);
  return { threshold: s.suppressionThreshold, writtenDays: s.writtenReportDeadlineDays, secret: s.disclosureKey ?? "" };
}

/** Whether an executive sees the breakdowns of a period: a fiscal year that has ended. */
export function hasBreakdowns(period: Period, today: string): boolean {
  return period.kind === "fiscalYear" && period.to < today;
}

/** A finished fiscal year's protected figures, computed once per state of its months and settings. */
export function fiscalYearFigures(db: Db, from: string, to: string): UnitFigures {
  const o = optionsOf(db);
  const partitions = cubeFor(db, [[from, to]]).monthsBetween(from, to);
  const state = `${o.threshold}|${o.writtenDays}|${o.secret}|${partitions.map((p) => `${p.month}:${p.generation}`).join(",")}`;
  const key = `${from}..${to}`;
  const hit = unitCache.get(key);
  if (hit && hit.state === state) return hit.figures;
  const figures = computeUnit(partitions, from, to, o);
  unitCache.set(key, { state, figures });
  if (unitCache.size > 32) unitCache.delete(unitCache.keys().next().value!);
  return figures;
}

/**
 * The month totals of a span: the one figure every unit shows of each month (its trend), the same in every view, hidden
 * only when below the threshold (a month's total is not linked to anything finer an executive sees but its fiscal
 * year's breakdowns, whose protection never hides it for another count).
 */
export function monthTotals(db: Db, from: string, to: string): { month: string; value: number; count: Shown }[] {
  const o = optionsOf(db);
  const byMonth = new Map(cubeFor(db, [[from, to]]).monthsBetween(from, to).map((p) => [p.month, p.n]));
  return monthsOf(from, to).map((month) => {
    const value = byMonth.get(month) ?? 0;
    return { month, value, count: value > 0 && value < o.threshold ? CHI : value };
  });
}

/** A sum over months, shown only when every month's part is (a sum of shown counts tells nothing more). */
function sumOf(parts: { value: number; count: Shown }[]): Shown {
  const value = parts.reduce((a, p) => a + p.value, 0);
  return parts.some((p) => p.count === CHI) && value > 0 ? CHI : value;
}

/**
 * What an executive sees of a period: for a finished fiscal year, every breakdown (unfiltered or one department's row);
 * for any other unit, the total and its months.
 */
export class ExecutiveView {
  constructor(
    readonly unit: UnitFigures | null,
    readonly months: { month: string; value: number; count: Shown }[],
    readonly department: number | null,
    readonly threshold: number,
  ) {}

  private row(): number {
    return this.unit && this.department !== null ? this.unit.departments.findIndex((d) => d.id === this.department) : -1;
  }

  /** The view's total: the period's, or the department's. */
  total(): Shown {
    const u = this.unit;
    if (!u) return sumOf(this.months);
    if (u.totalHidden && u.total > 0) return CHI;
    if (this.department === null) return u.total;
    const d = u.departments[this.row()];
    if (!d) return 0;
    return d.hidden && d.total > 0 ? CHI : d.total;
  }

  /** A breakdown's columns in their fixed order (none without breakdowns, or when it cannot be published). */
  counts(b: BreakdownId): { key: string; count: Shown; value: number }[] {
    const u = this.unit;
    // The months' totals are the same figures in every view (monthTotals); a department's, from its year's table.
    if (b === "month" && (!u || this.department === null)) return this.months.map((m) => ({ key: m.month, count: m.count, value: m.value }));
    if (!u) return [];
    if (this.department !== null && UNFILTERED_ONLY.has(b)) return [];
    const t = u.breakdowns[b];
    if (t.withheld) return [];
    const r = this.row();
    return t.cols.map((key, c) => {
      const value = this.department === null ? t.margins[c] : r < 0 ? 0 : t.cells[r][c];
      const hidden = u.totalHidden || (this.department === null ? t.marginHidden[c] : r >= 0 && t.cellHidden[r][c]);
      return { key, value, count: hidden && value > 0 ? CHI : value };
    });
  }

  /** One column of a breakdown; null when the breakdown is not shown. */
  cell(b: BreakdownId, key: string): Shown | null {
    const counts = this.counts(b);
    if (counts.length === 0) return null;
    return counts.find((x) => x.key === key)?.count ?? 0;
  }

  /** The median handling time, over at least `threshold` incidents with a time, and only with the total shown. */
  median(): number | null {
    const u = this.unit;
    if (!u) return null;
    const rows = this.department === null ? u.durations : [u.durations[this.row()] ?? new Map<number, number>()];
    const merged = new Map<number, number>();
    for (const r of rows) for (const [d, n] of r) merged.set(d, (merged.get(d) ?? 0) + n);
    const n = [...merged.values()].reduce((a, b) => a + b, 0);
    if (n < this.threshold || typeof this.total() !== "number") return null;
    const histogram = new Int32Array(Math.max(0, ...merged.keys()) + 1);
    for (const [d, c] of merged) histogram[d] = c;
    return medianOfHistogram(histogram);
  }

  /**
   * Severity 3 or more (the headline and the care step): the sum of two shown counts, so shown only when both are;
   * null without breakdowns.
   */
  severe(): { value: number; count: Shown; shown: boolean } | null {
    const severity = this.counts("severity");
    if (severity.length === 0) return null;
    const value = severity[2].value + severity[3].value;
    const shown = typeof severity[2].count === "number" && typeof severity[3].count === "number";
    return { value, shown, count: shown || value === 0 ? value : CHI };
  }

  /**
   * The year's departments with incidents, by name (the one without a department last), each with its count as
   * shown; `name` labels an id (0: none recorded). Empty without breakdowns.
   */
  departmentRows(name: (id: number) => string): { id: number; label: string; count: Shown }[] {
    if (!this.unit) return [];
    return this.unit.departments
      .filter((d) => d.total > 0)
      .sort((a, b) => (a.id === 0 ? 1 : b.id === 0 ? -1 : name(a.id).localeCompare(name(b.id), "ja") || a.id - b.id))
      .map((d) => ({ id: d.id, label: name(d.id), count: d.hidden ? CHI : d.total }));
  }

  /** The departments that can be selected: their own count shown and not 0. */
  selectable(): number[] {
    return this.unit ? this.unit.departments.filter((d) => !d.hidden && d.total > 0).map((d) => d.id) : [];
  }
}

/**
 * The executive's view of a period counted over `span` (see executiveSpan). A finished fiscal year with a month of
 * fewer than `threshold` incidents shows no breakdowns either: that month's total is hidden everywhere, and the
 * year's total, which every breakdown adds up to, would give it away.
 */
export function executiveView(db: Db, period: Period, span: { from: string; to: string }, today: string, department: number | null): ExecutiveView {
  const o = optionsOf(db);
  const months = monthTotals(db, span.from, span.to);
  const unit = hasBreakdowns(period, today) && !months.some((m) => m.count === CHI) ? fiscalYearFigures(db, span.from, span.to) : null;
  return new ExecutiveView(unit, months, unit ? department : null, o.threshold);
}

/** The total of another span (a period compared with): the sum of its month totals. */
export function spanTotal(db: Db, span: [string, string]): Shown {
  return sumOf(monthTotals(db, span[0], span[1]));
}

/**
 * The spans an executive's period is compared with: the previous unit and the same unit a year before, each cut to as
 * many months as the period while it is in progress (domain.md Comparisons, by whole months for executives).
 */
export function executiveComparison(period: Period, span: { from: string; to: string; cut: boolean }): { previous: [string, string]; yearBefore: [string, string] } {
  const c = comparisonPeriods(period, shiftDay(period.to, 1));
  if (!span.cut) return { previous: c.previous, yearBefore: c.yearBefore };
  const months = monthsOf(span.from, span.to).length;
  return { previous: [c.previous[0], endOfMonths(c.previous[0], months)], yearBefore: [c.yearBefore[0], endOfMonths(c.yearBefore[0], months)] };
}

/**
 * Cases open at the end of `asOf`, whenever they began (domain.md): the total and by age unfiltered, per department in
 * a department's view, each protected as a table of its own.
 */
export function executiveOpenCases(db: Db, asOf: string, selectable: number[]) {
  const o = optionsOf(db);
  const cube = cubeFor(db, [["0000-01-01", asOf]]);
  const end = dayNumber(asOf);
  const perDepartment = new Map<number, number>();
  const byAge = new Array<number>(OPEN_AGE_GROUPS.length + 1).fill(0);
  let oldestDay: number | null = null;
  let closedDateUnknown = 0;
  let total = 0;
  for (const p of cube.monthsBetween("0000-01-01", asOf)) {
    for (let i = 0; i < p.n; i++) {
      if (p.day[i] > end) continue;
      if (p.closedDay[i] === CLOSED_DAY_UNKNOWN) {
        closedDateUnknown++;
        continue;
      }
      if (!(p.open[i] || p.closedDay[i] > end)) continue;
      total++;
      perDepartment.set(p.department[i], (perDepartment.get(p.department[i]) ?? 0) + 1);
      const age = end - p.day[i];
      const group = OPEN_AGE_GROUPS.findIndex((limit) => age <= limit);
      byAge[group < 0 ? OPEN_AGE_GROUPS.length : group]++;
      if (oldestDay === null || p.day[i] < oldestDay) oldestDay = p.day[i];
    }
  }
  const depts = [...perDepartment.keys()].sort((a, b) => a - b);
  const canSee = new Set(selectable);
  // A department that cannot be selected is never shown: hidden from the start (taking it as known is the cautious view).
  const perDept = protectTable({
    id: `open|${asOf}`, rows: [], cols: depts.map((id) => ({ key: String(id) })), cells: [], margins: depts.map((id) => perDepartment.get(id)!),
    total, additive: true, threshold: o.threshold, secret: o.secret, marginsForced: depts.map((id) => !canSee.has(id)),
  });
  const ages = protectTable({
    id: `openAge|${asOf}`, rows: [], cols: byAge.map((_, k) => ({ key: String(k) })), cells: [], margins: byAge, total, additive: true,
    threshold: o.threshold, secret: o.secret,
  });
  const totalHidden = perDept.totalHidden || ages.totalHidden;
  const totalShown: Shown = totalHidden && total > 0 ? CHI : total;
  return {
    total: totalShown,
    of(department: number): Shown {
      const k = depts.indexOf(department);
      if (k < 0) return 0;
      return perDept.withheld || perDept.marginHidden[k] || totalHidden ? CHI : perDepartment.get(department)!;
    },
    byAge: byAge.map((n, k) => ((ages.withheld || ages.marginHidden[k] || totalHidden) && n > 0 ? CHI : n)) as Shown[],
    /** The oldest case's age unfiltered: one case's, so only among at least `threshold` open cases shown. */
    oldestDays: typeof totalShown === "number" && totalShown >= o.threshold && oldestDay !== null ? end - oldestDay : null,
    closedDateUnknown: (closedDateUnknown > 0 && closedDateUnknown < o.threshold ? CHI : closedDateUnknown) as Shown,
  };
}

/**
 * Care for the employee (severity 3 or more): with care recorded, and by kind of care. Shown unfiltered only, and only
 * when the severity 3 and 4 counts are shown, as a table of its own within their sum: care lies within severity, so
 * protecting it within all incidents would let the severity table undo it. The kinds only with "with care" shown
 * (each is at most that count).
 */
export function executiveCare(db: Db, view: ExecutiveView): { severe: Shown | null; met: Shown | null; rate: number | null; byKind: { key: string; count: Shown }[] } {
  const severe = view.severe();
  const care = view.counts("care");
  if (!severe || care.length === 0 || view.department !== null) return { severe: null, met: null, rate: null, byKind: [] };
  const shownOrHidden = (n: number): Shown => (n > 0 ? CHI : 0);
  const severeValue = severe.value;
  const severeShown = severe.shown;
  const kinds = view.counts("careCodes");
  if (!severeShown) {
    return { severe: shownOrHidden(severeValue), met: shownOrHidden(care[0].value), rate: null, byKind: kinds.map((k) => ({ key: k.key, count: shownOrHidden(k.value) })) };
  }
  const o = optionsOf(db);
  const p = protectTable({
    id: `care|${view.unit?.from}..${view.unit?.to}`, rows: [], cols: [{ key: "met" }, { key: "missed" }], cells: [],
    margins: [care[0].value, care[1].value], total: severeValue, additive: true, threshold: o.threshold, secret: o.secret,
  });
  const metHidden = p.totalHidden || p.withheld || p.marginHidden[0];
  const met: Shown = metHidden ? shownOrHidden(care[0].value) : care[0].value;
  return {
    severe: severeValue,
    met,
    rate: typeof met === "number" && severeValue > 0 ? met / severeValue : null,
    byKind: kinds.map((k) => ({ key: k.key, count: typeof met === "number" ? k.count : shownOrHidden(k.value) })),
  };
}
