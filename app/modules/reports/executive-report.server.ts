/**
 * The executive version of the compliance summary (domain.md; docs/decisions/0022): the same sections and keys as HR's
 * (reports.md), every count taken from the protected figures of analytics/executive.server.ts, so the report and the
 * executive dashboard show the same counts and hide the same ones. Rows in a fixed code order, χ for every hidden count,
 * no lists of incidents, no names; the period a whole unit, counted up to its last finished month while in progress.
 */
import type { Db } from "../../../db/client.server";
import { translate, type Lang } from "~/i18n";
import { AppError } from "../errors";
import { ratio } from "../analytics/aggregate.server";
import { CHI, protectTable, type Shown } from "../analytics/disclosure.server";
import { executiveCare, executiveComparison, executiveOpenCases, executiveView, hasBreakdowns, spanTotal, type BreakdownId } from "../analytics/executive.server";
import { listDepartments } from "../incidents/queries.server";
import { BEHAVIOURS, CHANNELS, labelOf, OUTCOMES, VALIDITIES } from "../incidents/taxonomy";
import { consultationMetrics } from "../consultations/consultations.server";
import { OPEN_AGE_GROUPS } from "../analytics/aggregate.server";
import { periodLabel, type Period } from "./periods";
import type { ComplianceReport, ReportOptions, Row } from "./compliance.server";
import { getSettings } from "../settings/settings.server";
import { closingCounts, closingSection, incidentRates } from "./rates.server";

type Common = Pick<ComplianceReport, "measures" | "national" | "training" | "benchmarks">;

