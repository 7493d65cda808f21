/** The differences between an issued report and the live figures, as a table. */
import type { Difference } from "~/modules/reports/issued.server";
import { useT } from "~/i18n/use-t";

const SECTION_KEYS = {
  totals: "report.section.totals",
  byBehaviour: "report.section.behaviour",
  byChannel: "report.section.channel",
  byOutcome: "report.section.outcome",
  bySeverity: "report.section.severity",
  byValidity: "report.section.validity",
  byDepartment: "report.section.department",
  byClient: "report.section.client",
  adherence: "report.section.adherence",
  open: "report.section.open",
} as const;

export function DifferenceTable({ differences }: { differences: Difference[] }) {
  const { t } = useT();
  return (
    <table className="grid-table differences">
      <thead>
        <tr>
          <th scope="col">{t("reports.diff.section")}</th>
          <th scope="col">{t("report.col.item")}</th>
          <th scope="col" className="num">
            {t("reports.diff.issued")}
          </th>
          <th scope="col" className="num">
            {t("reports.diff.live")}
          </th>
          <th scope="col" className="num">
            {t("reports.diff.delta")}
          </th>
        </tr>
      </thead>
      <tbody>
        {differences.map((d, i) => (
          <tr key={i}>
            <td>{t(SECTION_KEYS[d.section as keyof typeof SECTION_KEYS] ?? "report.section.totals")}</td>
            <th scope="row">{d.label}</th>
            <td className="num">{d.issued}</td>
            <td className="num">{d.live}</td>
            <td className="num">{d.delta === null ? "—" : `${d.delta > 0 ? "+" : ""}${d.delta}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Opens the browser's print dialog (A4 layout from report.css); "Save as PDF" makes the PDF. */
export function PrintButton() {
  const { t } = useT();
  return (
    <button type="button" onClick={() => window.print()}>
      {t("reports.print")}
    </button>
  );
}
