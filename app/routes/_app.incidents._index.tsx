import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { getDb } from "~/modules/db.server";
import { Flash } from "~/components/ui/Flash";
import { Pager } from "~/components/ui/Pager";
import { TableHead } from "~/components/ui/TableHead";
import type { PageHandle } from "~/root";
import { useT } from "~/i18n/use-t";
import { displayDateTime, todayInTokyo } from "~/modules/incidents/dates";
import { listQueryToSearch, parseListQuery, SORTS } from "~/modules/incidents/filters";
import { optionsOf } from "~/modules/incidents/form-values";
import { getSettings, listClientNames, listDepartments, listIncidents } from "~/modules/incidents/queries.server";
import { labelOf } from "~/modules/incidents/taxonomy";
import { periodChoices } from "~/modules/reports/periods";
import { requireUser } from "~/modules/auth/guard.server";
import { can, incidentScope } from "~/modules/auth/permissions";

export const handle: PageHandle = { titleKey: "list.title" };

const LIST_COLUMNS = ["ref", "occurred_at", "department", "client", "channel", "behaviours", "severity", "determination", "status", "summary"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, "incidents.read");
  const db = getDb();
  const url = new URL(request.url);
  const { fiscalYearStartMonth } = getSettings(db);
  const query = parseListQuery(url.searchParams, fiscalYearStartMonth);
  // A supervisor's list is their department's, whatever the URL asks for.
  const scope = incidentScope(user);
  const ownDepartment = scope.kind === "department" ? scope.departmentId : null;
  if (ownDepartment !== null) query.filters.departmentId = [ownDepartment];
  const page = listIncidents(db, query);
  return {
    page,
    query: { ...query, search: url.search },
    // The raw text of each filter as typed, so the form shows exactly what is in the URL.
    raw: Object.fromEntries(url.searchParams),
    departments: ownDepartment === null ? listDepartments(db) : listDepartments(db).filter((d) => d.id === ownDepartment),
    clients: listClientNames(db, 500, ownDepartment),
    periods: periodChoices(todayInTokyo(), fiscalYearStartMonth),
    canCreate: can(user, "incidents.write"),
  };
}

export default function IncidentList() {
  const { page, query, raw, departments, clients, periods, canCreate } = useLoaderData<typeof loader>();
  const { t, lang } = useT();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === "/incidents";
  const pageLink = (n: number) => `/incidents${listQueryToSearch({ ...query, page: n })}`;
  const first = page.total === 0 ? 0 : (page.page - 1) * page.pageSize + 1;
  const last = Math.min(page.total, page.page * page.pageSize);
  const sel = (name: string, field: Parameters<typeof optionsOf>[0], label: string) => (
    <div className="filter">
      <label htmlFor={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name} defaultValue={raw[name] ?? ""}>
        <option value="">{t("common.all")}</option>
        {optionsOf(field, lang).map((o) => (
          <option key={o.value} value={o.value}>
            {field === "severity" ? `${o.value} ${o.label}` : o.label}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <>
      <Flash />
      <div className="list-header">
        <h1>{t("list.title")}</h1>
        {canCreate ? (
          <Link to="/incidents/new" className="button primary">
            {t("nav.newIncident")}
          </Link>
        ) : null}
      </div>

      {/* key: a new URL resets the uncontrolled inputs to what the URL says (back/forward, clear). */}
      <Form method="get" className="filters" key={query.search} aria-label={t("list.filters")}>
        <div className="filter period">
          <label htmlFor="f-period">{t("list.period")}</label>
          <input id="f-period" name="period" list="period-options" defaultValue={raw.period ?? ""} placeholder={t("list.periodHint")} />
        </div>
        <datalist id="period-options">
          {periods.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <div className="filter">
          <label htmlFor="f-department">{t("field.department")}</label>
          <select id="f-department" name="department" defaultValue={raw.department ?? ""}>
            <option value="">{t("common.all")}</option>
            {departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="f-client">{t("field.client")}</label>
          <input id="f-client" name="client" list="client-filter-options" defaultValue={raw.client ?? ""} />
        </div>
        <datalist id="client-filter-options">
          {clients.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        {sel("behaviour", "behaviours", t("field.behaviours"))}
        {sel("channel", "channel", t("field.channel"))}
        {sel("outcome", "outcome", t("field.outcome"))}
        {sel("severity", "severity", t("field.severity"))}
        {sel("status", "status", t("field.status"))}
        {sel("determination", "determination", t("field.determination"))}
        <div className="filter search">
          <label htmlFor="f-q">{t("list.search")}</label>
          <input id="f-q" type="search" name="q" defaultValue={raw.q ?? ""} />
        </div>
        <div className="filter">
          <label htmlFor="f-sort">{t("list.sort")}</label>
          <select id="f-sort" name="sort" defaultValue={query.sort}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`list.sort.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit" className="primary">
            {t("list.apply")}
          </button>
          <Link to="/incidents" className="button">
            {t("list.clear")}
          </Link>
        </div>
      </Form>

      {query.invalidPeriod ? (
        <p className="field-error" role="alert">
          {t("list.invalidPeriod", { value: query.invalidPeriod })}
        </p>
      ) : null}

      <p className="result-count" aria-live="polite">
        <strong>{t("list.total", { n: page.total.toLocaleString(lang === "ja" ? "ja-JP" : "en-GB") })}</strong>
        {page.total > 0 ? <span className="muted"> ({t("list.range", { from: first, to: last })})</span> : null}
      </p>

      {page.total === 0 ? (
        <p className="empty">{t("list.empty")}</p>
      ) : (
        <div className={`table-wrap${loading ? " loading" : ""}`}>
          <table className="incidents">
            <TableHead labels={LIST_COLUMNS.map((f) => t(`field.${f}`))} />
            <tbody>
              {page.rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/incidents/${r.id}`}>{r.ref ?? `#${r.id}`}</Link>
                  </td>
                  <td className="nowrap">{displayDateTime(r.occurredAt)}</td>
                  <td>{r.department ?? ""}</td>
                  <td>{r.client ?? ""}</td>
                  <td className="nowrap">{labelOf("channel", r.channel, lang)}</td>
                  <td>
                    {r.behaviours.map((b) => (
                      <span key={b} className="tag" title={labelOf("behaviours", b, lang)}>
                        {labelOf("behaviours", b, lang)}
                      </span>
                    ))}
                  </td>
                  <td className={`sev sev-${r.severity ?? "x"}`}>{r.severity ? labelOf("severity", String(r.severity), lang) : ""}</td>
                  <td className="nowrap">{labelOf("determination", r.determination, lang)}</td>
                  <td>
                    <span className={`status status-${r.status}`}>{labelOf("status", r.status, lang)}</span>
                  </td>
                  <td className="summary">{r.summary ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <Pager page={page.page} pages={page.pages} linkTo={pageLink} />
    </>
  );
}
