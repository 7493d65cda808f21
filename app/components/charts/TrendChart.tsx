/**
 * Incidents per month as stacked bars, stacked by behaviour group (MA/MB) or by severity. Which stacking is shown is
 * part of the page's URL (the page passes both links), so the choice survives a reload and can be shared.
 */
import { Link, useNavigate } from "@remix-run/react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TooltipContentProps } from "recharts";
import { TableHead } from "~/components/ui/TableHead";
import { useT } from "~/i18n/use-t";
import { colorOf } from "~/modules/analytics/colors";
import type { Trend } from "~/modules/analytics/dashboard-types";
import { ChartCard, Swatch } from "./ChartCard";
import { ClientOnly } from "./ClientOnly";
import { isSuppressed, seriesDataKey, trendRows, type TrendRow } from "./chart-data";

export interface TrendChartProps {
  trend: Trend;
  /** The page's URL with each stacking chosen; the current one is marked with aria-current. None: one series, no choice (executives). */
  switchLinks?: { group: string; severity: string };
  /** Defaults to 月別の推移. */
  title?: string;
  csvHref?: string | null;
  className?: string;
}

type Series = Trend["series"];

function TrendTooltip({
  row,
  series,
  stack,
  totalLabel,
}: {
  row: TrendRow | undefined;
  series: Series;
  stack: Trend["stack"];
  totalLabel: string;
}) {
  if (!row) return null;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-title">{row.label}</p>
      <table>
        <tbody>
          {/* Top segment first, as the stack reads from the top. */}
          {[...series].reverse().map((s) => (
            <tr key={s.key}>
              <th scope="row">
                <Swatch color={colorOf(stack, s.key)} /> {s.label}
              </th>
              <td>{row.shown[s.key]}</td>
            </tr>
          ))}
          <tr className="chart-tooltip-total">
            <th scope="row">{totalLabel}</th>
            <td>{row.total}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

export function TrendChart({ trend, switchLinks, title, csvHref, className }: TrendChartProps) {
  const { t, lang } = useT();
  const navigate = useNavigate();
  const heading = title ?? t("chart.title.trend");
  const rows = trendRows(trend, lang);
  // A hidden month ("χ") still has incidents, so only numeric zeros make the chart empty.
  const empty = trend.points.every((p) => p.total === 0);
  const clickable = rows.some((r) => r.href);
  const suppressed = trend.points.flatMap((p) => [p.total, ...Object.values(p.values)]).find(isSuppressed);

  const controls = !switchLinks ? null : (
    <div className="segmented" role="group" aria-label={t("chart.trend.stackBy")}>
      {(["group", "severity"] as const).map((stack) => (
        <Link
          key={stack}
          to={switchLinks[stack]}
          preventScrollReset
          aria-current={trend.stack === stack ? "true" : undefined}
        >
          {t(stack === "group" ? "chart.trend.byGroup" : "chart.trend.bySeverity")}
        </Link>
      ))}
    </div>
  );

  const table = (
    <table className="grid-table chart-data">
      <caption className="chart-sr-only">{heading}</caption>
      <TableHead labels={[t("chart.table.month"), ...trend.series.map((s) => s.label), t("chart.table.total")]} />
      <tbody>
        {rows.map((r) => (
          <tr key={r.month}>
            <th scope="row">{r.href ? <Link to={r.href}>{r.label}</Link> : r.label}</th>
            {trend.series.map((s) => (
              <td key={s.key} className="num">
                {r.shown[s.key]}
              </td>
            ))}
            <td className="num">{r.total}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <ChartCard
      id="trend"
      title={heading}
      covered={trend.covered}
      csvHref={csvHref}
      className={className}
      controls={controls}
      table={empty ? undefined : table}
      note={
        empty ? null : (
          <>
            {suppressed ? <p className="chart-note">{t("chart.suppressedNote", { label: suppressed })}</p> : null}
            {clickable ? <p className="chart-note">{t("chart.trend.clickHint")}</p> : null}
          </>
        )
      }
    >
      {empty ? (
        <div className="chart-box chart-empty">
          <p>{t("chart.empty")}</p>
        </div>
      ) : (
        <ClientOnly className={clickable ? "trend is-link" : "trend"} placeholder={t("chart.loading")}>
          {() => (
            <ResponsiveContainer width="100%" height="100%">
              <BarChart
                data={rows}
                margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
                barCategoryGap="18%"
                // A tap sends its mousemove just before the click: unthrottled, the month under the finger is already the
                // active one when the click arrives (throttled to the next frame, a tap without hovering first did nothing).
                throttledEvents={["touchmove", "pointermove", "scroll", "wheel"]}
                onClick={(state) => {
                  // Clicking anywhere in a month's column opens it, not only a (possibly thin) segment.
                  const i = state.activeTooltipIndex;
                  const row = i == null ? undefined : rows[Number(i)];
                  if (row?.href) navigate(row.href);
                }}
              >
                <CartesianGrid vertical={false} stroke="#e5e9f0" />
                <XAxis dataKey="label" tickLine={false} />
                <YAxis allowDecimals={false} width="auto" tickLine={false} axisLine={false} />
                <Tooltip
                  content={(props: TooltipContentProps) => (
                    <TrendTooltip
                      row={props.active ? (props.payload?.[0]?.payload as TrendRow | undefined) : undefined}
                      series={trend.series}
                      stack={trend.stack}
                      totalLabel={t("chart.table.total")}
                    />
                  )}
                  cursor={{ className: "chart-cursor" }}
                />
                <Legend />
                {trend.series.map((s) => (
                  <Bar
                    key={s.key}
                    isAnimationActive={false}
                    dataKey={seriesDataKey(s.key)}
                    name={s.label}
                    stackId="month"
                    maxBarSize={72}
                    fill={colorOf(trend.stack, s.key)}
                    className="chart-segment"
                  />
                ))}
              </BarChart>
            </ResponsiveContainer>
          )}
        </ClientOnly>
      )}
    </ChartCard>
  );
}
