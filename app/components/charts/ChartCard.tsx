/**
 * The frame every dashboard chart sits in: a titled section, how many incidents it covers, the chart, the same figures
 * as a table (for screen readers, for copying, and for readers whose browser has no JavaScript) and a CSV download.
 */
import type { ReactNode } from "react";
import { useT } from "~/i18n/use-t";
import { CsvDownload } from "~/components/ui/CsvDownload";
import type { Count } from "~/modules/analytics/dashboard-types";
import { formatCount } from "./chart-data";

export interface ChartCardProps {
  /** Unique on the page; the section gets `chart-{id}` (an anchor) and its heading `chart-{id}-title`. */
  id: string;
  title: string;
  /** Incidents the chart covers; a hidden "χ" is shown as it is. */
  covered: Count;
  /** The chart's CSV export (a server route); no link when absent. */
  csvHref?: string | null;
  /** The figures as a <table>, shown in a collapsed "show as table" block; omitted when the chart is itself a table. */
  table?: ReactNode;
  /** Shown between the heading and the chart, e.g. a segmented control. */
  controls?: ReactNode;
  /** Shown below the chart, e.g. a remark about suppressed or excluded incidents. */
  note?: ReactNode;
  /** Extra classes on the section, e.g. "wide" to span both grid columns. */
  className?: string;
  children: ReactNode;
}

/** A colour sample as an SVG fill attribute: an inline style would be refused by the page's CSP. */
export function Swatch({ color }: { color: string }) {
  return (
    <svg className="chart-swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
      <rect width="10" height="10" rx="2" fill={color} />
    </svg>
  );
}

export function chartTitleId(id: string): string {
  return `chart-${id}-title`;
}

export function ChartCard({ id, title, covered, csvHref, table, controls, note, className, children }: ChartCardProps) {
  const { t, lang } = useT();
  const titleId = chartTitleId(id);
  return (
    <section id={`chart-${id}`} className={className ? `chart-card ${className}` : "chart-card"} aria-labelledby={titleId}>
      <header className="chart-card-head">
        <h2 id={titleId}>{title}</h2>
        <p className="chart-covered">{t("chart.covered", { n: formatCount(covered, lang) })}</p>
      </header>
      {controls}
      {children}
      {note}
      {table || csvHref ? (
        <div className="chart-card-foot">
          {table ? (
            <details className="chart-table">
              <summary>{t("chart.showTable")}</summary>
              <div className="chart-table-wrap">{table}</div>
            </details>
          ) : null}
          {csvHref ? (
            // Plain links, not <Link>: the CSV is a file from a resource route, not a page to render.
            <CsvDownload className="chart-csv" href={csvHref} label={t("chart.downloadCsv")} />
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
