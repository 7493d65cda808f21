import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Flash } from "~/components/ui/Flash";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { overview, suppressOverview } from "~/modules/analytics/overview.server";
import { requireUser } from "~/modules/auth/guard.server";
import { can, incidentScope, seesPersonalData } from "~/modules/auth/permissions";
import { todayInTokyo } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/incidents/queries.server";
import { labelOf } from "~/modules/incidents/taxonomy";
import { fiscalYearOf, parsePeriod, periodChoices, periodLabel } from "~/modules/reports/periods";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "overview.title" };

/**
 * The start page: the period's figures at a glance for every role. Executives see the suppressed aggregates only;
 * a supervisor's figures cover their department.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, "dashboard.view");
  const db = getDb();
  const { fiscalYearStartMonth, suppressionThreshold } = getSettings(db);
  const today = todayInTokyo();
  const asked = new URL(request.url).searchParams.get("period") ?? "";
  const period =
    parsePeriod(asked, fiscalYearStartMonth) ?? parsePeriod(`FY${fiscalYearOf(today, fiscalYearStartMonth)}`, fiscalYearStartMonth)!;
  const scope = incidentScope(user);
  const figures = overview(db, period, scope.kind === "department" ? scope.departmentId : null);
  const personal = seesPersonalData(user);
  return {
    period,
    invalidPeriod: asked !== "" && asked !== period.key,
    periods: periodChoices(today, fiscalYearStartMonth),
    figures: personal ? figures : suppressOverview(figures, suppressionThreshold),
    suppressed: !personal,
    threshold: suppressionThreshold,
    department: scope.kind === "department" ? user.department : null,
    canList: can(user, "incidents.read"),
    fiscalYearStartMonth,
  };
}

export default function Overview() {
  const { period, invalidPeriod, periods, figures, suppressed, threshold, department, canList, fiscalYearStartMonth } = useLoaderData<typeof loader>();
  const { t, lang } = useT();
  const listLink = (extra: string) => `/incidents?period=${encodeURIComponent(period.key)}${extra}`;
  const figure = (key: "overview.incidents" | "overview.kasuhara" | "overview.open" | "overview.severe", value: number | string, extra: string) => (
    <div className="figure">
      <dt>{t(key)}</dt>
      <dd>{canList && typeof value === "number" ? <Link to={listLink(extra)}>{value.toLocaleString()}</Link> : value}</dd>
    </div>
  );
  return (
    <>
      <h1>{t("overview.title")}</h1>
      <Flash />
      <Form method="get" className="filters inline-filters">
        <div className="filter">
          <label htmlFor="o-period">{t("list.period")}</label>
          <select id="o-period" name="period" defaultValue={period.key}>
            {periods.map((p) => (
              <option key={p} value={p}>
                {periodLabel(parsePeriod(p, fiscalYearStartMonth)!, lang)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t("overview.show")}</button>
      </Form>
      {invalidPeriod ? <p className="notice">{t("overview.invalidPeriod")}</p> : null}
      <p className="lead">
        {periodLabel(period, lang)} ({period.from} 〜 {period.to}){department ? ` · ${department}` : ""}
      </p>
      {suppressed ? <p className="hint">{t("overview.suppressedNote", { n: threshold })}</p> : null}
      <dl className="figures">
        {figure("overview.incidents", figures.incidents, "")}
        {figure("overview.kasuhara", figures.kasuhara, "&determination=D1")}
        {figure("overview.open", figures.open, "&status=open")}
        {figure("overview.severe", figures.severe, "&severity=3&severity=4")}
      </dl>
      <h2>{t("overview.byBehaviour")}</h2>
      {figures.incidents === 0 ? (
        <p className="empty">{t("overview.empty")}</p>
      ) : (
        <table className="grid-table compact">
          <thead>
            <tr>
              <th scope="col">{t("field.behaviours")}</th>
              <th scope="col" className="num">
                {t("overview.count")}
              </th>
            </tr>
          </thead>
          <tbody>
            {figures.byBehaviour.map((b) => (
              <tr key={b.code}>
                <th scope="row">
                  <span className="code">{b.code}</span> {labelOf("behaviours", b.code, lang)}
                </th>
                <td className="num">
                  {canList && typeof b.count === "number" && b.count > 0 ? (
                    <Link to={listLink(`&behaviour=${b.code}`)}>{b.count.toLocaleString()}</Link>
                  ) : (
                    String(b.count)
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="hint">{t("overview.multiNote")}</p>
    </>
  );
}
