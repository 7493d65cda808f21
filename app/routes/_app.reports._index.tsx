import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { PeriodInput } from "~/components/ui/PeriodInput";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { requireUser } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import { displayInstant, todayInTokyo } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/settings/settings.server";
import { hasBreakdowns } from "~/modules/analytics/executive.server";
import { listIssued } from "~/modules/reports/issued.server";
import { fiscalYearOf, parsePeriod, periodChoices, periodLabel } from "~/modules/reports/periods";
import type { PageHandle } from "~/root";
import { langFromCookie, messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "reports.title" };

/** Choosing a period for the compliance summary, and every report issued so far. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, "reports.executive");
  const db = getDb();
  const { fiscalYearStartMonth } = getSettings(db);
  const today = todayInTokyo();
  const lang = langFromCookie(request.headers.get("Cookie"));
  const hr = can(user, "reports.hr");
  return {
    messages: messages(request, ["reports", "report", "list", "schedules"]),
    hr,
    current: `FY${fiscalYearOf(today, fiscalYearStartMonth) - 1}`,
    // An executive's report is for a fiscal year that has ended (docs/decisions/0022): only those are offered.
    periods: periodChoices(today, fiscalYearStartMonth)
      .map((key) => parsePeriod(key, fiscalYearStartMonth)!)
      .filter((p) => hr || hasBreakdowns(p, today))
      .map((p) => ({ key: p.key, label: periodLabel(p, lang) })),
    issued: listIssued(db, hr ? {} : { audience: "executive" }),
  };
}

export default function Reports() {
  const { hr, current, periods, issued } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <section>
      <h1>{t("reports.title")}</h1>
      <p className="lead">{t("reports.intro")}</p>
      <Form method="get" action="/reports/go" className="filters">
        <PeriodInput id="r-period" defaultValue={current} periods={periods} required />
        {hr ? (
          <div className="filter">
            <label htmlFor="r-audience">{t("reports.audience")}</label>
            <select id="r-audience" name="audience" defaultValue="hr">
              <option value="hr">{t("report.audience.hr")}</option>
              <option value="executive">{t("report.audience.executive")}</option>
            </select>
          </div>
        ) : null}
        <div className="filter-actions">
          <button type="submit" className="primary">
            {t("reports.open")}
          </button>
        </div>
      </Form>
      {hr ? (
        <p>
          <Link to="/reports/schedules">{t("schedules.link")}</Link>
        </p>
      ) : null}
      <h2>{t("reports.issuedList")}</h2>
      {issued.length === 0 ? (
        <p className="muted">{t("reports.noneIssued")}</p>
      ) : (
        <table className="grid-table">
          <thead>
            <tr>
              <th scope="col">{t("list.period")}</th>
              <th scope="col">{t("reports.audience")}</th>
              <th scope="col">{t("reports.issuedAt")}</th>
              <th scope="col">{t("reports.issuedBy")}</th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {issued.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/reports/issued/${r.id}`}>{r.periodKey}</Link>
                </td>
                <td>{t(r.audience === "hr" ? "report.audience.hr" : "report.audience.executive")}</td>
                <td className="nowrap">{displayInstant(r.issuedAt)}</td>
                <td>{r.issuedBy}</td>
                <td className="code">{r.sha256.slice(0, 16)}…</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
