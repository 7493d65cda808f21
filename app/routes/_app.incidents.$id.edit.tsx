import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useFormReply } from "~/components/ui/form-reply";
import { ConflictPanel, revalidateAfterConflict } from "~/components/ui/ConflictPanel";
import { getDb } from "~/modules/db.server";
import { audit } from "~/modules/auth/audit.server";
import { IncidentForm } from "~/components/incidents/IncidentForm";
import { useT } from "~/i18n/use-t";
import type { PageHandle } from "~/root";
import { actorOf } from "~/modules/auth/guard.server";
import { formVersion } from "~/modules/concurrency";
import { loadIncidentFor } from "~/modules/incidents/access.server";
import { formChoices, submitIncidentEdit } from "~/modules/incidents/form-actions.server";
import { showFormValue, toFormValues, type FormValues } from "~/modules/incidents/form-values";
import type { IncidentField } from "~/modules/incidents/schema";
import { failedSave, readForm } from "~/modules/http.server";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "form.editTitle" };
export const shouldRevalidate = revalidateAfterConflict;

/** The form shows the incident's personal detail, so opening it is audited like the detail page (issue 18). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, id, incident } = await loadIncidentFor(request, params.id, "incidents.write");
  audit(getDb(), actorOf(user, context), "incident.viewed", { type: "incident", id }, { page: "edit" });
  return {
    id,
    version: incident.version,
    values: toFormValues(incident),
    ...formChoices(getDb(), user, incident.departmentId),
    messages: messages(request, ["field", "incidentForm", "concurrency"]),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, id, incident } = await loadIncidentFor(request, params.id, "incidents.write");
  const form = await readForm(request);
  const result = submitIncidentEdit(getDb(), form, user, incident, actorOf(user, context));
  if (result.ok) return redirect(`/incidents/${id}?flash=updated`);
  return failedSave(form, result);
}

export default function EditIncident() {
  const { id, version, values, departments, clients, lockedDepartment } = useLoaderData<typeof loader>();
  const failed = useFormReply<FormValues>();
  const { t, lang } = useT();
  const shownVersion = formVersion(version, failed);
  return (
    <>
      <h1>
        {t("form.editTitle")} <small>#{id}</small>
      </h1>
      <ConflictPanel
        conflict={failed?.conflict}
        label={(f) => (f === "closed_date_unknown" ? t("form.closedDateUnknown") : t(`field.${f as IncidentField}`))}
        show={(f, v) => showFormValue(f, v, lang, t)}
        reloadTo={`/incidents/${id}/edit`}
      />
      <IncidentForm
        key={shownVersion}
        version={shownVersion}
        values={failed?.values ?? values}
        errors={failed?.fieldErrors}
        departments={departments}
        clients={clients}
        lockedDepartment={lockedDepartment}
        cancelTo={`/incidents/${id}`}
      />
    </>
  );
}
