/**
 * The dashboard: its query from the URL, the figures from the cube, and what each figure links to. Every link is the
 * incident list with the dashboard's own filters plus the clicked value, so the list counts exactly the incidents
 * behind the bar (the list's URL format is documented in incidents/filters.ts).
 */
import type { Db } from "../../../db/client.server";
import { translate, type Lang } from "~/i18n";
import { dayNumber, dayText } from "../incidents/dates";
import { clientIdsMatching, clientNamesById, countIncidentsBetween, listDepartments, openCasesBefore } from "../incidents/queries.server";
import { parseListQuery, UNKNOWN } from "../incidents/filters";
import { BEHAVIOURS, CHANNELS, codesOf, labelOf, OUTCOMES } from "../incidents/taxonomy";
import { comparisonPeriods, fiscalYearOf, parsePeriod, type Period } from "../reports/periods";
import { getSettings } from "../settings/settings.server";
import { seesPersonalData, incidentScope, type Principal } from "../auth/permissions";
import {
  aggregate, aggregateOptions, clientHistories, clientRanking, countMatching, departmentCounts, medianOfHistogram, openAt, ratio,
  type CubeFilters,
} from "./aggregate.server";
import {
  BEHAVIOUR_INDEX, CHANNEL_INDEX, cubeFor, DETERMINATION_INDEX, OUTCOME_INDEX, RESPONSE_INDEX, withFreshMonths, type DayRange, type Partition,
} from "./cube.server";
import type { AdherenceRate, Breakdown, Change, DashboardData, Heatmap, RepeatOffender, Trend } from "./dashboard-types";
import type { Shown } from "./suppression";
import { buildExecutiveDashboard, executiveQuery } from "./executive-dashboard.server";
import { executiveSpan } from "./executive.server";

/** The filters a dashboard URL may carry: the list's names and values (repeatable; `unknown` = no value). */
export const DASHBOARD_FILTER_PARAMS = ["department", "channel", "client", "behaviour", "severity", "determination"] as const;

export interface DashboardQuery {
  period: Period;
  /** The filter params exactly as they will be passed on to the list (validated). */
  params: URLSearchParams;
  stack: "group" | "severity";
}

const idOrUnknown = (v: string) => v === "unknown" || /^[1-9]\d{0,9}$/.test(v);
const VALID: Record<(typeof DASHBOARD_FILTER_PARAMS)[number], (v: string) => boolean> = {
  department: idOrUnknown,
  channel: (v) => CHANNEL_INDEX.has(v),
  client: (v) => v.trim().length > 0 && v.length <= 100,
  behaviour: (v) => BEHAVIOUR_INDEX.has(v),
  severity: (v) => v === "unknown" || codesOf("severity").includes(v),
  determination: (v) => v === "unknown" || DETERMINATION_INDEX.has(v),
};

/** Reads period, filters and the trend's stacking from the URL; the period defaults to the current fiscal year. */
export function parseDashboardQuery(
  search: URLSearchParams,
  fiscalStartMonth: number,
  currentFiscalYear: number,
): { query: DashboardQuery; invalidPeriod: string | null } {
  const asked = (search.get("period") ?? "").trim();
  const parsed = asked ? parsePeriod(asked, fiscalStartMonth) : null;
  const period = parsed ?? parsePeriod(`FY${currentFiscalYear}`, fiscalStartMonth)!;
  const params = new URLSearchParams();
  for (const name of DASHBOARD_FILTER_PARAMS) {
    const values = name === "client" ? [search.get("client") ?? ""].slice(0, 1) : search.getAll(name);
    for (const v of new Set(values)) if (VALID[name](v)) params.append(name, name === "client" ? v.trim() : v);
  }
  return {
    query: { period, params, stack: search.get("stack") === "severity" ? "severity" : "group" },
    invalidPeriod: asked && !parsed ? asked : null,
  };
}

/** The cube's filters for the query's period; a supervisor's department replaces any asked for. */
function cubeFilters(db: Db, q: DashboardQuery, user: Principal): CubeFilters {
  const p = q.params;
  const scope = incidentScope(user);
  const clientText = p.get("client");
  // The same match as the list's client filter: part of the normalised name.
  const clientIds = clientText ? new Set(clientIdsMatching(db, clientText)) : null;
  const nullable = (v: string) => (v === "unknown" ? null : v);
  return {
    from: dayNumber(q.period.from),
    to: dayNumber(q.period.to),
    departments:
      scope.kind === "department" ? [scope.departmentId] : p.getAll("department").map((v) => (v === "unknown" ? null : Number(v))),
    channels: p.getAll("channel").map((c) => CHANNEL_INDEX.get(c)!),
    clients: clientIds,
    behaviours: p.getAll("behaviour").reduce((m, c) => m | (1 << BEHAVIOUR_INDEX.get(c)!), 0),
    severities: p.getAll("severity").map((v) => (nullable(v) === null ? null : Number(v))),
    determinations: p.getAll("determination").map((v) => (nullable(v) === null ? null : DETERMINATION_INDEX.get(v)!)),
  };
}

