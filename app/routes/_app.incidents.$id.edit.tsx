import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useFormReply } from "~/components/ui/form-reply";
import { getDb } from "~/modules/db.server";
import { audit } from "~/modules/auth/audit.server";
import { IncidentForm } from "~/components/incidents/IncidentForm";
import { useT } from "~/i18n/use-t";
import type { PageHandle } from "~/root";
import { actorOf } from "~/modules/auth/guard.server";
import { loadIncidentFor } from "~/modules/incidents/access.server";
import { formChoices, submitIncidentForm } from "~/modules/incidents/form-actions.server";
import { toFormValues, type FormValues } from "~/modules/incidents/form-values";
import { updateIncident } from "~/modules/incidents/mutations.server";
import { toInput } from "~/modules/incidents/queries.server";
import { invalidForm, readForm } from "~/modules/http.server";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "form.editTitle" };

/** The form shows the incident's personal detail, so opening it is audited like the detail page (issue 18). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, id, incident } = await loadIncidentFor(request, params.id, "incidents.write");
  audit(getDb(), actorOf(user, context), "incident.viewed", { type: "incident", id }, { page: "edit" });
  return { id, values: toFormValues(incident), ...formChoices(getDb(), user, incident.departmentId), messages: messages(request, ["field", "incidentForm"]) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, id, incident } = await loadIncidentFor(request, params.id, "incidents.write");
  const db = getDb();
  const result = submitIncidentForm(await readForm(request), user, (input, today) =>
    updateIncident(db, id, input, toInput(incident), { today, actor: actorOf(user, context), departments: "listed" }),
  );
  if (!result.ok) return invalidForm(result.errors, result.values);
  return redirect(`/incidents/${id}?flash=updated`);
}

export default function EditIncident() {
  const { id, values, departments, clients, lockedDepartment } = useLoaderData<typeof loader>();
  const failed = useFormReply<FormValues>();
  const { t } = useT();
  return (
    <>
      <h1>
        {t("form.editTitle")} <small>#{id}</small>
      </h1>
      <IncidentForm
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
