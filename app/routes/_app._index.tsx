import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { BreakdownChart } from "~/components/charts/BreakdownChart";
import { HeatmapGrid } from "~/components/charts/HeatmapGrid";
import { TrendChart } from "~/components/charts/TrendChart";
import { Flash } from "~/components/ui/Flash";
import { PeriodInput } from "~/components/ui/PeriodInput";
import { langFromCookie, messages } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { percent } from "~/modules/format";
import { getDb } from "~/modules/db.server";
import { DASHBOARD_FILTER_PARAMS, loadDashboard } from "~/modules/analytics/dashboard.server";
import type { Change, Count } from "~/modules/analytics/dashboard-types";
import { requireUser } from "~/modules/auth/guard.server";
import { incidentScope, seesPersonalData } from "~/modules/auth/permissions";
import { todayInTokyo } from "~/modules/incidents/dates";
import { optionsOf } from "~/modules/incidents/form-values";
import { overdueActions } from "~/modules/incidents/report.server";
import { listDepartments } from "~/modules/incidents/queries.server";
import { parsePeriod, periodChoices, periodLabel } from "~/modules/reports/periods";
import type { PageHandle } from "~/root";
import dashboardStyles from "~/styles/dashboard.css";

export const handle: PageHandle = { titleKey: "dashboard.title" };
export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];

/**
 * The dashboard: where harassment comes from and whether it is getting better. Every role opens it; executives get
 * suppressed aggregates without links, a supervisor their department's figures.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, "dashboard.view");
  const db = getDb();
  const today = todayInTokyo();
  const lang = langFromCookie(request.headers.get("Cookie"));
  const { data, query, invalidPeriod, settings, search, executive } = await loadDashboard(db, user, new URL(request.url).searchParams, { lang, today });
  const scope = incidentScope(user);
  const filters = Object.fromEntries(DASHBOARD_FILTER_PARAMS.map((k) => [k, query.params.get(k) ?? ""]));
  const withStack = (stack: string) => {
    const p = new URLSearchParams(search);
    p.set("stack", stack);
    return `/?${p.toString()}`;
  };
  // Corrective actions past due (是正処置計画書兼報告書): HR chases them; a supervisor sees their department's.
  const overdue = seesPersonalData(user) ? overdueActions(db, today, scope.kind === "department" ? scope.departmentId : null).slice(0, 50) : null;
  const csv = new URLSearchParams(query.params);
  csv.set("period", query.period.key);
  return {
    messages: messages(request, ["dashboard", "chart", "field", "list", "incidentReport"]),
    data,
    period: query.period,
    periodText: search.get("period") ?? query.period.key,
    invalidPeriod,
    filters,
    periods: periodChoices(today, settings.fiscalYearStartMonth).map((key) => ({
      key,
      label: periodLabel(parsePeriod(key, settings.fiscalYearStartMonth)!, lang),
    })),
    departments: scope.kind === "department" ? [] : listDepartments(db),
    ownDepartment: scope.kind === "department" ? user.department : null,
    stackLinks: { group: withStack("group"), severity: withStack("severity") },
    csvBase: `/dashboard.csv?${csv.toString()}`,
    clientFilter: seesPersonalData(user),
    overdue,
    executive,
  };
}

/** The repeat-offender table shows the strongest cases first; the rest are counted. */
const REPEAT_ROWS = 20;
const num = (c: Count | null) => (c === null ? "—" : typeof c === "number" ? c.toLocaleString() : c);

function Delta({ change, label, baseLabel }: { change: Change; label: string; baseLabel: string }) {
  const { t } = useT();
  // A hidden count has no change to show: the other period's count is said as such, not as a change.
  if (change.delta === null) return <span className="delta">{t(baseLabel as "dashboard.previousCount", { n: num(change.base) })}</span>;
  const sign = change.delta > 0 ? "+" : "";
  const ratio = change.ratio === null ? "" : ` (${sign}${(change.ratio * 100).toFixed(1)}%)`;
  return (
    <span className={`delta ${change.delta > 0 ? "up" : change.delta < 0 ? "down" : ""}`}>
      {label}: {sign}
      {t("common.count", { n: change.delta.toLocaleString() })}
      {ratio}
    </span>
  );
}

