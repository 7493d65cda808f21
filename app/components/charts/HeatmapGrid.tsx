/**
 * Incidents by weekday and hour of day as a shaded HTML table rather than an SVG chart: it renders on the server, every
 * cell is a real link a keyboard can reach, and a screen reader reads it with its row and column headers. Shading is
 * by class (heat-0 … heat-5) because the CSP refuses inline style attributes.
 */
import { Link } from "@remix-run/react";
import { useT } from "~/i18n/use-t";
import type { MessageKey } from "~/i18n";
import type { Heatmap } from "~/modules/analytics/dashboard-types";
import { ChartCard, chartTitleId } from "./ChartCard";
import { formatCount, HEAT_LEVELS, heatmapGrid, HOURS, isSuppressed } from "./chart-data";

const WEEKDAY_SHORT: readonly MessageKey[] = [
  "chart.weekday.0",
  "chart.weekday.1",
  "chart.weekday.2",
  "chart.weekday.3",
  "chart.weekday.4",
  "chart.weekday.5",
  "chart.weekday.6",
];
const WEEKDAY_LONG: readonly MessageKey[] = [
  "chart.weekdayLong.0",
  "chart.weekdayLong.1",
  "chart.weekdayLong.2",
  "chart.weekdayLong.3",
  "chart.weekdayLong.4",
  "chart.weekdayLong.5",
  "chart.weekdayLong.6",
];

export interface HeatmapGridProps {
  heatmap: Heatmap;
  /** Defaults to 曜日・時間帯別. */
  title?: string;
  csvHref?: string | null;
  /** Extra classes on the card. */
  className?: string;
}

export function HeatmapGrid({ heatmap, title, csvHref, className }: HeatmapGridProps) {
  const { t, lang } = useT();
  const heading = title ?? t("chart.title.heatmap");
  const grid = heatmapGrid(heatmap);
  const empty = heatmap.cells.every((c) => c.count === 0);
  const levels = Array.from({ length: HEAT_LEVELS }, (_, i) => i + 1);

  const note = (
    <>
      {empty ? null : (
        <div className="heatmap-legend" aria-hidden="true">
          <span>{t("chart.heatmap.fewer")}</span>
          {levels.map((l) => (
            <span key={l} className={`heatmap-legend-step heat-${l}`} />
          ))}
          <span>{t("chart.heatmap.more")}</span>
        </div>
      )}
      <p className="chart-note">
        {heatmap.withoutTimeHref ? (
          <Link to={heatmap.withoutTimeHref}>{t("chart.heatmap.withoutTime", { n: formatCount(heatmap.withoutTime, lang) })}</Link>
        ) : (
          t("chart.heatmap.withoutTime", { n: formatCount(heatmap.withoutTime, lang) })
        )}
      </p>
    </>
  );

  return (
    <ChartCard
      id="heatmap"
      title={heading}
      covered={heatmap.covered}
      csvHref={csvHref}
      className={className ? `heatmap-card ${className}` : "heatmap-card"}
      note={note}
    >
      {empty ? (
        <div className="chart-box chart-empty">
          <p>{t("chart.empty")}</p>
        </div>
      ) : (
        // The wrapper scrolls sideways on a narrow screen instead of squeezing 24 columns unreadably: a labelled region
        // a keyboard can focus and scroll, with a visible hint on a phone that the hours go on to 23時.
        <>
        <p className="heatmap-scroll-hint" id="heatmap-scroll-hint">{t("chart.heatmap.scrollHint")}</p>
        <div className="heatmap-wrap" role="region" aria-label={t("chart.heatmap.scrollLabel", { title: heading })} aria-describedby="heatmap-scroll-hint" tabIndex={0}>
          <table className="heatmap" aria-labelledby={chartTitleId("heatmap")}>
            <thead>
              <tr>
                <th scope="col" className="heatmap-corner">
                  <span className="chart-sr-only">{t("chart.heatmap.corner")}</span>
                </th>
                {HOURS.map((h) => (
                  <th key={h} scope="col">
                    <span aria-hidden="true">{h}</span>
                    <span className="chart-sr-only">{t("chart.heatmap.hour", { hour: h })}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {grid.map((row) => {
                const weekdayLong = t(WEEKDAY_LONG[row.weekday]);
                return (
                  <tr key={row.weekday}>
                    <th scope="row" title={weekdayLong}>
                      {t(WEEKDAY_SHORT[row.weekday])}
                    </th>
                    {row.cells.map((c) => {
                      const shown = formatCount(c.count, lang);
                      const label = t("chart.heatmap.cell", { weekday: weekdayLong, hour: c.hour, count: shown });
                      // Zero is left blank to keep the busy hours visible, but still read out as 0.
                      const text = c.count === 0 ? <span className="chart-sr-only">0</span> : shown;
                      return (
                        <td key={c.hour} className={`heat-${c.level}${isSuppressed(c.count) ? " is-suppressed" : ""}`} title={label}>
                          {c.href ? (
                            <Link to={c.href} aria-label={label}>
                              {text}
                            </Link>
                          ) : (
                            text
                          )}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        </>
      )}
    </ChartCard>
  );
}
