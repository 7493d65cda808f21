import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { ConsultationForm } from "~/components/consultations/ConsultationForm";
import { ConflictPanel, revalidateAfterConflict } from "~/components/ui/ConflictPanel";
import { useT } from "~/i18n/use-t";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { formStrings } from "~/modules/forms";
import { updateConsultationForm, viewConsultation } from "~/modules/consultations/consultations.server";
import { CONSULTATION_FIELDS, routeLabel, toFormValues, type ConsultationField, type ConsultationFormValues } from "~/modules/consultations/schema";
import { getDb } from "~/modules/db.server";
import { failedSave, fail, idParam, readForm } from "~/modules/http.server";
import { formVersion, VERSION_FIELD } from "~/modules/concurrency";
import { daysBetween, displayInstant, todayInTokyo } from "~/modules/incidents/dates";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "consultations.detailTitle" };
export const shouldRevalidate = revalidateAfterConflict;

/** Opening a consultation shows personal detail (the reference, the follow-up), so each view is audited. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "consultations.manage");
  const id = idParam(params.id, "consultations.notFound");
  const consultation = viewConsultation(getDb(), id, actorOf(user, context));
  if (!consultation) fail(404, "consultations.notFound");
  return { consultation, today: todayInTokyo(), messages: messages(request, ["consultations", "auth", "incidentForm", "concurrency"]) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "consultations.manage");
  const id = idParam(params.id, "consultations.notFound");
  const form = await readForm(request);
  const values = formStrings(form, CONSULTATION_FIELDS);
  const result = updateConsultationForm(getDb(), id, values, todayInTokyo(), actorOf(user, context), form.get(VERSION_FIELD));
  if (!result) fail(404, "consultations.notFound");
  if (!result.ok) return failedSave(form, result);
  return { changed: result.value };
}

export default function ConsultationDetail() {
  const { consultation: c, today } = useLoaderData<typeof loader>();
  const { done: saved, failed } = useActionResult<typeof action, ConsultationFormValues>();
  const [params] = useSearchParams();
  const { t, lang } = useT();
  const version = formVersion(c.version, failed);
  return (
    <section>
      <p>
        <Link to="/consultations">← {t("consultations.back")}</Link>
      </p>
      <h1>
        {t("consultations.detailTitle")} <small>#{c.id}</small>
      </h1>
      {params.get("created") && !saved && !failed ? (
        <p className="flash" role="status">
          {t("consultations.created")}
        </p>
      ) : null}
      {saved ? (
        <p className="flash" role="status">
          {saved.changed.length ? t("consultations.saved") : t("consultations.noChange")}
        </p>
      ) : null}
      <dl className="facts compact">
        <div>
          <dt>{t("consultations.field.receivedOn")}</dt>
          <dd>{c.receivedOn}</dd>
        </div>
        <div>
          <dt>{t("consultations.field.route")}</dt>
          <dd>{routeLabel(c.route, lang)}</dd>
        </div>
        <div>
          <dt>{t("consultations.field.employeeRef")}</dt>
          <dd>{c.anonymous ? t("consultations.anonymousValue") : (c.employeeRef ?? <span className="muted">{t("consultations.blank")}</span>)}</dd>
        </div>
        <div>
          <dt>{t("consultations.col.firstResponse")}</dt>
          <dd>
            {c.firstResponseOn
              ? t("consultations.firstResponseAfter", { date: c.firstResponseOn, n: daysBetween(c.receivedOn, c.firstResponseOn) })
              : <span className="status status-open">{t("consultations.noResponse")}</span>}
          </dd>
        </div>
        <div>
          <dt>{t("consultations.col.state")}</dt>
          <dd>
            {c.closedOn ? (
              <span className="status status-closed">{t("consultations.closedOnValue", { date: c.closedOn })}</span>
            ) : (
              <span className="status status-open">{t("consultations.state.open")}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t("consultations.col.incident")}</dt>
          <dd>
            {c.incident ? (
              <Link to={`/incidents/${c.incident.id}`}>
                {t("consultations.incidentValue", { ref: c.incident.ref ?? `#${c.incident.id}`, date: c.incident.occurredOn })}
              </Link>
            ) : (
              <span className="muted">{t("consultations.noIncident")}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t("consultations.recordedBy")}</dt>
          <dd>
            {t("consultations.recordedByValue", { by: c.createdBy ?? "—", at: displayInstant(c.createdAt), updated: displayInstant(c.updatedAt) })}
          </dd>
        </div>
      </dl>
      <h2>{t("consultations.edit")}</h2>
      <ConflictPanel
        conflict={failed?.conflict}
        label={(f) => t(`consultations.field.${f as ConsultationField}`)}
        show={(f, v) => (f === "route" ? routeLabel(v, lang) : f === "anonymous" ? t("common.yes") : v)}
        reloadTo={`/consultations/${c.id}`}
      />
      <ConsultationForm
        values={failed?.values ?? toFormValues(c)}
        errors={failed?.fieldErrors}
        today={today}
        submitLabel={t("common.save")}
        cancelTo="/consultations"
        formKey={String(version)}
        version={version}
      />
    </section>
  );
}
