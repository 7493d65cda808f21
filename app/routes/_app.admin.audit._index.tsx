import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Pager } from "~/components/ui/Pager";
import { TableHead } from "~/components/ui/TableHead";
import { FilterActions } from "~/components/ui/FilterActions";
import { CsvDownload } from "~/components/ui/CsvDownload";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { AUDIT_ACTION_NAMES } from "~/modules/auth/audit-actions";
import { auditQueryToSearch, parseAuditQuery } from "~/modules/auth/audit-filters";
import { auditDetailPairs } from "~/modules/auth/audit-detail";
import { AUDIT_PAGE_SIZE, listAudit } from "~/modules/auth/audit.server";
import { requireUser } from "~/modules/auth/guard.server";
import { listUsers } from "~/modules/auth/users.server";
import { displayInstant } from "~/modules/incidents/dates";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "audit.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "audit.read");
  const db = getDb();
  const query = parseAuditQuery(new URL(request.url).searchParams);
  const { page, ...filters } = query;
  const { entries, total } = listAudit(db, filters, page);
  return { query, entries, total, actors: listUsers(db).map((u) => u.email), pageSize: AUDIT_PAGE_SIZE, messages: messages(request, ["audit", "list", "incident"]) };
}

function targetLink(type: string | null, id: string | null): string | null {
  if (!type || !id) return null;
  if (type === "incident") return `/incidents/${id}`;
  if (type === "user") return `/admin/users/${id}`;
  if (type === "measure") return `/measures/${id}`;
  if (type === "consultation") return `/consultations/${id}`;
  if (type === "department") return "/admin/departments";
  if (type === "report_schedule") return "/reports/schedules";
  return null;
}

/** The detail as label: value pairs (audit-detail.ts): translated keys where known, identifiers as recorded. */
function AuditDetail({ detail }: { detail: string | null }) {
  const { t } = useT();
  const pairs = auditDetailPairs(detail);
  if (!pairs.length) return null;
  return (
    <dl className="audit-detail">
      {pairs.map((p, i) => (
        <div key={`${p.key}-${i}`} className="audit-detail-pair">
          <dt>{p.label ? t(p.label) : p.key || t("audit.detail")}</dt>
          <dd>{p.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export default function AuditLog() {
  const { query, entries, total, actors, pageSize } = useLoaderData<typeof loader>();
  const { t } = useT();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const search = auditQueryToSearch({ ...query, page: 1 });
  return (
    <section>
      <div className="list-header">
        <h1>{t("audit.title")}</h1>
        <CsvDownload href={`/admin/audit.csv${search}`} label={t("audit.export")} linkClassName="button" />
      </div>
      <p className="muted">{t("audit.intro")}</p>
      <Form method="get" className="filters" key={search} aria-label={t("list.filters")}>
        <div className="filter">
          <label htmlFor="a-actor">{t("audit.actor")}</label>
          <input id="a-actor" name="actor" list="audit-actors" defaultValue={query.actor ?? ""} aria-describedby="a-actor-hint" title={t("audit.actorHint")} />
          <span id="a-actor-hint" className="visually-hidden">
            {t("audit.actorHint")}
          </span>
          <datalist id="audit-actors">
            {actors.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div className="filter">
          <label htmlFor="a-action">{t("audit.action")}</label>
          <select id="a-action" name="action" defaultValue={query.action ?? ""}>
            <option value="">{t("common.all")}</option>
            {AUDIT_ACTION_NAMES.map((a) => (
              <option key={a} value={a}>
                {t(`audit.action.${a}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="a-from">{t("audit.from")}</label>
          <input id="a-from" name="from" type="date" defaultValue={query.from ?? ""} />
        </div>
        <div className="filter">
          <label htmlFor="a-to">{t("audit.to")}</label>
          <input id="a-to" name="to" type="date" defaultValue={query.to ?? ""} />
        </div>
        {query.targetType ? <input type="hidden" name="targetType" value={query.targetType} /> : null}
        {query.targetId ? <input type="hidden" name="targetId" value={query.targetId} /> : null}
        <FilterActions clearTo="/admin/audit" />
      </Form>
      <p className="count">{t("audit.count", { n: total.toLocaleString() })}</p>
      {entries.length === 0 ? (
        <p className="empty">{t("audit.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="grid-table audit">
            <TableHead labels={[t("audit.at"), t("audit.actor"), t("audit.action"), t("audit.target"), t("audit.detail"), t("audit.ip")]} />
            <tbody>
              {entries.map((e) => {
                const link = targetLink(e.targetType, e.targetId);
                const target = e.targetType ? `${t(`audit.target.${e.targetType as "incident"}`)} ${e.targetId ?? ""}` : "";
                return (
                  <tr key={e.id} className={e.action === "auth.sign_in_failed" || e.action === "auth.locked" ? "warn" : undefined}>
                    <td className="nowrap">{displayInstant(e.at)}</td>
                    <td>{e.actor}</td>
                    <td className="nowrap">{t(`audit.action.${e.action as (typeof AUDIT_ACTION_NAMES)[number]}`)}</td>
                    <td className="nowrap">{link ? <Link to={link}>{target}</Link> : target}</td>
                    <td className="detail">
                      <AuditDetail detail={e.detail} />
                    </td>
                    <td className="nowrap">{e.ip ?? ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={query.page} pages={pages} linkTo={(n) => `/admin/audit${auditQueryToSearch({ ...query, page: n })}`} />
    </section>
  );
}
