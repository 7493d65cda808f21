/**
 * The compliance summary of a period (domain.md "A compliance summary", reports.md for the keys): the same one-pass
 * aggregates as the dashboard (analytics/aggregate.server.ts), so the two never disagree, plus the registers.
 * Two audiences: `hr` (everything) and `executive`, built by executive-report.server.ts from the protected figures
 * the executive dashboard shows (docs/decisions/0022): χ for every hidden count, no names, summaries or verbatim text.
 */
import { and, asc, between, inArray, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { incidents, measures as measuresTable, trainingSessions } from "../../../db/schema";
import { translate, type Lang } from "~/i18n";
import {
  aggregate, aggregateOptions, clientRanking, countMatching, departmentCounts, missedSteps, NO_FILTERS, OPEN_AGE_GROUPS, openAt,
  ratio, type Aggregates,
} from "../analytics/aggregate.server";
import { cubeFor, CHANNEL_INDEX, type DayRange } from "../analytics/cube.server";
import type { Shown } from "../analytics/suppression";
import { buildExecutiveReport } from "./executive-report.server";
import { dayNumber } from "../incidents/dates";
import { clientNamesById, listDepartments } from "../incidents/queries.server";
import { BEHAVIOURS, CARE, CHANNELS, labelOf, MEASURES, OUTCOMES, VALIDITIES } from "../incidents/taxonomy";
import type { Settings } from "../../../db/schema";
import { comparisonPeriods, eraYear, periodLabel, type Period } from "./periods";
import { consultationMetrics } from "../consultations/consultations.server";
import { coverage, isStale } from "../registers/schema";
import { getSettings } from "../settings/settings.server";
import { closingCounts, closingSection, incidentRates, type ReportRates } from "./rates.server";

export type Audience = "hr" | "executive";
export type Step = "identify" | "report" | "two_responders_recorded" | "written_report" | "care";
export const STEPS: readonly Step[] = ["identify", "report", "two_responders_recorded", "written_report", "care"];

export interface Row {
  code: string | null;
  label: string;
  count: Shown;
}

export interface ComplianceReport {
  period: { key: string; from: string; to: string; label: string };
  audience: Audience;
  /** The suppression threshold in force (the executive version hides counts below it). */
  threshold: number;
  generatedOn: string;
  /** Plain-Japanese sentences generated from the figures; they lead the executive version. */
  narrative: string[];
  totals: { incidents: Shown; kasuhara: Shown; previous: Shown; yearBefore: Shown };
  /**
   * The spans `totals.previous` and `totals.yearBefore` count (domain.md "Comparisons", added 2026-12-04, issue 17):
   * the previous calendar unit and the same unit a year before; while the period is in progress (`inProgress`), each
   * cut to the days elapsed, with `current` the period's own days so far. `asOf`: the day open cases are counted at.
   * Absent from reports issued before.
   */
  comparison?: {
    inProgress: boolean;
    current: { from: string; to: string; count: Shown };
    previous: { from: string; to: string };
    yearBefore: { from: string; to: string };
    asOf: string;
  };
  byBehaviour: Row[];
  byChannel: Row[];
  byOutcome: Row[];
  bySeverity: Row[];
  byValidity: Row[];
  byDepartment: Row[];
  /** `code`: "rank1"… for executives, "other" and "unknown" (added 2026-12-04, issue 17); a client named for HR has none. */
  byClient: { code?: string; label: string; count: Shown }[];
  adherence: { step: Step; applicable: Shown; met: Shown; rate: number | null }[];
  care: { severe: Shown; withCare: Shown; rate: number | null; byCare: Row[] };
  measures: { code: string; group: "G" | "N"; status: "in_place" | "partial" | "not_yet"; stale: boolean; inPlaceOn: string | null; reviewedOn: string | null }[];
  /** The part of the period on or after the national obligation's date (N1–N5 apply to it), or null. */
  national: { from: string; to: string } | null;
  training: { sessions: number; attendees: number; invited: number; coverage: number | null };
  /** The consultation desk (G03, G04, N2): consultations received in the period and how they were handled. */
  consultations: { received: Shown; medianDaysToFirstResponse: number | null; linkedShare: number | null; open: Shown };
  /** Cases open at the period's end: how many, the oldest's age, and how many by age (days since occurred). */
  /**
   * `closedDateUnknown`: incidents up to the period's end closed on a day nobody recorded (終了日不明), which `count`
   * cannot place (added 2026-12-04, issue 16; absent from reports issued before).
   */
  open: { count: Shown; oldestDays: number | null; byAge: { label: string; count: Shown }[]; closedDateUnknown?: Shown };
  /**
   * HR only: per step, how many incidents missed it and which (id, ref, day), to follow up: every one of them since
   * 2026-12-04 (issue 19; reports issued before list the first 20). Executives get null: no lists of incidents.
   */
  missed: Record<Step, { count: number; incidents: { id: number; ref: string | null; occurredOn: string }[] }> | null;
  /**
   * Survey figures printed beside the company's (domain.md), each with its source and year: the survey's own year
   * (`year`, 令和5年度 = 2023) and the day it was published. `source`, `year`, `published`, `url` added 2026-12-05
   * (issue 20); reports issued before have only key, label and value.
   */
  benchmarks: Benchmark[];
  /**
   * Incidents per 100 employees (headcount register) and how fast incidents close (added 2026-12-05, issue 20;
   * absent from reports issued before). See rates.server.ts for the rules.
   */
  rates?: ReportRates;
}

export interface Benchmark {
  key: string;
  label: string;
  value: number;
  source?: string;
  year?: number;
  published?: string;
  /** The year as printed: 令和5年度 is a fiscal year, UA Zensen's 2024 a calendar year. */
  yearLabel?: string;
  url?: string;
}

export interface ReportOptions {
  audience: Audience;
  lang: Lang;
  today: string;
  settings: Pick<Settings, "suppressionThreshold" | "writtenReportDeadlineDays" | "nationalObligationDate">;
}

/** How many of the incidents that missed a step the HR report lists: all (issue 19; it was the first 20). */
const MISSED_LISTED = Number.POSITIVE_INFINITY;
/** Ids per `in (…)` lookup: far below SQLite's limit on bound parameters, however many incidents missed a step. */
const LOOKUP_CHUNK = 500;


/**
 * The days a report reads: everything up to the end of its period (the cases still open then may have begun at any
 * time before), which covers the periods it is compared with.
 */
export function reportDays(period: Pick<Period, "to">): DayRange[] {
  return [["0000-01-01", period.to]];
}

/** The sections that hold no personal data, the same for both audiences: measures, training, the benchmarks. */
function commonSections(db: Db, period: Period, o: ReportOptions): Pick<ComplianceReport, "measures" | "national" | "training" | "benchmarks"> {
  const t = (k: Parameters<typeof translate>[1]) => translate(o.lang, k);
  // Measures: G always; N for the part of the period on or after the national date.
  const nationalDate = o.settings.nationalObligationDate;
  const national = period.to >= nationalDate ? { from: period.from > nationalDate ? period.from : nationalDate, to: period.to } : null;
  const register = new Map(db.select().from(measuresTable).all().map((m) => [m.code, m]));
  const measureRows = MEASURES.filter((m) => m.group === "G" || national).map((m) => {
    const r = register.get(m.code);
    return {
      code: m.code as string,
      group: m.group as "G" | "N",
      status: r?.status ?? "not_yet",
      stale: isStale(r?.reviewedOn, o.today),
      inPlaceOn: r?.inPlaceOn ?? null,
      reviewedOn: r?.reviewedOn ?? null,
    };
  });

  const sessions = db
    .select({ n: sql<number>`count(*)`, attendees: sql<number>`coalesce(sum(${trainingSessions.attendees}), 0)`, invited: sql<number>`coalesce(sum(${trainingSessions.invited}), 0)` })
    .from(trainingSessions)
    .where(and(between(trainingSessions.heldOn, period.from, period.to)))
    .orderBy(asc(trainingSessions.heldOn))
    .get()!;

  return {
    measures: measureRows,
    national,
    training: {
      sessions: sessions.n,
      attendees: sessions.attendees,
      invited: sessions.invited,
      coverage: coverage(sessions.attendees, sessions.invited),
    },
    benchmarks: benchmarks(o.lang),
  };
}

/** The MHLW survey of 令和5年度 (domain.md), as cited by the report since issue 8. */
const MHLW_2023 = { year: 2023, published: "2024-05-17", url: "https://www.mhlw.go.jp/content/11910000/001256082.pdf" } as const;
/**
 * UA Zensen's third customer-harassment survey (union members in retail and services, 33,133 answers, 2024-01-18 –
 * 2024-03-18, published 2024-06-05), as reported by JILPT's Business Labor Trend 2024年8・9月号 (the URL below).
 */
const UA_ZENSEN_2024 = { year: 2024, published: "2024-06-05", url: "https://www.jil.go.jp/kokunai/blt/backnumber/2024/08_09/shuzai_01.html" } as const;

export function benchmarks(lang: Lang): Benchmark[] {
  const t = (k: Parameters<typeof translate>[1]) => translate(lang, k);
  const mhlw = { source: t("rates.source.mhlw"), ...MHLW_2023, yearLabel: translate(lang, "rates.year", { year: MHLW_2023.year, era: eraYear(MHLW_2023.year), published: MHLW_2023.published }) };
  const ua = { source: t("rates.source.uaZensen"), ...UA_ZENSEN_2024, yearLabel: translate(lang, "rates.yearCalendar", { year: UA_ZENSEN_2024.year, published: UA_ZENSEN_2024.published }) };
  return [
    { key: "workers_experienced", label: t("report.benchmark.workers"), value: 0.108, ...mhlw },
    { key: "firms_with_consultations", label: t("report.benchmark.firms"), value: 0.279, ...mhlw },
    { key: "persistent_conduct_share", label: t("report.benchmark.persistent"), value: 0.721, ...mhlw },
    { key: "ua_zensen_experienced_2y", label: t("rates.benchmark.uaZensen"), value: 0.468, ...ua },
  ];
}

/** The rates section of the HR report: every department's own count, and departments with a headcount but no incident. */
function hrRates(db: Db, period: Period, total: number, departments: [number, number][], names: Map<number, string>): ReportRates {
  const fsm = getSettings(db).fiscalYearStartMonth;
  const label = (id: number) => names.get(id) ?? String(id);
  return {
    perHundred: incidentRates(
      db, period, fsm, total,
      departments.map(([id, n]) => ({ id, label: label(id), count: n })),
      [...names.keys()].map((id) => ({ id, label: label(id) })),
    ),
    closing: closingSection(closingCounts(db, period), null),
  };
}

export function buildComplianceReport(db: Db, period: Period, o: ReportOptions): ComplianceReport {
  const common = commonSections(db, period, o);
  if (o.audience === "executive") return buildExecutiveReport(db, period, o, common);
  const t = (k: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(o.lang, k, params);
  const cube = cubeFor(db, reportDays(period));
  const filters = { ...NO_FILTERS, from: dayNumber(period.from), to: dayNumber(period.to) };
  const a: Aggregates = aggregate(cube.monthsBetween(period.from, period.to), filters, aggregateOptions(o.settings.writtenReportDeadlineDays));
  const s = comparisonPeriods(period, o.today);
  const countIn = ([from, to]: [string, string]) => countMatching(cube.monthsBetween(from, to), { ...filters, from: dayNumber(from), to: dayNumber(to) });
  const previous = countIn(s.previous);
  const yearBefore = countIn(s.yearBefore);
  // While the period is in progress, its days so far are what is compared (同期間比).
  const current = s.inProgress ? countIn(s.current) : a.total;

  const coded = (field: "channel" | "outcome" | "validity", codes: readonly { code: string }[], counts: number[]): Row[] => [
    ...codes.map((c, k) => ({ code: c.code, label: labelOf(field, c.code, o.lang), count: counts[k] })),
    { code: "unknown", label: t("common.unknown"), count: counts[codes.length] },
  ];
  const deptNames = new Map(listDepartments(db).map((d) => [d.id, d.name]));
  const byDepartment: Row[] = departmentCounts(a).map(([id, n]) => ({
    code: id === 0 ? "unknown" : null,
    label: id === 0 ? t("common.unknown") : (deptNames.get(id) ?? String(id)),
    count: n,
  }));

  const { top, others, none } = clientRanking(a);
  const clientNames = new Map(clientNamesById(db, top.map(([id]) => id)).map((c) => [c.id, c.name]));
  const clientRows = [
    ...top.map(([id, n]) => ({ label: clientNames.get(id) ?? String(id), count: n })),
    ...(others ? [{ code: "other", label: t("dashboard.otherClients"), count: others }] : []),
    ...(none ? [{ code: "unknown", label: t("common.unknown"), count: none }] : []),
  ];

  const byBehaviour: Row[] = BEHAVIOURS.map((b, k) => ({ code: b.code as string, label: labelOf("behaviours", b.code, o.lang), count: a.behaviours[k] }))
    .sort((x, y) => y.count - x.count);
  const noBehaviour = a.total - a.withBehaviour;
  if (noBehaviour > 0) byBehaviour.push({ code: "unknown", label: t("common.unknown"), count: noBehaviour });

  const bySeverity: Row[] = [1, 2, 3, 4, 0].map((sv) => ({
    code: sv === 0 ? "unknown" : String(sv),
    label: sv === 0 ? t("common.unknown") : labelOf("severity", String(sv), o.lang),
    count: a.severities[sv],
  }));

  const adherence = STEPS.map((step) => {
    const { applicable, met } = a.adherence[step];
    return { step, applicable, met, rate: ratio(met, applicable) };
  });

  const careApplicable = a.adherence.care.applicable;
  const careMet = a.adherence.care.met;
  const care = {
    severe: careApplicable,
    withCare: careMet,
    rate: ratio(careMet, careApplicable),
    byCare: CARE.map((c, k) => ({ code: c.code as string, label: labelOf("care", c.code, o.lang), count: a.careSevere[k] })),
  };

  // Open cases are counted and aged at the earlier of the period's end and today: a day not yet reached ages nothing.
  const endDay = dayNumber(s.asOf);
  const openAtEnd = openAt(cube.monthsBetween("1900-01-01", s.asOf), filters, endDay);

  const top1 = [...byBehaviour].find((b) => b.code !== "unknown");
  const narrative = [
    t("report.narrative.total", { period: periodLabel(period, o.lang), n: a.total.toLocaleString(), kasuhara: a.kasuhara.toLocaleString() }),
    ...(typeof a.total === "number" && typeof yearBefore === "number"
      ? [t(s.inProgress ? "report.narrative.yearBeforeSameSpan" : "report.narrative.yearBefore", { delta: `${current - yearBefore >= 0 ? "+" : ""}${current - yearBefore}`, through: s.current[1] })]
      : []),
    ...(top1 && a.total > 0 ? [t("report.narrative.topBehaviour", { label: top1.label })] : []),
  ];

  let missed: ComplianceReport["missed"] = null;
  {
    const steps = missedSteps(cube.monthsBetween(period.from, period.to), filters, {
      phoneChannel: CHANNEL_INDEX.get("C2")!,
      writtenReportDays: o.settings.writtenReportDeadlineDays,
    }, MISSED_LISTED);
    const ids = [...new Set(Object.values(steps).flatMap((s) => s.ids))];
    const refs = new Map<number, { id: number; ref: string | null; occurredOn: string }>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const chunk = ids.slice(i, i + LOOKUP_CHUNK);
      for (const r of db.select({ id: incidents.id, ref: incidents.ref, occurredOn: incidents.occurredOn }).from(incidents).where(inArray(incidents.id, chunk)).all()) refs.set(r.id, r);
    }
    missed = Object.fromEntries(
      STEPS.map((step) => [
        step,
        { count: steps[step].count, incidents: steps[step].ids.map((id) => ({ id, ref: refs.get(id)?.ref ?? null, occurredOn: refs.get(id)?.occurredOn ?? "" })) },
      ]),
    ) as ComplianceReport["missed"];
  }

  return {
    period: { key: period.key, from: period.from, to: period.to, label: periodLabel(period, o.lang) },
    audience: o.audience,
    threshold: o.settings.suppressionThreshold,
    generatedOn: o.today,
    narrative,
    totals: { incidents: a.total, kasuhara: a.kasuhara, previous: previous, yearBefore: yearBefore },
    comparison: {
      inProgress: s.inProgress,
      current: { from: s.current[0], to: s.current[1], count: s.inProgress ? current : a.total },
      previous: { from: s.previous[0], to: s.previous[1] },
      yearBefore: { from: s.yearBefore[0], to: s.yearBefore[1] },
      asOf: s.asOf,
    },
    byBehaviour,
    byChannel: coded("channel", CHANNELS, a.channels),
    byOutcome: coded("outcome", OUTCOMES, a.outcomes),
    bySeverity,
    byValidity: coded("validity", VALIDITIES, a.validities),
    byDepartment,
    byClient: clientRows,
    adherence,
    care,
    ...common,
    missed,
    rates: hrRates(db, period, a.total, departmentCounts(a), deptNames),
    consultations: (() => {
      const c = consultationMetrics(db, period.from, period.to);
      return { received: c.received, medianDaysToFirstResponse: c.medianDaysToFirstResponse, linkedShare: c.linkedShare, open: c.open };
    })(),
    open: {
      count: openAtEnd.count,
      oldestDays: openAtEnd.oldestDay === null ? null : endDay - openAtEnd.oldestDay,
      closedDateUnknown: openAtEnd.closedDateUnknown,
      byAge: (() => {
        const cells = openAtEnd.byAge;
        const labels = [
          t("report.open.age", { from: 0, to: OPEN_AGE_GROUPS[0] }),
          t("report.open.age", { from: OPEN_AGE_GROUPS[0] + 1, to: OPEN_AGE_GROUPS[1] }),
          t("report.open.age", { from: OPEN_AGE_GROUPS[1] + 1, to: OPEN_AGE_GROUPS[2] }),
          t("report.open.older", { n: OPEN_AGE_GROUPS[2] }),
        ];
        return labels.map((label, i) => ({ label, count: cells[i] }));
      })(),
    },
  };
}
