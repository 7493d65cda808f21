import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { SelectField, TextField } from "~/components/ui/fields";
import { langFromCookie, messages } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import { getDb } from "~/modules/db.server";
import { formStrings } from "~/modules/forms";
import { formError, invalidForm, readForm, replyWithError } from "~/modules/http.server";
import { displayInstant, todayInTokyo } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/settings/settings.server";
import { createSchedule, listSchedules, periodContaining, stopSchedule, validateSchedule } from "~/modules/reports/schedules.server";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "schedules.title" };

const FIELDS = ["frequency", "audience", "startsWith"] as const;
type Field = (typeof FIELDS)[number];

/** The schedules of the scheduled reports (issue 20): HR may look, admins add and stop. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, "reports.hr");
  const db = getDb();
  const lang = langFromCookie(request.headers.get("Cookie"));
  const fsm = getSettings(db).fiscalYearStartMonth;
  const today = todayInTokyo();
  return {
    manage: can(user, "settings.manage"),
    schedules: listSchedules(db, lang),
    // A suggestion for the form: the quarter in progress, issued once it ends.
    suggestion: periodContaining("quarterly", today, fsm),
    messages: messages(request, ["schedules", "reports", "report"]),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "settings.manage");
  const form = await readForm(request);
  const actor = actorOf(user, context);
  const db = getDb();
  if (form.get("intent") === "stop") {
    const idText = String(form.get("id") ?? "");
    const id = /^[1-9]\d{0,14}$/.test(idText) ? Number(idText) : null;
    if (id === null) return formError(404, { key: "schedules.notFound" });
    try {
      stopSchedule(db, id, actor);
    } catch (e) {
      return replyWithError(e);
    }
    return { kind: "stopped" as const, id };
  }
  const values = formStrings(form, FIELDS);
  const checked = validateSchedule(db, values);
  if (!checked.ok) {
    const errors = Object.fromEntries(Object.entries(checked.errors).map(([f, key]) => [f, { key }]));
    return invalidForm(errors, values, { key: "schedules.errors.summary" });
  }
  const id = createSchedule(db, checked.value, actor);
  return { kind: "created" as const, id };
}

export default function Schedules() {
  const { manage, schedules, suggestion } = useLoaderData<typeof loader>();
  const { done: result, failed } = useActionResult<typeof action, Record<Field, string>>();
  const invalid = failed && Object.keys(failed.fieldErrors).length ? failed : null;
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const value = (f: Field, fallback = "") => invalid?.values?.[f] ?? fallback;
  const err = (f: Field) => invalid?.fieldError(f);
  return (
    <section>
      <p className="no-print">
        <Link to="/reports">← {t("schedules.back")}</Link>
      </p>
      <h1>{t("schedules.title")}</h1>
      <p className="muted">{t("schedules.intro")}</p>
      {result?.kind === "created" ? (
        <p className="flash" role="status">
          {t("schedules.added")}
        </p>
      ) : null}
      {result?.kind === "stopped" ? (
        <p className="flash" role="status">
          {t("schedules.stoppedFlash")}
        </p>
      ) : null}
      {failed && !invalid ? (
        <p className="error-summary" role="alert">
          {failed.summary}
        </p>
      ) : null}

      <h2>{t("schedules.list")}</h2>
      {schedules.length === 0 ? (
        <p className="muted">{t("schedules.empty")}</p>
      ) : (
        <div className="table-scroll">
          <table className="grid-table">
            <thead>
              <tr>
                <th scope="col">{t("schedules.frequency")}</th>
                <th scope="col">{t("schedules.audience")}</th>
                <th scope="col">{t("schedules.status")}</th>
                <th scope="col">{t("schedules.last")}</th>
                <th scope="col">{t("schedules.next")}</th>
                <th scope="col">{t("schedules.issued")}</th>
                {manage ? (
                  <th scope="col">
                    <span className="muted">{t("schedules.actions")}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {schedules.map((s) => (
                <tr key={s.id}>
                  <td>
                    {t(`schedules.frequency.${s.frequency}`)}
                    <br />
                    <small className="muted">
                      {t("schedules.startsWith")}: {s.startsWithLabel}
                    </small>
                  </td>
                  <td>{t(`schedules.audience.${s.audience}`)}</td>
                  <td className="nowrap">{s.stoppedAt ? t("schedules.stopped", { at: displayInstant(s.stoppedAt) }) : t("schedules.active")}</td>
                  <td>{s.last ? s.last.label : t("schedules.none")}</td>
                  <td>{s.next ? t("schedules.nextDue", { period: s.next.label, due: s.next.dueOn }) : t("schedules.none")}</td>
                  <td>
                    {s.issuances.length === 0 ? (
                      t("schedules.none")
                    ) : (
                      <ul className="issuance-list">
                        {s.issuances.map((i) => (
                          <li key={i.issuedReportId}>
                            <Link to={`/reports/issued/${i.issuedReportId}`}>{i.label}</Link>{" "}
                            <small className="muted nowrap">{displayInstant(i.issuedAt)}</small>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  {manage ? (
                    <td>
                      {s.stoppedAt ? null : (
                        <Form
                          method="post"
                          onSubmit={(e) => {
                            if (!window.confirm(t("schedules.stopConfirm"))) e.preventDefault();
                          }}
                        >
                          <input type="hidden" name="id" value={s.id} />
                          <button type="submit" name="intent" value="stop" className="danger small" disabled={busy}>
                            {t("schedules.stop")}
                          </button>
                        </Form>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {manage ? (
        <>
          <h2>{t("schedules.add")}</h2>
          <Form method="post" className="card stack" noValidate key={result?.kind === "created" ? `created-${result.id}` : "add"}>
            {invalid ? (
              <p className="error-summary" role="alert">
                {invalid.summary}
              </p>
            ) : null}
            <div className="grid">
              <SelectField
                name="frequency"
                label={t("schedules.frequency")}
                value={value("frequency", "quarterly")}
                error={err("frequency")}
                required
                options={(["monthly", "quarterly", "fiscal_year"] as const).map((f) => ({ value: f, label: t(`schedules.frequency.${f}`) }))}
              />
              <SelectField
                name="audience"
                label={t("schedules.audience")}
                value={value("audience", "hr")}
                error={err("audience")}
                required
                options={(["hr", "executive"] as const).map((a) => ({ value: a, label: t(`schedules.audience.${a}`) }))}
              />
              <TextField
                name="startsWith"
                label={t("schedules.startsWith")}
                value={value("startsWith", suggestion)}
                error={err("startsWith")}
                hint={t("schedules.startsWithHint")}
                required
              />
            </div>
            <div className="form-actions">
              <button type="submit" name="intent" value="create" className="primary" disabled={busy}>
                {t("schedules.addSubmit")}
              </button>
            </div>
          </Form>
        </>
      ) : (
        <p className="muted">{t("schedules.readOnly")}</p>
      )}
    </section>
  );
}