export function buildExecutiveReport(db: Db, period: Period, o: ReportOptions, common: Common): ComplianceReport {
  const t = (k: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(o.lang, k, params);
  const threshold = o.settings.suppressionThreshold;
  // Breakdowns are shown to executives for finished fiscal years only (docs/decisions/0022): the report is one.
  if (!hasBreakdowns(period, o.today)) throw new AppError(422, "reports.executiveFyOnly");
  const span = { from: period.from, to: period.to, cut: false };
  const view = executiveView(db, period, span, o.today, null);
  if (!view.unit) throw new AppError(422, "reports.executiveSmallMonths");
  const total = view.total();
  const spans = executiveComparison(period, span);
  const previous = spanTotal(db, spans.previous);
  const yearBefore = spanTotal(db, spans.yearBefore);
  const kasuhara = view.cell("kasuhara", "D1") ?? CHI;

  const coded = (b: BreakdownId, field: "channel" | "outcome" | "validity", codes: readonly { code: string }[]): Row[] => {
    const counts = view.counts(b);
    if (counts.length === 0) return [];
    return [
      ...codes.map((c, k) => ({ code: c.code as string, label: labelOf(field, c.code, o.lang), count: counts[k].count })),
      { code: "unknown", label: t("common.unknown"), count: counts[codes.length].count },
    ];
  };
  const severity = view.counts("severity");
  const bySeverity: Row[] = severity.map((x) => ({ code: x.key, label: x.key === "unknown" ? t("common.unknown") : labelOf("severity", x.key, o.lang), count: x.count }));

  const deptNames = new Map(listDepartments(db).map((d) => [d.id, d.name]));
  const label = (id: number) => (id === 0 ? t("common.unknown") : (deptNames.get(id) ?? String(id)));
  const departmentRows = view.departmentRows(label);
  const byDepartment: Row[] = departmentRows.map((d) => ({ code: d.id === 0 ? "unknown" : null, label: d.label, count: d.count }));
  // Rates from the protected counts only: a hidden (χ) count gives a χ rate, since rate × headcount is the count.
  const rates = {
    perHundred: incidentRates(db, period, getSettings(db).fiscalYearStartMonth, total, departmentRows),
    closing: closingSection(closingCounts(db, period), threshold),
  };

  const behaviours = view.counts("behaviour");
  const byBehaviour: Row[] = behaviours.length === 0 ? [] : [
    ...BEHAVIOURS.map((b, k) => ({ code: b.code as string, label: labelOf("behaviours", b.code, o.lang), count: behaviours[k].count })),
    { code: "unknown", label: t("common.unknown"), count: view.cell("withBehaviour", "without") ?? CHI },
  ];

  const adherence = (["identify", "report", "two_responders_recorded", "written_report"] as const).map((step) => {
    const met = view.cell(step, "met") ?? CHI;
    return { step, applicable: total, met, rate: typeof met === "number" && typeof total === "number" ? ratio(met, total) : null };
  });
  const careFigures = executiveCare(db, view);
  const careMet: Shown = careFigures.met ?? CHI;
  const careRate = careFigures.rate;

  const open = executiveOpenCases(db, period.to, view.selectable());
  const consult = consultationMetrics(db, span.from, span.to);
  // Consultations: received, and of them open at the end, as a two-cell table of its own.
  const consultTable = protectTable({
    id: `consultations|${span.from}..${span.to}`, rows: [], cols: [{ key: "open" }, { key: "closed" }], cells: [],
    margins: [consult.open, consult.received - consult.open], total: consult.received, additive: true, threshold, secret: "",
  });
  const received: Shown = consultTable.totalHidden && consult.received > 0 ? CHI : consult.received;
  const fewConsultations = typeof received !== "number" || received < threshold;

  const label0 = periodLabel(period, o.lang);
  return {
    period: { key: period.key, from: period.from, to: period.to, label: label0 },
    audience: "executive",
    threshold,
    generatedOn: o.today,
    narrative: [
      t("report.narrative.total", { period: label0, n: total.toLocaleString(), kasuhara: kasuhara.toLocaleString() }),
      ...(typeof total === "number" && typeof yearBefore === "number"
        ? [t("report.narrative.yearBefore", { delta: `${total - yearBefore >= 0 ? "+" : ""}${total - yearBefore}` })]
        : []),
    ],
    totals: { incidents: total, kasuhara, previous, yearBefore },
    comparison: {
      inProgress: false,
      current: { from: span.from, to: span.to, count: total },
      previous: { from: spans.previous[0], to: spans.previous[1] },
      yearBefore: { from: spans.yearBefore[0], to: spans.yearBefore[1] },
      asOf: span.to,
    },
    byBehaviour,
    byChannel: coded("channel", "channel", CHANNELS),
    byOutcome: coded("outcome", "outcome", OUTCOMES),
    bySeverity,
    byValidity: coded("validity", "validity", VALIDITIES),
    byDepartment,
    byClient: view.counts("client").map((x) => ({ code: x.key, label: x.key === "named" ? t("dashboard.clientNamed") : t("common.unknown"), count: x.count })),
    adherence: [...adherence, { step: "care" as const, applicable: careFigures.severe ?? view.severe()?.count ?? CHI, met: careMet, rate: careRate }],
    care: {
      severe: careFigures.severe ?? view.severe()?.count ?? CHI,
      withCare: careMet,
      rate: careRate,
      // Per kind of care: only with the severe count shown (each is at most that count), hidden when small.
      byCare: careFigures.byKind.map((x) => ({ code: x.key, label: labelOf("care", x.key, o.lang), count: x.count })),
    },
    ...common,
    missed: null,
    rates,
    consultations: {
      received,
      medianDaysToFirstResponse: fewConsultations ? null : consult.medianDaysToFirstResponse,
      linkedShare: fewConsultations ? null : consult.linkedShare,
      open: consultTable.marginHidden[0] || consultTable.totalHidden ? (consult.open > 0 ? CHI : 0) : consult.open,
    },
    open: {
      count: open.total,
      oldestDays: open.oldestDays,
      closedDateUnknown: open.closedDateUnknown,
      byAge: [
        t("report.open.age", { from: 0, to: OPEN_AGE_GROUPS[0] }),
        t("report.open.age", { from: OPEN_AGE_GROUPS[0] + 1, to: OPEN_AGE_GROUPS[1] }),
        t("report.open.age", { from: OPEN_AGE_GROUPS[1] + 1, to: OPEN_AGE_GROUPS[2] }),
        t("report.open.older", { n: OPEN_AGE_GROUPS[2] }),
      ].map((l, k) => ({ label: l, count: open.byAge[k] })),
    },
  };
}
