import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Flash } from "~/components/ui/Flash";
import { DifferenceTable, PrintButton } from "~/components/reports/ReportActions";
import { ReportView } from "~/components/reports/ReportView";
import { langFromCookie, messages } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { fail, idParam } from "~/modules/http.server";
import { audit } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import { displayInstant } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/settings/settings.server";
import { differences, getIssued } from "~/modules/reports/issued.server";
import { liveReport } from "~/modules/reports/page.server";
import { parsePeriod } from "~/modules/reports/periods";
import { peopleNames } from "~/modules/incidents/report.server";
import type { PageHandle } from "~/root";
import reportStyles from "~/styles/report.css";

export const handle: PageHandle = { titleKey: "reports.issuedTitle" };
export const links: LinksFunction = () => [{ rel: "stylesheet", href: reportStyles }];

/** An issued report exactly as frozen, its SHA-256, and how the live figures differ from it now. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "reports.executive");
  const db = getDb();
  const issued = getIssued(db, idParam(params.id, "reports.notFound"));
  if (!issued) fail(404, "reports.notFound");
  // The HR version lists what executives must not see.
  if (issued.audience === "hr" && !can(user, "reports.hr")) fail(403, "error.forbidden");
  const period = parsePeriod(issued.periodKey, getSettings(db).fiscalYearStartMonth)!;
  const live = await liveReport(db, period, issued.audience, langFromCookie(request.headers.get("Cookie")));
  audit(db, actorOf(user, context), "report.viewed", { type: "report", id: issued.id });
  const { report, ...meta } = issued;
  // Printed with the report: who issued it by name (their e-mail when they have none).
  const issuedBy = peopleNames(db, [meta.issuedBy], []).byEmail[meta.issuedBy] ?? meta.issuedBy;
  return { report, meta: { ...meta, issuedBy }, differences: differences(report, live), messages: messages(request, ["reports", "report", "dashboard", "rates"]) };
}

export default function IssuedReport() {
  const { report, meta, differences: diff } = useLoaderData<typeof loader>();
  const { t } = useT();
  const note = t("reports.issuedNote", { at: displayInstant(meta.issuedAt), by: meta.issuedBy });
  return (
    <div className="report-page">
      <Flash />
      <div className="report-toolbar no-print">
        <Link to="/reports">← {t("reports.title")}</Link>
        <Link to={`/reports/${encodeURIComponent(meta.periodKey)}${meta.audience === "executive" ? "?audience=executive" : ""}`}>
          {t("reports.openLive")}
        </Link>
        <PrintButton />
      </div>
      <section className={`notice no-print${meta.intact ? "" : " danger"}`} role="status">
        <p>
          SHA-256: <code className="break-all">{meta.sha256}</code> · {meta.intact ? t("reports.intact") : t("reports.tampered")}
        </p>
        <p>{diff.length === 0 ? t("reports.liveSame") : t("reports.liveDiffers", { n: diff.length })}</p>
        {diff.length ? <DifferenceTable differences={diff} /> : null}
      </section>
      <ReportView report={report} issuedNote={note} />
    </div>
  );
}
