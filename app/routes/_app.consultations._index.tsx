import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Pager } from "~/components/ui/Pager";
import { PeriodInput } from "~/components/ui/PeriodInput";
import { FilterActions } from "~/components/ui/FilterActions";
import { useT } from "~/i18n/use-t";
import { percent } from "~/modules/format";
import { requireUser } from "~/modules/auth/guard.server";
import { consultationMetrics, listConsultations } from "~/modules/consultations/consultations.server";
import {
  CONSULTATION_ROUTES, consultationQueryToSearch, parseConsultationQuery, routeLabel,
} from "~/modules/consultations/schema";
import { getDb } from "~/modules/db.server";
import { daysBetween, todayInTokyo } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/settings/settings.server";
import { parsePeriod, periodChoices, periodLabel } from "~/modules/reports/periods";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "consultations.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "consultations.manage");
  const db = getDb();
  const url = new URL(request.url);
  const { fiscalYearStartMonth } = getSettings(db);
  const query = parseConsultationQuery(url.searchParams, fiscalYearStartMonth);
  const list = listConsultations(db, query);
  return {
    messages: messages(request, ["consultations", "list"]),
    query: { ...query, page: list.page },
    raw: { period: url.searchParams.get("period") ?? "", search: url.search },
    list,
    // The period's figures as the compliance report shows them (every route, open or closed).
    metrics: query.period ? consultationMetrics(db, query.period.from, query.period.to) : null,
    periodKeys: periodChoices(todayInTokyo(), fiscalYearStartMonth),
    fiscalYearStartMonth,
  };
}

export default function ConsultationList() {
  const { query, raw, list, metrics, periodKeys, fiscalYearStartMonth } = useLoaderData<typeof loader>();
  const { t, lang } = useT();
  const periods = periodKeys.map((key) => {
    const p = parsePeriod(key, fiscalYearStartMonth);
    return { key, label: p ? periodLabel(p, lang) : key };
  });
  const first = list.counts.total === 0 ? 0 : (list.page - 1) * list.pageSize + 1;
  const last = Math.min(list.counts.total, list.page * list.pageSize);
  return (
    <section>
      <div className="list-header">
        <h1>{t("consultations.title")}</h1>
        <Link to="/consultations/new" className="button primary">
          {t("consultations.new")}
        </Link>
      </div>
      <p className="muted">{t("consultations.intro")}</p>
      <p className="notice">{t("consultations.pseudonymNote")}</p>

      <Form method="get" className="filters" key={raw.search} aria-label={t("list.filters")}>
        <PeriodInput id="f-period" defaultValue={raw.period} periods={periods} />
        <div className="filter">
          <label htmlFor="f-route">{t("consultations.field.route")}</label>
          <select id="f-route" name="route" defaultValue={query.route ?? ""}>
            <option value="">{t("common.all")}</option>
            {CONSULTATION_ROUTES.map((r) => (
              <option key={r.code} value={r.code}>
                {r[lang]}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="f-state">{t("consultations.col.state")}</label>
          <select id="f-state" name="state" defaultValue={query.state ?? ""}>
            <option value="">{t("common.all")}</option>
            <option value="open">{t("consultations.state.open")}</option>
            <option value="closed">{t("consultations.state.closed")}</option>
          </select>
        </div>
        <FilterActions clearTo="/consultations" />
      </Form>

      {query.invalidPeriod ? (
        <p className="field-error" role="alert">
          {t("list.invalidPeriod", { value: query.invalidPeriod })}
        </p>
      ) : null}

      {metrics && query.period ? (
        <>
          <h2>{t("consultations.metrics.title", { period: periodLabel(query.period, lang) })}</h2>
          <dl className="facts compact">
            <div>
              <dt>{t("consultations.metrics.received")}</dt>
              <dd>{t("common.count", { n: metrics.received })}</dd>
            </div>
            <div>
              <dt>{t("consultations.metrics.anonymous")}</dt>
              <dd>{t("common.count", { n: metrics.anonymous })}</dd>
            </div>
            <div>
              <dt>{t("consultations.metrics.medianDays")}</dt>
              <dd>
                {metrics.medianDaysToFirstResponse === null
                  ? "—"
                  : t("consultations.metrics.days", { n: metrics.medianDaysToFirstResponse })}{" "}
                <small className="muted">{t("consultations.metrics.respondedOf", { n: metrics.responded, of: metrics.received })}</small>
              </dd>
            </div>
            <div>
              <dt>{t("consultations.metrics.linked")}</dt>
              <dd>
                {t("common.count", { n: metrics.linkedToIncident })} ({percent(metrics.linkedShare)})
              </dd>
            </div>
            <div>
              <dt>{t("consultations.metrics.open")}</dt>
              <dd>{t("common.count", { n: metrics.open })}</dd>
            </div>
          </dl>
        </>
      ) : null}

      <p className="result-count" aria-live="polite">
        <strong>{t("list.total", { n: list.counts.total.toLocaleString(lang === "ja" ? "ja-JP" : "en-GB") })}</strong>{" "}
        <span className="muted">
          {t("consultations.countsOpenClosed", { open: list.counts.open, closed: list.counts.closed })}
          {list.counts.total > 0 ? ` ${t("list.range", { from: first, to: last })}` : ""}
        </span>
      </p>

      {list.counts.total === 0 ? (
        <p className="empty">{t("consultations.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="grid-table">
            <thead>
              <tr>
                <th scope="col">{t("consultations.field.receivedOn")}</th>
                <th scope="col">{t("consultations.field.route")}</th>
                <th scope="col">{t("consultations.field.employeeRef")}</th>
                <th scope="col">{t("consultations.col.firstResponse")}</th>
                <th scope="col">{t("consultations.col.state")}</th>
                <th scope="col">{t("consultations.col.incident")}</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((c) => (
                <tr key={c.id}>
                  <td className="nowrap">
                    <Link to={`/consultations/${c.id}`}>{c.receivedOn}</Link>
                  </td>
                  <td className="nowrap">{routeLabel(c.route, lang)}</td>
                  <td>{c.anonymous ? <span className="muted">{t("consultations.anonymousValue")}</span> : (c.employeeRef ?? "")}</td>
                  <td className="nowrap">
                    {c.firstResponseOn ? (
                      t("consultations.firstResponseAfter", { date: c.firstResponseOn, n: daysBetween(c.receivedOn, c.firstResponseOn) })
                    ) : (
                      <span className="status status-open">{t("consultations.noResponse")}</span>
                    )}
                  </td>
                  <td className="nowrap">
                    {c.closedOn ? (
                      <span className="status status-closed">{t("consultations.closedOnValue", { date: c.closedOn })}</span>
                    ) : (
                      <span className="status status-open">{t("consultations.state.open")}</span>
                    )}
                  </td>
                  <td className="nowrap">
                    {c.incident ? (
                      <Link to={`/incidents/${c.incident.id}`}>
                        {t("consultations.incidentValue", { ref: c.incident.ref ?? `#${c.incident.id}`, date: c.incident.occurredOn })}
                      </Link>
                    ) : (
                      ""
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <Pager page={list.page} pages={list.pages} linkTo={(n) => `/consultations${consultationQueryToSearch({ ...query, page: n })}`} />
    </section>
  );
}
