import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DifferenceTable, PrintButton } from "~/components/reports/ReportActions";
import { ReportView } from "~/components/reports/ReportView";
import { CsvDownload } from "~/components/ui/CsvDownload";
import { langFromCookie, messages } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { fail, readForm } from "~/modules/http.server";
import { audit } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import { displayInstant } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/settings/settings.server";
import { differences, getIssued, issueReport, listIssued, sameContent } from "~/modules/reports/issued.server";
import { audienceFor, liveReport } from "~/modules/reports/page.server";
import { parsePeriod } from "~/modules/reports/periods";
import type { PageHandle } from "~/root";
import reportStyles from "~/styles/report.css";

export const handle: PageHandle = { titleKey: "reports.title" };
export const links: LinksFunction = () => [{ rel: "stylesheet", href: reportStyles }];

function periodOf(text: string | undefined) {
  const period = parsePeriod(text ?? "", getSettings(getDb()).fiscalYearStartMonth);
  if (!period) fail(404, "reports.badPeriod");
  return period;
}

/** The live compliance summary of a period; compared with the latest issued version of it, if any. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "reports.executive");
  const db = getDb();
  const period = periodOf(params.period);
  const audience = audienceFor(user, new URL(request.url).searchParams.get("audience"));
  const lang = langFromCookie(request.headers.get("Cookie"));
  // Audited before the figures are built: if the write has to wait for the lock (an import), the loader is run again
  // and the report is not built twice for nothing.
  audit(db, actorOf(user, context), "report.viewed", { type: "report", id: `${period.key}:${audience}` });
  const report = await liveReport(db, period, audience, lang);
  const issued = listIssued(db, { periodKey: period.key, audience });
  const latest = issued[0] ? getIssued(db, issued[0].id) : null;
  return {
    messages: messages(request, ["reports", "report", "dashboard", "chart", "rates"]),
    report,
    audience,
    canIssue: can(user, "reports.hr"),
    canSwitch: can(user, "reports.hr"),
    issued,
    latest: latest && { id: latest.id, issuedAt: latest.issuedAt, issuedBy: latest.issuedBy, differences: differences(latest.report, report) },
  };
}

/**
 * Issuing freezes the figures as they are now (HR and admin). It takes two posts: the first asks for confirmation
 * (what issuing does cannot be undone), the second, with `confirm=yes`, issues. A report with the same content as the
 * latest issued one of its period and audience is refused: a second click or a second person would only copy it.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "reports.hr");
  const db = getDb();
  const period = periodOf(params.period);
  const form = await readForm(request);
  const asked = form.get("audience") ?? "hr";
  // The page posts one of the two; anything else was not sent by it, and issuing a report for a guess is not wanted.
  if (asked !== "hr" && asked !== "executive") fail(400, "error.badRequest");
  const audience = audienceFor(user, asked);
  const lang = langFromCookie(request.headers.get("Cookie"));
  const report = await liveReport(db, period, audience, lang);
  const latestMeta = listIssued(db, { periodKey: period.key, audience })[0];
  const latest = latestMeta ? getIssued(db, latestMeta.id) : null;
  if (latest && sameContent(latest.report, report)) {
    return json({ step: "identical" as const, id: latest.id, at: latest.issuedAt, by: latest.issuedBy }, { status: 409 });
  }
  if (form.get("confirm") !== "yes") return json({ step: "confirm" as const, audience });
  const meta = issueReport(db, report, actorOf(user, context));
  return redirect(`/reports/issued/${meta.id}?flash=issued`);
}

/** The question before issuing, or why issuing was refused. */
function IssueStep({ audience, label }: { audience: string; label: string }) {
  const result = useActionData<typeof action>();
  const { t } = useT();
  if (!result) return null;
  if (result.step === "identical") {
    return (
      <section className="notice error no-print" role="alert">
        <p>
          {t("reports.identical", { at: displayInstant(result.at), by: result.by })} <Link to={`/reports/issued/${result.id}`}>{t("reports.openIssued")}</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="notice no-print" role="alertdialog" aria-labelledby="issue-confirm-title" aria-describedby="issue-confirm-text">
      <h2 id="issue-confirm-title">{t("reports.confirmTitle")}</h2>
      <p id="issue-confirm-text">{t("reports.confirmText", { period: label, audience: t(`report.audience.${audience as "hr" | "executive"}`) })}</p>
      <Form method="post" className="inline-form">
        <input type="hidden" name="audience" value={audience} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" className="primary" autoFocus>
          {t("reports.confirmIssue")}
        </button>{" "}
        <Link to="." className="button">
          {t("reports.cancel")}
        </Link>
      </Form>
    </section>
  );
}

export default function ReportPage() {
  const { report, audience, canIssue, canSwitch, issued, latest } = useLoaderData<typeof loader>();
  const { t } = useT();
  const base = `/reports/${encodeURIComponent(report.period.key)}`;
  return (
    <div className="report-page">
      <div className="report-toolbar no-print">
        <Link to="/reports">← {t("reports.title")}</Link>
        {canSwitch ? (
          <span className="segmented">
            <Link to={base} aria-current={audience === "hr" ? "page" : undefined}>
              {t("report.audience.hr")}
            </Link>
            <Link to={`${base}?audience=executive`} aria-current={audience === "executive" ? "page" : undefined}>
              {t("report.audience.executive")}
            </Link>
          </span>
        ) : null}
        <PrintButton />
        <CsvDownload
          href={`/reports/csv/${encodeURIComponent(report.period.key)}?audience=${audience}`}
          label={t("chart.downloadCsv")}
          linkClassName="button"
        />
        {canIssue ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="audience" value={audience} />
            <button type="submit" className="primary">
              {t("reports.issue")}
            </button>
          </Form>
        ) : null}
      </div>
      <IssueStep audience={audience} label={report.period.label} />
      {latest ? (
        <section className="notice no-print" role="status">
          <p>
            {latest.differences.length === 0
              ? t("reports.sameAsIssued", { at: displayInstant(latest.issuedAt), by: latest.issuedBy })
              : t("reports.differsFromIssued", { at: displayInstant(latest.issuedAt), by: latest.issuedBy, n: latest.differences.length })}{" "}
            <Link to={`/reports/issued/${latest.id}`}>{t("reports.openIssued")}</Link>
          </p>
          {latest.differences.length ? <DifferenceTable differences={latest.differences} /> : null}
        </section>
      ) : null}
      <ReportView report={report} issuedNote={t("reports.live")} />
      {issued.length > 1 ? (
        <section className="no-print">
          <h2>{t("reports.issuedList")}</h2>
          <ul>
            {issued.map((r) => (
              <li key={r.id}>
                <Link to={`/reports/issued/${r.id}`}>
                  {displayInstant(r.issuedAt)} · {r.issuedBy}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