function listHref(q: DashboardQuery, period: string, replace: Record<string, string | string[]> = {}): string {
  const p = new URLSearchParams();
  p.set("period", period);
  for (const [k, v] of q.params) if (!(k in replace)) p.append(k, v);
  for (const [k, v] of Object.entries(replace)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one);
  return `/incidents?${p.toString()}`;
}

/** The days of a month inside the period, as a period text for the list (the month itself when it is whole). */
function monthWithin(month: string, period: Period): string {
  const start = `${month}-01`;
  const lastDay = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  const from = start < period.from ? period.from : start;
  const to = lastDay > period.to ? period.to : lastDay;
  return from === start && to === lastDay ? month : `${from}..${to}`;
}


/** A count and its share of the total. */
function countShare(part: number, whole: number): { count: Shown; share: number | null } {
  return { count: part, share: ratio(part, whole) };
}

function change(current: number, base: number): Change {
  return { base, delta: current - base, ratio: base === 0 ? null : (current - base) / base };
}

const STRONGEST_ORDER = ["none", "warning", "R03", "R04", "R08", "police_legal"] as const;

export interface BuildOptions {
  lang: Lang;
  today: string;
  threshold: number;
  writtenReportDays: number;
}

/** The first day of the twelve months up to today in which a client counts as a repeat offender. */
const yearBefore = (today: string) => dayText(dayNumber(today) - 364);

/**
 * Whether the counts of the periods compared with need the columns: with a filter (or a supervisor's department) they
 * do; without, a count is one range of the occurred_on index (8 ms for a year at 1,000,000 incidents).
 */
const comparedWithFilters = (q: DashboardQuery, user: Principal) => q.params.size > 0 || incidentScope(user).kind === "department";

/**
 * The days a dashboard reads from the columns: its period, the twelve months up to today (repeat offenders, whatever
 * the period), and, with filters, the two periods it is compared with. Their months are the ones a request loads first
 * (cube.server.ts); without filters the periods compared with are counted in SQL until their months are loaded.
 */
export function dashboardDays(q: DashboardQuery, user: Principal, today: string): DayRange[] {
  const days: DayRange[] = [[q.period.from, q.period.to], [yearBefore(today), today]];
  if (!comparedWithFilters(q, user)) return days;
  const { previous, yearBefore: lastYear } = comparisonPeriods(q.period, today);
  return [...days, previous, lastYear];
}

/**
 * The dashboard for one request, as the page and its CSV export both show it: the query read from the URL with the
 * settings in force, the months it reads brought up to date (in slices, without stopping the server), and the
 * figures. `search` is the URL's parameters as this user may use them (returned as `search`): an executive's never
 * carry a client name.
 */
export async function loadDashboard(db: Db, user: Principal, asked: URLSearchParams, o: { lang: Lang; today: string }) {
  const settings = getSettings(db);
  const search = new URLSearchParams(asked);
  // Searching by a client's name would let an executive look a named client up: their filters leave it out.
  if (!seesPersonalData(user)) search.delete("client");
  const currentFiscalYear = fiscalYearOf(o.today, settings.fiscalYearStartMonth);
  const { query, invalidPeriod } = parseDashboardQuery(search, settings.fiscalYearStartMonth, currentFiscalYear);
  const options: BuildOptions = {
    lang: o.lang, today: o.today, threshold: settings.suppressionThreshold, writtenReportDays: settings.writtenReportDeadlineDays,
  };
  if (!seesPersonalData(user)) {
    // Executives (docs/decisions/0022): whole units, the department as the only filter, protected figures. Every month
    // up to the span's end is read (the cases still open then may have begun at any time).
    const probe = executiveSpan(query.period, o.today);
    const end = probe.ok ? probe.to : o.today;
    const data = await withFreshMonths(db, [["0000-01-01", end]], () => {
      const eq = executiveQuery(db, search, settings.fiscalYearStartMonth, o.today);
      return { eq, figures: buildExecutiveDashboard(db, eq, { lang: o.lang, today: o.today, threshold: settings.suppressionThreshold }) };
    });
    const params = new URLSearchParams();
    if (data.eq.department !== null) params.set("department", data.eq.department === 0 ? "unknown" : String(data.eq.department));
    const executiveQ: DashboardQuery = { period: data.eq.period, params, stack: "group" };
    return { data: data.figures, query: executiveQ, invalidPeriod, settings, search, executive: { span: data.eq.span, notices: data.eq.notices, breakdowns: data.eq.breakdowns } };
  }
  const data = await withFreshMonths(db, dashboardDays(query, user, o.today), () => buildDashboard(db, query, user, options));
  return { data, query, invalidPeriod, settings, search, executive: null };
}

