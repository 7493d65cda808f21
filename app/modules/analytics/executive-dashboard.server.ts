/**
 * The dashboard as an executive sees it (docs/decisions/0022): the same DashboardData as everyone's, every figure taken
 * from the protected figures of executive.server.ts. Rows in a fixed code order, no links to incidents, the
 * department as the only filter, whole calendar units as periods, breakdowns for finished fiscal years.
 */
import type { Db } from "../../../db/client.server";
import { translate, type Lang } from "~/i18n";
import { listDepartments } from "../incidents/queries.server";
import { labelOf } from "../incidents/taxonomy";
import { fiscalYearOf, parsePeriod, type Period } from "../reports/periods";
import { ratio } from "./aggregate.server";
import type { AdherenceRate, Breakdown, Change, DashboardData } from "./dashboard-types";
import { CHI, type Shown } from "./disclosure.server";
import {
  executiveCare, executiveComparison, executiveOpenCases, executiveSpan, executiveView, spanTotal, type BreakdownId,
} from "./executive.server";

/** What was asked for and could not be shown to an executive, said on the page. */
export type ExecutiveNotice = "range" | "notYet" | "filters" | "department" | "departmentFyOnly";

export interface ExecutiveQuery {
  period: Period;
  /** The days counted: the unit, or up to the end of its last finished month. */
  span: { from: string; to: string; cut: boolean };
  /** The breakdowns are shown (a finished fiscal year). */
  breakdowns: boolean;
  department: number | null;
  notices: ExecutiveNotice[];
}

/**
 * Reads an executive's period and filter: a whole unit (a range is refused), the department only (other filters are
 * dropped, with a word), and a department whose own count is shown, in a finished fiscal year.
 */
export function executiveQuery(db: Db, search: URLSearchParams, fiscalStartMonth: number, today: string): ExecutiveQuery {
  const notices: ExecutiveNotice[] = [];
  const asked = (search.get("period") ?? "").trim();
  const fy = fiscalYearOf(today, fiscalStartMonth);
  let period = (asked && parsePeriod(asked, fiscalStartMonth)) || parsePeriod(`FY${fy}`, fiscalStartMonth)!;
  let span = executiveSpan(period, today);
  if (!span.ok) {
    notices.push(span.reason);
    period = parsePeriod(`FY${fy}`, fiscalStartMonth)!;
    span = executiveSpan(period, today);
    // The first month of a fiscal year has nothing finished yet: the last year is shown.
    if (!span.ok) {
      period = parsePeriod(`FY${fy - 1}`, fiscalStartMonth)!;
      span = executiveSpan(period, today);
    }
  }
  if (!span.ok) throw new Error("unreachable: a past fiscal year is always whole");
  if (["channel", "client", "behaviour", "severity", "determination"].some((k) => search.getAll(k).some(Boolean))) notices.push("filters");
  const breakdowns = executiveView(db, period, span, today, null).unit !== null;
  const askedDept = search.get("department") ?? "";
  let department: number | null = null;
  if (/^[1-9]\d{0,9}$/.test(askedDept) || askedDept === "unknown") {
    const id = askedDept === "unknown" ? 0 : Number(askedDept);
    if (!breakdowns) notices.push("departmentFyOnly");
    else if (executiveView(db, period, span, today, null).selectable().includes(id)) department = id;
    else notices.push("department");
  }
  return { period, span: { from: span.from, to: span.to, cut: span.cut }, breakdowns, department, notices };
}

const bucket = (key: string, label: string, count: Shown) => ({ key, label, count, href: null });

