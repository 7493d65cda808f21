/** The rows of one chart's CSV: the same labels and counts as its table view ("χ" stays "χ"). */
import type { MessageKey } from "~/i18n";
import type { ChartId, DashboardData } from "./dashboard-types";

export type { ChartId };
export const CHART_IDS: readonly ChartId[] = ["trend", "behaviour", "client", "outcome", "channel", "department", "severity", "heatmap"];

export function chartRows(d: DashboardData, chart: ChartId, t: (k: MessageKey) => string): unknown[][] {
  if (chart === "trend") {
    return [
      [t("dashboard.csv.month"), ...d.trend.series.map((s) => s.label), t("dashboard.csv.total")],
      ...d.trend.points.map((p) => [p.month, ...d.trend.series.map((s) => p.values[s.key]), p.total]),
    ];
  }
  if (chart === "heatmap") {
    // An executive's view of one department has no grid (docs/decisions/0022): the header alone.
    if (!d.heatmap) return [[t("dashboard.csv.weekday"), t("dashboard.csv.hour"), t("dashboard.csv.count")]];
    return [
      [t("dashboard.csv.weekday"), t("dashboard.csv.hour"), t("dashboard.csv.count")],
      ...d.heatmap.cells.map((c) => [t(`dashboard.weekday.${c.weekday}` as MessageKey), c.hour, c.count]),
      [t("dashboard.csv.withoutTime"), "", d.heatmap.withoutTime],
    ];
  }
  const b = d[chart];
  return [[t("dashboard.csv.code"), t("dashboard.csv.label"), t("dashboard.csv.count")], ...b.buckets.map((x) => [x.key, x.label, x.count])];
}
