import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { TextArea, TextField } from "~/components/ui/fields";
import { useT } from "~/i18n/use-t";
import { percent } from "~/modules/format";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { formStrings } from "~/modules/forms";
import { getDb } from "~/modules/db.server";
import { formError, invalidForm, readForm } from "~/modules/http.server";
import { todayInTokyo } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/settings/settings.server";
import {
  coverage, TRAINING_FIELDS, TRAINING_NOTES_MAX, TRAINING_TITLE_MAX, totalsByFiscalYear, type TrainingField,
} from "~/modules/registers/schema";
import { addTrainingForm, deleteTraining, listTraining } from "~/modules/registers/training.server";
import { parsePeriod, periodLabel } from "~/modules/reports/periods";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";
import { DraftKeeper } from "~/components/forms/DraftKeeper";

export const handle: PageHandle = { titleKey: "registers.training.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "registers.manage");
  const db = getDb();
  const sessions = listTraining(db);
  const fiscalStartMonth = getSettings(db).fiscalYearStartMonth;
  return { today: todayInTokyo(), fiscalStartMonth, sessions, totals: totalsByFiscalYear(sessions, fiscalStartMonth), messages: messages(request, ["registers", "auth", "incidentForm"]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "registers.manage");
  const form = await readForm(request);
  const actor = actorOf(user, context);
  if (form.get("intent") === "delete") {
    const idText = String(form.get("id") ?? "");
    const id = /^[1-9]\d{0,14}$/.test(idText) ? Number(idText) : null;
    if (id === null || !deleteTraining(getDb(), id, actor)) return formError(404, { key: "registers.training.missing" });
    return { kind: "deleted" as const, id };
  }
  const result = addTrainingForm(getDb(), formStrings(form, TRAINING_FIELDS), todayInTokyo(), actor);
  if (!result.ok) return invalidForm(result.errors, result.values, { key: "registers.errors.summary" });
  return { kind: "created" as const, id: result.id };
}

export default function TrainingPage() {
  const { sessions, totals, today, fiscalStartMonth } = useLoaderData<typeof loader>();
  const { done: result, failed } = useActionResult<typeof action, Record<TrainingField, string>>();
  // A form with field errors shows its summary above itself; without (a session deleted meanwhile), atop the page.
  const invalid = failed && Object.keys(failed.fieldErrors).length ? failed : null;
  const busy = useNavigation().state === "submitting";
  const { t, lang } = useT();
  const value = (f: TrainingField) => invalid?.values?.[f] ?? "";
  const err = (f: TrainingField) => invalid?.fieldError(f);
  const fyLabel = (fy: number) => {
    const p = parsePeriod(`FY${fy}`, fiscalStartMonth);
    return p ? periodLabel(p, lang) : String(fy);
  };
  return (
    <section>
      <h1>{t("registers.training.title")}</h1>
      <p className="muted">{t("registers.training.intro")}</p>
      {result?.kind === "created" ? (
        <p className="flash" role="status">
          {t("registers.training.added")}
        </p>
      ) : null}
      {result?.kind === "deleted" ? (
        <p className="flash" role="status">
          {t("registers.training.deleted")}
        </p>
      ) : null}
      {failed && !invalid ? (
        <p className="error-summary" role="alert">
          {failed.summary}
        </p>
      ) : null}

      {totals.length === 0 ? null : (
        <>
          <h2>{t("registers.training.totals")}</h2>
          <table className="grid-table compact">
            <thead>
              <tr>
                <th scope="col">{t("registers.training.fiscalYear")}</th>
                <th scope="col">{t("registers.training.sessions")}</th>
                <th scope="col">{t("registers.training.attendees")}</th>
                <th scope="col">{t("registers.training.invited")}</th>
                <th scope="col">{t("registers.training.coverage")}</th>
              </tr>
            </thead>
            <tbody>
              {totals.map((y) => (
                <tr key={y.fiscalYear}>
                  <th scope="row">{fyLabel(y.fiscalYear)}</th>
                  <td className="num">{y.sessions}</td>
                  <td className="num">{y.attendees}</td>
                  <td className="num">{y.invited}</td>
                  <td className="num">{percent(y.coverage)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <h2>{t("registers.training.list")}</h2>
      {sessions.length === 0 ? (
        <p className="muted">{t("registers.training.empty")}</p>
      ) : (
        <table className="grid-table">
          <thead>
            <tr>
              <th scope="col">{t("registers.training.heldOn")}</th>
              <th scope="col">{t("registers.training.name")}</th>
              <th scope="col">{t("registers.training.attendeesOfInvited")}</th>
              <th scope="col">{t("registers.training.coverage")}</th>
              <th scope="col">
                <span className="muted">{t("registers.training.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td className="nowrap">{s.heldOn}</td>
                <td>
                  {s.title}
                  {s.notes ? (
                    <>
                      <br />
                      <small className="muted prose">{s.notes}</small>
                    </>
                  ) : null}
                </td>
                <td className="num">
                  {s.attendees} / {s.invited}
                </td>
                <td className="num">{percent(coverage(s.attendees, s.invited))}</td>
                <td>
                  <Form
                    method="post"
                    onSubmit={(e) => {
                      if (!window.confirm(t("registers.training.deleteConfirm", { title: s.title, date: s.heldOn }))) e.preventDefault();
                    }}
                  >
                    <input type="hidden" name="id" value={s.id} />
                    <button type="submit" name="intent" value="delete" className="danger small" disabled={busy}>
                      {t("common.delete")}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t("registers.training.add")}</h2>
      <Form method="post" className="card stack" noValidate key={result?.kind === "created" ? `created-${result.id}` : "add"}>
        <DraftKeeper />
        {invalid ? (
          <p className="error-summary" role="alert">
            {invalid.summary}
          </p>
        ) : null}
        <div className="grid">
          <TextField
            name="heldOn"
            type="date"
            max={today}
            label={t("registers.training.heldOn")}
            value={value("heldOn")}
            error={err("heldOn")}
            required
            requiredLabel={t("form.required")}
          />
          <TextField
            name="attendees"
            type="number"
            min={0}
            inputMode="numeric"
            label={t("registers.training.attendees")}
            value={value("attendees")}
            error={err("attendees")}
            required
            requiredLabel={t("form.required")}
          />
          <TextField
            name="invited"
            type="number"
            min={0}
            inputMode="numeric"
            label={t("registers.training.invited")}
            value={value("invited")}
            error={err("invited")}
            required
            requiredLabel={t("form.required")}
            hint={t("registers.training.invitedHint")}
          />
        </div>
        <TextField
          name="title"
          maxLength={TRAINING_TITLE_MAX}
          label={t("registers.training.name")}
          value={value("title")}
          error={err("title")}
          required
          requiredLabel={t("form.required")}
        />
        <TextArea
          name="notes"
          rows={3}
          maxLength={TRAINING_NOTES_MAX}
          label={t("registers.training.notes")}
          value={value("notes")}
          error={err("notes")}
          hint={t("registers.training.notesHint", { n: TRAINING_NOTES_MAX })}
        />
        <div className="form-actions">
          <button type="submit" name="intent" value="create" className="primary" disabled={busy}>
            {t("registers.training.addSubmit")}
          </button>
        </div>
      </Form>
    </section>
  );
}