/** The executive dashboard of a query. */
export function buildExecutiveDashboard(db: Db, q: ExecutiveQuery, o: { lang: Lang; today: string; threshold: number }): DashboardData {
  const t = (k: Parameters<typeof translate>[1]) => translate(o.lang, k);
  const view = executiveView(db, q.period, q.span, o.today, q.department);
  const total = view.total();
  const num = (x: Shown | null): number | null => (typeof x === "number" ? x : null);
  const share = (count: Shown | null) => ({ count, share: num(count) !== null && num(total) !== null ? ratio(num(count)!, num(total)!) : null });
  const empty = (id: Breakdown["id"]): Breakdown => ({ id, buckets: [], covered: total });
  const coded = (id: Breakdown["id"], b: BreakdownId, label: (key: string) => string): Breakdown => ({
    id,
    buckets: view.counts(b).filter((x) => x.value > 0).map((x) => bucket(x.key, x.key === "unknown" ? t("common.unknown") : label(x.key), x.count)),
    covered: total,
  });

  const spans = executiveComparison(q.period, q.span);
  // A department is compared only within finished fiscal years: the previous one and the one before are finished too.
  const otherTotal = (span: [string, string]): Shown => {
    if (q.department === null) return spanTotal(db, span);
    const p = parsePeriod(`FY${span[0].slice(0, 4)}`, Number(q.period.from.slice(5, 7)));
    return p ? executiveView(db, p, { from: span[0], to: span[1] }, o.today, q.department).total() : CHI;
  };
  const change = (base: Shown): Change => {
    const hidden = typeof base !== "number" || typeof total !== "number";
    return { base, delta: hidden ? null : (total as number) - (base as number), ratio: hidden || base === 0 ? null : ((total as number) - (base as number)) / (base as number) };
  };

  const severe = view.severe()?.count ?? null;

  const deptNames = new Map(listDepartments(db).map((d) => [d.id, d.name]));
  const deptLabel = (id: number) => (id === 0 ? t("common.unknown") : (deptNames.get(id) ?? String(id)));
  const department: Breakdown = view.unit
    ? {
        id: "department",
        buckets: view
          .departmentRows(deptLabel)
          .filter((d) => q.department === null || d.id === q.department)
          .map((d) => bucket(d.id === 0 ? "unknown" : String(d.id), d.label, d.count)),
        covered: total,
      }
    : empty("department");

  const months = view.counts("month");
  const trendLabel = (m: string) =>
    months.length > 12 ? (o.lang === "ja" ? `${m.slice(0, 4)}年${Number(m.slice(5))}月` : m) : o.lang === "ja" ? `${Number(m.slice(5))}月` : m;

  const adherence: AdherenceRate[] = view.unit
    ? (["identify", "report", "two_responders_recorded", "written_report"] as const).map((step) => {
        const met = view.cell(step, "met") ?? CHI;
        return { step, applicable: total, met, rate: typeof met === "number" && typeof total === "number" ? ratio(met, total) : null, missedHref: null };
      })
    : [];
  const care = executiveCare(db, view);
  if (care.severe !== null) adherence.push({ step: "care", applicable: care.severe, met: care.met ?? CHI, rate: care.rate, missedHref: null });

  const open = executiveOpenCases(db, q.span.to, view.selectable());
  return {
    headline: {
      incidents: total,
      kasuhara: view.cell("kasuhara", "D1"),
      previous: change(otherTotal(spans.previous)),
      yearBefore: change(otherTotal(spans.yearBefore)),
      open: q.department === null ? open.total : open.of(q.department),
      oldestOpenDays: q.department === null ? open.oldestDays : null,
      severe: share(severe),
      policeOrLawyer: share(view.cell("police", "yes")),
      medianDurationMin: view.median(),
      repeatContacts: share(view.cell("repeat", "yes")),
    },
    trend: {
      stack: "group",
      series: [{ key: "total", label: t("overview.incidents") }],
      points: months.map((m) => ({ month: m.key, label: trendLabel(m.key), href: null, values: { total: m.count }, total: m.count })),
      covered: total,
    },
    behaviour: view.unit
      ? {
          id: "behaviour",
          buckets: view.counts("behaviour").filter((x) => x.value > 0).map((x) => bucket(x.key, labelOf("behaviours", x.key, o.lang), x.count)),
          covered: view.cell("withBehaviour", "with") ?? CHI,
        }
      : empty("behaviour"),
    client: view.unit
      ? {
          id: "client",
          buckets: view.counts("client").filter((x) => x.value > 0).map((x) => bucket(x.key, x.key === "named" ? t("dashboard.clientNamed") : t("common.unknown"), x.count)),
          covered: total,
        }
      : empty("client"),
    outcome: coded("outcome", "outcome", (k) => labelOf("outcome", k, o.lang)),
    channel: coded("channel", "channel", (k) => labelOf("channel", k, o.lang)),
    department,
    severity: coded("severity", "severity", (k) => `${k} ${labelOf("severity", k, o.lang)}`),
    heatmap: null,
    adherence,
    repeatOffenders: [],
    comparison: { inProgress: q.span.cut, current: [q.span.from, q.span.to], previous: spans.previous, yearBefore: spans.yearBefore, asOf: q.span.to },
    suppressed: true,
    threshold: o.threshold,
  };
}