export default function Dashboard() {
  const { data, period, periodText, invalidPeriod, filters, periods, departments, ownDepartment, stackLinks, csvBase, clientFilter, overdue, executive } =
    useLoaderData<typeof loader>();
  const { t, lang } = useT();
  const h = data.headline;
  const cmp = data.comparison;
  const span = ([from, to]: [string, string]) => `${from}〜${to}`;
  const csvOf = (chart: string) => `${csvBase}&chart=${chart}`;
  const select = (name: string, field: Parameters<typeof optionsOf>[0], label: string, withUnknown = false) => (
    <div className="filter">
      <label htmlFor={`d-${name}`}>{label}</label>
      <select id={`d-${name}`} name={name} defaultValue={filters[name]}>
        <option value="">{t("common.all")}</option>
        {optionsOf(field, lang).map((o) => (
          <option key={o.value} value={o.value}>
            {field === "severity" ? `${o.value} ${o.label}` : o.label}
          </option>
        ))}
        {withUnknown ? <option value="unknown">{t("dashboard.unknownOption")}</option> : null}
      </select>
    </div>
  );
  const empty = h.incidents === 0;

  return (
    <div className="dashboard">
      <Flash />
      <h1>{t("dashboard.title")}</h1>
      <Form method="get" className="filters" aria-label={t("list.filters")} key={csvBase}>
        <PeriodInput id="d-period" defaultValue={periodText} periods={periods} />
        {ownDepartment === null ? (
          <div className="filter">
            <label htmlFor="d-department">{t("field.department")}</label>
            <select id="d-department" name="department" defaultValue={filters.department}>
              <option value="">{t("common.all")}</option>
              {departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.retired ? t("common.retiredDepartment", { name: d.name }) : d.name}
                </option>
              ))}
              <option value="unknown">{t("dashboard.unknownOption")}</option>
            </select>
          </div>
        ) : null}
        {executive ? null : select("channel", "channel", t("field.channel"))}
        {clientFilter ? (
          <div className="filter">
            <label htmlFor="d-client">{t("field.client")}</label>
            <input id="d-client" name="client" defaultValue={filters.client} />
          </div>
        ) : null}
        {executive ? null : select("behaviour", "behaviours", t("field.behaviours"))}
        {executive ? null : select("severity", "severity", t("field.severity"), true)}
        {executive ? null : select("determination", "determination", t("field.determination"), true)}
        <div className="filter-actions">
          <button type="submit" className="primary">
            {t("dashboard.show")}
          </button>
          <Link to="/" className="button">
            {t("list.clear")}
          </Link>
        </div>
      </Form>
      {invalidPeriod ? <p className="notice">{t("dashboard.invalidPeriod", { period: invalidPeriod })}</p> : null}
      {executive?.notices.map((n) => (
        <p key={n} className="notice" role="status">
          {t(`dashboard.executive.${n}`)}
        </p>
      ))}
      <p className="lead">
        <strong>{periodLabel(period, lang)}</strong> ({period.from} 〜 {period.to}){ownDepartment ? ` · ${ownDepartment}` : ""}
      </p>
      {executive ? <p className="hint">{t("dashboard.executiveScope")}</p> : null}
      <p className="hint">
        {executive && cmp.inProgress
          ? t("dashboard.executiveCut", { to: cmp.current[1] })
          : cmp.inProgress
          ? t("dashboard.inProgress", { to: cmp.current[1], previous: span(cmp.previous), yearBefore: span(cmp.yearBefore) })
          : t("dashboard.spans", { previous: span(cmp.previous), yearBefore: span(cmp.yearBefore) })}
      </p>
      {data.suppressed ? <p className="hint">{t("overview.suppressedNote", { n: data.threshold })}</p> : null}

      <dl className="figures">
        <div className="figure wide">
          <dt>{t("overview.incidents")}</dt>
          <dd>{num(h.incidents)}</dd>
          <dd className="sub">
            <Delta change={h.previous} label={t(cmp.inProgress ? "dashboard.previousSameSpan" : "dashboard.previous")} baseLabel="dashboard.previousCount" />
            <Delta change={h.yearBefore} label={t(cmp.inProgress ? "dashboard.yearBeforeSameSpan" : "dashboard.yearBefore")} baseLabel="dashboard.yearBeforeCount" />
          </dd>
        </div>
        {h.kasuhara === null ? null : (
        <div className="figure">
          <dt>{t("overview.kasuhara")}</dt>
          <dd>{num(h.kasuhara)}</dd>
        </div>
        )}
        <div className="figure">
          <dt>{t("overview.open")}</dt>
          <dd>{num(h.open)}</dd>
          <dd className="sub">
            {t("dashboard.openAsOf", { date: cmp.asOf })}
            {h.oldestOpenDays === null ? "" : ` · ${t("dashboard.oldestOpen", { n: h.oldestOpenDays })}`}
          </dd>
        </div>
        {executive && !executive.breakdowns ? null : (
          <>
        <div className="figure">
          <dt>{t("overview.severe")}</dt>
          <dd>{percent(h.severe.share)}</dd>
          <dd className="sub">{t("common.count", { n: num(h.severe.count) })}</dd>
        </div>
        <div className="figure">
          <dt>{t("dashboard.policeOrLawyer")}</dt>
          <dd>{percent(h.policeOrLawyer.share)}</dd>
          <dd className="sub">{t("common.count", { n: num(h.policeOrLawyer.count) })}</dd>
        </div>
        <div className="figure">
          <dt>{t("dashboard.medianDuration")}</dt>
          <dd>{h.medianDurationMin === null ? "—" : t("common.minutes", { n: h.medianDurationMin })}</dd>
        </div>
        <div className="figure">
          <dt>{t("dashboard.repeatContacts")}</dt>
          <dd>{percent(h.repeatContacts.share)}</dd>
          <dd className="sub">{t("common.count", { n: num(h.repeatContacts.count) })}</dd>
        </div>
          </>
        )}
      </dl>

      {empty ? (
        <p className="empty">{t("dashboard.empty")}</p>
      ) : (
        <>
          <TrendChart trend={data.trend} switchLinks={executive ? undefined : stackLinks} csvHref={csvOf("trend")} />
          {executive && !executive.breakdowns ? (
            <p className="hint">{t("dashboard.executiveTotalsOnly")}</p>
          ) : (
            <>
          <div className="dashboard-grid">
            <BreakdownChart breakdown={data.behaviour} colorKind="behaviour" csvHref={csvOf("behaviour")} />
            <BreakdownChart breakdown={data.client} colorKind="client" csvHref={csvOf("client")} />
            <BreakdownChart breakdown={data.outcome} colorKind="outcome" csvHref={csvOf("outcome")} />
            <BreakdownChart breakdown={data.channel} colorKind="channel" csvHref={csvOf("channel")} />
            <BreakdownChart breakdown={data.department} colorKind="department" csvHref={csvOf("department")} />
            <BreakdownChart breakdown={data.severity} colorKind="severity" csvHref={csvOf("severity")} />
          </div>
          {data.heatmap ? <HeatmapGrid heatmap={data.heatmap} csvHref={csvOf("heatmap")} /> : null}

          <section className="chart-card" aria-labelledby="adherence-title">
            <h2 id="adherence-title">{t("dashboard.adherence")}</h2>
            <table className="grid-table">
              <thead>
                <tr>
                  <th scope="col">{t("dashboard.step")}</th>
                  <th scope="col" className="num">
                    {t("dashboard.rate")}
                  </th>
                  <th scope="col" className="num">
                    {t("dashboard.met")}
                  </th>
                  <th scope="col" className="num">
                    {t("dashboard.applicable")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.adherence.map((a) => (
                  <tr key={a.step}>
                    <th scope="row">{t(`dashboard.step.${a.step}`)}</th>
                    <td className="num">{percent(a.rate)}</td>
                    <td className="num">{num(a.met)}</td>
                    <td className="num">{num(a.applicable)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="hint">{t("dashboard.adherenceNote")}</p>
          </section>
            </>
          )}
        </>
      )}

      {overdue ? (
        <section className="chart-card" aria-labelledby="overdue-title">
          <h2 id="overdue-title">{t("dashboard.overdueActions")}</h2>
          {overdue.length === 0 ? (
            <p className="muted">{t("dashboard.noOverdue")}</p>
          ) : (
            <table className="grid-table">
              <thead>
                <tr>
                  <th scope="col">{t("incidentReport.due")}</th>
                  <th scope="col">{t("field.ref")}</th>
                  <th scope="col">{t("incidentReport.action")}</th>
                  <th scope="col">{t("incidentReport.owner")}</th>
                </tr>
              </thead>
              <tbody>
                {overdue.map((o, i) => (
                  <tr key={i}>
                    <td className="nowrap">{o.due}</td>
                    <td className="nowrap">
                      <Link to={`/incidents/${o.incidentId}/report`}>{o.ref ?? `#${o.incidentId}`}</Link>
                    </td>
                    <td>{o.action}</td>
                    <td>{o.owner}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}

{executive ? null : (
      <section className="chart-card" aria-labelledby="repeat-title">
        <h2 id="repeat-title">{t("dashboard.repeatOffenders")}</h2>
        <p className="hint">{t("dashboard.repeatNote")}</p>
        {data.repeatOffenders.length === 0 ? (
          <p className="muted">{t("dashboard.noRepeat")}</p>
        ) : (
          <table className="grid-table">
            <thead>
              <tr>
                <th scope="col">{t("field.client")}</th>
                <th scope="col" className="num">
                  {t("dashboard.incidents12")}
                </th>
                {data.suppressed ? null : <th scope="col">{t("dashboard.lastIncident")}</th>}
                <th scope="col">{t("dashboard.worstSeverity")}</th>
                <th scope="col">{t("dashboard.strongest")}</th>
              </tr>
            </thead>
            <tbody>
              {data.repeatOffenders.slice(0, REPEAT_ROWS).map((r, i) => (
                <tr key={i}>
                  <td>{r.client ? r.href ? <Link to={r.href}>{r.client}</Link> : r.client : `${t("dashboard.clientRank")} ${i + 1}`}</td>
                  <td className="num">{num(r.count)}</td>
                  {data.suppressed ? null : <td className="nowrap">{r.lastIncident}</td>}
                  <td>{r.worstSeverity ?? t("common.unknown")}</td>
                  <td>{t(`dashboard.strongest.${r.strongest}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data.repeatOffenders.length > REPEAT_ROWS ? (
          <p className="hint">{t("dashboard.repeatMore", { n: data.repeatOffenders.length - REPEAT_ROWS })}</p>
        ) : null}
      </section>
)}
    </div>
  );
}
