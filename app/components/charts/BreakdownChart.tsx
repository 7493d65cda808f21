/**
 * One breakdown (behaviours, channels, outcomes, departments, clients, severity) as horizontal bars, one per bucket,
 * with its count at the bar's end. A bar whose bucket can be listed opens that incident list when clicked; the table
 * view carries the same links for keyboard and screen-reader users, who cannot reach SVG bars.
 */
import { Link, useNavigate } from "@remix-run/react";
import { Bar, BarChart, LabelList, Rectangle, ResponsiveContainer, XAxis, YAxis } from "recharts";
import type { BarRectangleItem, BarShapeProps } from "recharts";
import { TableHead } from "~/components/ui/TableHead";
import { useT } from "~/i18n/use-t";
import type { MessageKey } from "~/i18n";
import type { ColorKind } from "~/modules/analytics/colors";
import type { Breakdown, ChartId } from "~/modules/analytics/dashboard-types";
import { axisLabel, breakdownRows, isEmptyBreakdown, isSuppressed, rowsClass, type BreakdownRow } from "./chart-data";
import { ChartCard, Swatch } from "./ChartCard";
import { ClientOnly } from "./ClientOnly";

/** Default titles, so a page can drop a breakdown in without naming it again. */
export const CHART_TITLE_KEYS: Record<ChartId, MessageKey> = {
  trend: "chart.title.trend",
  behaviour: "chart.title.behaviour",
  client: "chart.title.client",
  outcome: "chart.title.outcome",
  channel: "chart.title.channel",
  department: "chart.title.department",
  severity: "chart.title.severity",
  heatmap: "chart.title.heatmap",
};

// Long client or department names would squeeze the bars: the axis shows a prefix, its title and the table the whole name.
function AxisTick({ x, y, payload }: { x?: number | string; y?: number | string; payload?: { value?: unknown } }) {
  const full = String(payload?.value ?? "");
  return (
    <text x={x} y={y} dy="0.355em" textAnchor="end" className="recharts-cartesian-axis-tick-value">
      <title>{full}</title>
      {axisLabel(full)}
    </text>
  );
}

export interface BreakdownBarsProps {
  rows: BreakdownRow[];
  /** Short text shown in the placeholder before the chart is drawn. */
  placeholder?: string;
}

/** The bars alone (no card), drawn in the browser only. */
export function BreakdownBars({ rows, placeholder }: BreakdownBarsProps) {
  const navigate = useNavigate();
  const open = (row: BreakdownRow | undefined) => {
    if (row?.href) navigate(row.href);
  };
  return (
    <ClientOnly className={`breakdown ${rowsClass(rows.length)}`} placeholder={placeholder}>
      {() => (
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 56, bottom: 4, left: 4 }} barCategoryGap="22%">
            <XAxis type="number" hide allowDecimals={false} domain={[0, "dataMax"]} />
            <YAxis
              type="category"
              dataKey="label"
              width="auto"
              interval={0}
              tickLine={false}
              tickFormatter={(v: string) => axisLabel(String(v))}
              tick={(props: { x?: number | string; y?: number | string; payload?: { value?: unknown } }) => <AxisTick {...props} />}
            />
            {/* No animation: the labels appear with the bars, and a printed or captured page is complete at once. */}
            <Bar
              dataKey="value"
              isAnimationActive={false}
              shape={(p: BarShapeProps) => {
                const row = p.payload as BreakdownRow;
                return (
                  <Rectangle
                    x={p.x}
                    y={p.y}
                    width={p.width}
                    height={p.height}
                    radius={[0, 3, 3, 0]}
                    fill={row.fill}
                    className={row.href ? "chart-bar is-link" : "chart-bar"}
                  />
                );
              }}
              onClick={(item: BarRectangleItem) => open(item.payload as BreakdownRow | undefined)}
            >
              <LabelList dataKey="shown" position="right" className="chart-bar-label" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      )}
    </ClientOnly>
  );
}

/** The same figures as a table: label (a link to the list when there is one), colour, count. */
export function BreakdownTable({ rows, caption, labelHeader }: { rows: BreakdownRow[]; caption: string; labelHeader?: string }) {
  const { t } = useT();
  return (
    <table className="grid-table chart-data">
      <caption className="chart-sr-only">{caption}</caption>
      <TableHead labels={[labelHeader ?? t("chart.table.item"), t("chart.table.count")]} />
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">
              <Swatch color={r.fill} /> {r.href ? <Link to={r.href}>{r.label}</Link> : r.label}
            </th>
            <td className="num">{r.shown}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface BreakdownChartProps {
  breakdown: Breakdown;
  /** Which colours the buckets take (colors.ts); "department" and "client" colour by position. */
  colorKind: ColorKind;
  /** Defaults to the chart's own title (chart.title.{id}). */
  title?: string;
  csvHref?: string | null;
  /** Header of the label column in the table view (defaults to 項目). */
  labelHeader?: string;
  /** Extra classes on the card, e.g. "wide". */
  className?: string;
}

/** A breakdown in its card: bars, covered count, table view, CSV link. */
export function BreakdownChart({ breakdown, colorKind, title, csvHref, labelHeader, className }: BreakdownChartProps) {
  const { t, lang } = useT();
  const heading = title ?? t(CHART_TITLE_KEYS[breakdown.id]);
  const rows = breakdownRows(breakdown, colorKind, lang);
  const empty = isEmptyBreakdown(breakdown);
  const suppressed = breakdown.buckets.find((b) => isSuppressed(b.count));
  const clickable = rows.some((r) => r.href);
  return (
    <ChartCard
      id={breakdown.id}
      title={heading}
      covered={breakdown.covered}
      csvHref={csvHref}
      className={className}
      table={empty ? undefined : <BreakdownTable rows={rows} caption={heading} labelHeader={labelHeader} />}
      note={
        empty ? null : (
          <>
            {suppressed ? <p className="chart-note">{t("chart.suppressedNote", { label: String(suppressed.count) })}</p> : null}
            {clickable ? <p className="chart-note">{t("chart.clickHint")}</p> : null}
          </>
        )
      }
    >
      {empty ? (
        <div className="chart-box chart-empty">
          <p>{t("chart.empty")}</p>
        </div>
      ) : (
        <BreakdownBars rows={rows} placeholder={t("chart.loading")} />
      )}
    </ChartCard>
  );
}