/**
 * openAt over the loaded months from the period's first, plus the cases of the months before it counted in SQL with the
 * same filters (the list's, which the dashboard's are: see listHref).
 */
function openWithEarlierInSql(db: Db, q: DashboardQuery, user: Principal, partitions: Partition[], f: CubeFilters, asOf: string) {
  const asOfDay = dayNumber(asOf);
  const firstMonth = `${q.period.from.slice(0, 7)}-01`;
  const loaded = openAt(partitions, f, asOfDay);
  const list = parseListQuery(q.params).filters;
  const scope = incidentScope(user);
  if (scope.kind === "department") list.departmentId = [scope.departmentId];
  const earlier = openCasesBefore(db, list, firstMonth, asOf);
  const earliest = earlier.oldestDay === null ? null : dayNumber(earlier.oldestDay);
  return {
    count: loaded.count + earlier.count,
    oldestDay: earliest === null ? loaded.oldestDay : loaded.oldestDay === null ? earliest : Math.min(earliest, loaded.oldestDay),
  };
}

/** The whole dashboard for a user: HR, admin and supervisors get numbers and links; executives suppressed aggregates. */
export function buildDashboard(db: Db, q: DashboardQuery, user: Principal, o: BuildOptions): DashboardData {
  if (!seesPersonalData(user)) {
    // Executives: the protected figures (docs/decisions/0022), whatever was asked.
    const search = new URLSearchParams(q.params);
    search.set("period", q.period.key);
    const eq = executiveQuery(db, search, getSettings(db).fiscalYearStartMonth, o.today);
    return buildExecutiveDashboard(db, eq, { lang: o.lang, today: o.today, threshold: o.threshold });
  }
  const cube = cubeFor(db, dashboardDays(q, user, o.today));
  const t = (k: Parameters<typeof translate>[1]) => translate(o.lang, k);
  const f = cubeFilters(db, q, user);
  const partitions = cube.monthsBetween(q.period.from, q.period.to);
  const shifted = comparisonPeriods(q.period, o.today);
  const a = aggregate(partitions, f, aggregateOptions(o.writtenReportDays));
  // Open: the cases open at the as-of day (the earlier of the period's end and today), whenever they began, aged to
  // that day: the same figure as the report's (domain.md). Those of earlier months come from the columns once every
  // month is loaded, and meanwhile from SQL (the first dashboards after the start), like the periods compared with.
  const asOfDay = dayNumber(shifted.asOf);
  const open = cube.fresh([["0000-01-01", shifted.asOf]])
    ? openAt(cube.monthsBetween("0000-01-01", shifted.asOf), f, asOfDay)
    : openWithEarlierInSql(db, q, user, cube.monthsBetween(q.period.from, shifted.asOf), f, shifted.asOf);
  // Without filters, a period compared with is counted from the columns once its months are loaded, and meanwhile in
  // SQL (the first dashboards after the start): the same count, of the same committed data (this turn).
  const countIn = ([from, to]: [string, string]) =>
    comparedWithFilters(q, user) || cube.fresh([[from, to]])
      ? countMatching(cube.monthsBetween(from, to), { ...f, from: dayNumber(from), to: dayNumber(to) })
      : countIncidentsBetween(db, from, to);
  const periodKey = q.period.key;
  // While the period is in progress it is compared over the days so far (the same span of the others).
  const current = shifted.inProgress ? countIn(shifted.current) : a.total;

  /** A breakdown whose cells add up to the total. */
  const additive = (id: Breakdown["id"], rows: { key: string; label: string; count: number; href: string | null }[]): Breakdown => ({
    id,
    buckets: rows.map((r) => ({ key: r.key, label: r.label, count: r.count, href: r.href })),
    covered: a.total,
  });

  const clientNames = (ids: number[]) => new Map(clientNamesById(db, ids).map((c) => [c.id, c.name]));

  // Behaviours: multi-valued, so no cell can be recovered from the total: only small cells are hidden.
  const behaviour: Breakdown = {
    id: "behaviour",
    buckets: BEHAVIOURS.map((b, k) => ({
      key: b.code,
      label: labelOf("behaviours", b.code, o.lang),
      count: a.behaviours[k],
      href: listHref(q, periodKey, { behaviour: b.code }),
    }))
      .filter((b, k) => a.behaviours[k] > 0)
      .sort((x, y) => a.behaviours[BEHAVIOUR_INDEX.get(y.key)!] - a.behaviours[BEHAVIOUR_INDEX.get(x.key)!]),
    covered: a.withBehaviour,
  };

  // Clients: top 10 by count, then その他 (every other client: listed as "a client, none of the top ten"), then
  // incidents without a client.
  const { top, others, none } = clientRanking(a);
  const topNames = clientNames(top.map(([id]) => id));
  const client = additive("client", [
    ...top.map(([id, n]) => ({
      key: String(id),
      // Executives never see a name: clients are ranked, not named.
      label: topNames.get(id) ?? String(id),
      count: n,
      href: listHref(q, periodKey, { client_id: String(id) }),
    })),
    ...(others
      ? [{ key: "other", label: t("dashboard.otherClients"), count: others, href: listHref(q, periodKey, { client_not: top.map(([id]) => String(id)) }) }]
      : []),
    ...(none ? [{ key: "unknown", label: t("common.unknown"), count: none, href: listHref(q, periodKey, { client_id: UNKNOWN }) }] : []),
  ]);

  const coded = (id: Breakdown["id"], field: "channel" | "outcome", codes: readonly { code: string }[], counts: number[], param: string) =>
    additive(
      id,
      [
        ...codes.map((c, k) => ({
          key: c.code,
          label: labelOf(field, c.code, o.lang),
          count: counts[k],
          href: listHref(q, periodKey, { [param]: c.code }),
        })),
        { key: "unknown", label: t("common.unknown"), count: counts[codes.length], href: listHref(q, periodKey, { [param]: "unknown" }) },
      ].filter((r) => r.count > 0),
    );

  const deptNames = new Map(listDepartments(db).map((d) => [d.id, d.name]));
  const department = additive(
    "department",
    departmentCounts(a).map(([id, n]) => ({
        key: id === 0 ? "unknown" : String(id),
        label: id === 0 ? t("common.unknown") : (deptNames.get(id) ?? String(id)),
        count: n,
        href: listHref(q, periodKey, { department: id === 0 ? "unknown" : String(id) }),
      })),
  );

  const severity = additive(
    "severity",
    [1, 2, 3, 4, 0]
      .map((s) => ({
        key: s === 0 ? "unknown" : String(s),
        label: s === 0 ? t("common.unknown") : `${s} ${labelOf("severity", String(s), o.lang)}`,
        count: a.severities[s],
        href: listHref(q, periodKey, { severity: s === 0 ? "unknown" : String(s) }),
      }))
      .filter((r) => r.count > 0),
  );

  const months = [...a.byMonthGroup.keys()].sort();
  const monthSeries = q.stack === "group" ? a.byMonthGroup : a.byMonthSeverity;
  const seriesKeys = q.stack === "group" ? ["MA", "MB", "unknown"] : ["1", "2", "3", "4", "unknown"];
  // Slots of the month counters: group [MA, MB, none]; severity [unknown, 1, 2, 3, 4].
  const slot = (k: string) => (q.stack === "group" ? ["MA", "MB", "unknown"].indexOf(k) : k === "unknown" ? 0 : Number(k));
  const trend: Trend = {
    stack: q.stack,
    series: seriesKeys.map((k) => ({
      key: k,
      label: k === "unknown" ? t("common.unknown") : q.stack === "group" ? t(k === "MA" ? "dashboard.groupMA" : "dashboard.groupMB") : `${k} ${labelOf("severity", k, o.lang)}`,
    })),
    points: months.map((m) => {
      const values = monthSeries.get(m)!;
      const total = values.reduce((s, n) => s + n, 0);
      return {
        month: m,
        // A period of more than twelve months would repeat month names: then the year is shown too.
        label: months.length > 12 ? (o.lang === "ja" ? `${m.slice(0, 4)}年${Number(m.slice(5))}月` : m) : o.lang === "ja" ? `${Number(m.slice(5))}月` : m,
        href: listHref(q, monthWithin(m, q.period)),
        values: Object.fromEntries(seriesKeys.map((k) => [k, values[slot(k)]])),
        total,
      };
    }),
    covered: a.total,
  };

  const maxHeat = Math.max(0, ...a.heat);
  const heatmap: Heatmap = {
    cells: a.heat.map((n, i) => ({
      weekday: Math.floor(i / 24),
      hour: i % 24,
      count: n,
      href: n > 0 ? listHref(q, periodKey, { weekday: String(Math.floor(i / 24)), hour: String(i % 24) }) : null,
    })),
    max: maxHeat,
    covered: a.total - a.withoutTime,
    withoutTime: a.withoutTime,
    withoutTimeHref: a.withoutTime > 0 ? listHref(q, periodKey, { hour: "unknown" }) : null,
  };

  const adherence: AdherenceRate[] = (["identify", "report", "two_responders_recorded", "written_report", "care"] as const).map((step) => {
    const { applicable, met } = a.adherence[step];
    return { step, applicable, met, rate: ratio(met, applicable), missedHref: null };
  });

  // Repeat offenders: clients with 3 or more incidents in the 12 months up to today, whatever the period.
  const todayN = dayNumber(o.today);
  const yearAgo = yearBefore(o.today);
  const histories = clientHistories(cube.monthsBetween(yearAgo, o.today), { ...f, from: dayNumber(yearAgo), to: todayN });
  const repeaters = [...histories.values()].filter((h) => h.count >= 3).sort((x, y) => y.count - x.count || y.lastDay - x.lastDay);
  const repeaterNames = clientNames(repeaters.map((h) => h.client));
  const has = (mask: number, ...codes: string[]) => codes.some((c) => (mask & (1 << RESPONSE_INDEX.get(c)!)) !== 0);
  const repeatOffenders: RepeatOffender[] = repeaters.map((h) => {
    const policeLegal = has(h.responses, "R06", "R07", "R10") || h.outcomes.has(OUTCOME_INDEX.get("O5")!) || h.outcomes.has(OUTCOME_INDEX.get("O6")!);
    const strongest: RepeatOffender["strongest"] = policeLegal
      ? "police_legal"
      : has(h.responses, "R08") || h.outcomes.has(OUTCOME_INDEX.get("O4")!)
        ? "R08"
        : has(h.responses, "R04") || h.outcomes.has(OUTCOME_INDEX.get("O3")!)
          ? "R04"
          : has(h.responses, "R03")
            ? "R03"
            : h.responses !== 0
              ? "warning"
              : "none";
    return {
      client: repeaterNames.get(h.client) ?? null,
      count: h.count,
      // Executives see that a client keeps coming back and how far it went, not when (a date narrows down who).
      lastIncident: dayText(h.lastDay),
      worstSeverity: h.worstSeverity > 0 ? h.worstSeverity : null,
      strongest,
      href: listHref(q, `${yearAgo}..${o.today}`, { client_id: String(h.client) }),
    };
  });
  repeatOffenders.sort((x, y) => STRONGEST_ORDER.indexOf(y.strongest) - STRONGEST_ORDER.indexOf(x.strongest) || 0);

  return {
    headline: {
      incidents: a.total,
      kasuhara: a.kasuhara,
      previous: change(current, countIn(shifted.previous)),
      yearBefore: change(current, countIn(shifted.yearBefore)),
      open: open.count,
      // One incident's age: withheld from executives when the open cases are too few to be anonymous.
      oldestOpenDays: open.oldestDay === null ? null : asOfDay - open.oldestDay,
      severe: countShare(a.severe, a.total),
      policeOrLawyer: countShare(a.policeOrLawyer, a.total),
      medianDurationMin: medianOfHistogram(a.durations),
      repeatContacts: countShare(a.repeatContacts, a.total),
    },
    trend,
    behaviour,
    client,
    outcome: coded("outcome", "outcome", OUTCOMES, a.outcomes, "outcome"),
    channel: coded("channel", "channel", CHANNELS, a.channels, "channel"),
    department,
    severity,
    heatmap,
    adherence,
    repeatOffenders,
    comparison: { inProgress: shifted.inProgress, current: shifted.current, previous: shifted.previous, yearBefore: shifted.yearBefore, asOf: shifted.asOf },
    suppressed: false,
    threshold: o.threshold,
  };
}
