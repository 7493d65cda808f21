/**
 * A compliance report on the page and on paper: heading with the period, the narrative, then every table of the
 * report (render.ts decides the tables, so the page, the CSV and the Markdown never differ).
 */
import { Link } from "@remix-run/react";
import { useState } from "react";
import type { ComplianceReport } from "~/modules/reports/compliance.server";
import { reportTables } from "~/modules/reports/render";
import { useT } from "~/i18n/use-t";

export function ReportView({ report, issuedNote }: { report: ComplianceReport; issuedNote?: string }) {
  const { t, lang } = useT();
  const tables = reportTables(report, lang, t);
  return (
    <article className="report">
      <header className="report-header">
        <p className="report-kind">
          {t("report.title")} · {t(report.audience === "hr" ? "report.audience.hr" : "report.audience.executive")}
        </p>
        <h1>
          {report.period.label} <small>({report.period.from} 〜 {report.period.to})</small>
        </h1>
        <p className="muted">
          {t("reports.scopeAll")} · {t("report.generatedOn")}: {report.generatedOn}
          {issuedNote ? ` · ${issuedNote}` : ""}
        </p>
      </header>
      <section className="report-section narrative">
        <ul>
          {report.narrative.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
        {report.audience === "executive" ? <p className="hint">{t("overview.suppressedNote", { n: report.threshold })}</p> : null}
        {report.national ? (
          <p className="hint">{t("report.nationalNote", { from: report.national.from, to: report.national.to })}</p>
        ) : null}
      </section>
      {groups(tables).map((group, g) =>
        group.columns ? (
          <div className="report-columns" key={g}>
            {group.tables.map((tb) => (
              <Section key={tb.title} table={tb} />
            ))}
          </div>
        ) : (
          group.tables.map((tb) => <Section key={tb.title} table={tb} />)
        ),
      )}
    </article>
  );
}

type Table = ReturnType<typeof reportTables>[number];

/** Short tables side by side (two columns on screen and paper); the others full width. */
function groups(tables: Table[]): { columns: boolean; tables: Table[] }[] {
  const out: { columns: boolean; tables: Table[] }[] = [];
  for (const tb of tables) {
    const columns = tb.header.length <= 2 && !tb.newPage;
    const last = out[out.length - 1];
    if (last && last.columns === columns && !tb.newPage) last.tables.push(tb);
    else out.push({ columns, tables: [tb] });
  }
  return out;
}

function Section({ table: tb }: { table: Table }) {
  return (
    <section className={["report-section", tb.newPage ? "new-page" : "", tb.wide ? "breakable" : ""].filter(Boolean).join(" ")}>
      <h2>{tb.title}</h2>
      <table className={tb.wide ? "grid-table report-table wide" : "grid-table report-table"}>
        <thead>
          <tr>
            {tb.header.map((h, i) => (
              <th key={i} scope="col" className={i === 0 ? undefined : "num"}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {tb.rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, i) =>
                i === 0 ? (
                  <th key={i} scope="row">
                    {cell}
                  </th>
                ) : (
                  <td key={i} className={tb.wide && i === row.length - 1 ? "text" : "num"}>
                    {tb.incidents && i === row.length - 1 ? (
                      <IncidentLinks incidents={tb.incidents[r]} count={typeof row[1] === "number" ? row[1] : tb.incidents[r].length} />
                    ) : typeof cell === "number" ? (
                      cell.toLocaleString()
                    ) : (
                      cell
                    )}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** How many listed incidents a row shows on screen before 「すべて表示」; paper shows them all. */
export const LINKS_SHOWN = 20;

/**
 * The incidents of a row, each a link to its page by 管理番号 (never broken across lines). The screen shows the first
 * LINKS_SHOWN and a button for the rest; print shows every one. A report issued before all were listed says how many
 * it left out.
 */
function IncidentLinks({ incidents, count }: { incidents: { id: number; ref: string | null; occurredOn: string }[]; count: number }) {
  const { t } = useT();
  const [all, setAll] = useState(false);
  const hidden = incidents.length - LINKS_SHOWN;
  return (
    <>
      <ul className="incident-links">
        {incidents.map((i, k) => (
          <li key={i.id} className={!all && k >= LINKS_SHOWN ? "beyond" : undefined}>
            <Link to={`/incidents/${i.id}`} className="ref">
              {i.ref ?? `#${i.id}`}
            </Link>
            <span className="day">({i.occurredOn})</span>
          </li>
        ))}
      </ul>
      {hidden > 0 ? (
        <button type="button" className="show-all no-print" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? t("report.showFewer") : t("report.showAll", { n: incidents.length })}
        </button>
      ) : null}
      {count > incidents.length ? <p className="hint">{t("report.notAllListed", { n: count - incidents.length })}</p> : null}
    </>
  );
}
