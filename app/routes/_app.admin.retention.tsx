import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { todayInTokyo } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/settings/settings.server";
import { erasePersonalData, erasureCandidates, retentionCutoff } from "~/modules/retention/retention.server";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "retention.title" };
const SHOWN = 100;

/** The dry run: what erasing now would touch, listed before anything is erased. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "settings.manage");
  const db = getDb();
  const years = getSettings(db).retentionYears;
  const today = todayInTokyo();
  if (years === null) return { years, cutoff: null, total: 0, shown: [], messages: messages(request, ["retention", "field"]) };
  const candidates = erasureCandidates(db, today, years);
  return { years, cutoff: retentionCutoff(today, years), total: candidates.length, shown: candidates.slice(0, SHOWN), messages: messages(request, ["retention", "field"]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "settings.manage");
  const db = getDb();
  const years = getSettings(db).retentionYears;
  if (years === null) return { erased: { incidents: 0, clients: 0 } };
  return { erased: erasePersonalData(db, todayInTokyo(), years, actorOf(user, context)) };
}

export default function Retention() {
  const { years, cutoff, total, shown } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  return (
    <section>
      <h1>{t("retention.title")}</h1>
      <p className="lead">{t("retention.intro")}</p>
      {result ? (
        <p className="flash" role="status">
          {t("retention.done", { n: result.erased.incidents, c: result.erased.clients })}
        </p>
      ) : null}
      {years === null ? (
        <p className="notice">
          {t("retention.off")} <Link to="/admin/settings">{t("nav.settings")}</Link>
        </p>
      ) : (
        <>
          <p>
            {t("retention.rule", { years, cutoff: cutoff ?? "" })} <Link to="/admin/settings">{t("nav.settings")}</Link>
          </p>
          <h2>{t("retention.dryRun", { n: total })}</h2>
          {total === 0 ? (
            <p className="muted">{t("retention.none")}</p>
          ) : (
            <>
              <table className="grid-table">
                <thead>
                  <tr>
                    <th scope="col">{t("field.ref")}</th>
                    <th scope="col">{t("field.closed_at")}</th>
                    <th scope="col">{t("retention.fields")}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <Link to={`/incidents/${c.id}`}>{c.ref ?? `#${c.id}`}</Link>
                      </td>
                      <td className="nowrap">{c.closedAt}</td>
                      <td>{c.fields.map((f) => t(`retention.field.${f}`)).join("、")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {total > shown.length ? <p className="hint">{t("retention.more", { n: total - shown.length })}</p> : null}
              <Form method="post" className="card">
                <p className="warning">{t("retention.warning")}</p>
                <button type="submit" className="danger">
                  {t("retention.erase", { n: total })}
                </button>
              </Form>
            </>
          )}
        </>
      )}
    </section>
  );
}
