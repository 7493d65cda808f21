import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "~/modules/db.server";
import { IncidentForm } from "~/components/incidents/IncidentForm";
import { useT } from "~/i18n/use-t";
import type { PageHandle } from "~/root";
import { fail, idParam } from "~/modules/http.server";
import { formChoices, submitIncidentForm } from "~/modules/incidents/form-actions.server";
import { toFormValues } from "~/modules/incidents/form-values";
import { updateIncident } from "~/modules/incidents/mutations.server";
import { getIncident, toInput } from "~/modules/incidents/queries.server";

export const handle: PageHandle = { titleKey: "form.editTitle" };

function load(idText: string | undefined) {
  const db = getDb();
  const id = idParam(idText, "error.incidentNotFound");
  const incident = getIncident(db, id);
  if (!incident) fail(404, "error.incidentNotFound");
  return { db, id, incident };
}

export async function loader({ params }: LoaderFunctionArgs) {
  const { db, id, incident } = load(params.id);
  return { id, values: toFormValues(incident), ...formChoices(db) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { db, id, incident } = load(params.id);
  const result = submitIncidentForm(await request.formData(), (input, today) =>
    updateIncident(db, id, input, toInput(incident), { today }),
  );
  if (!result.ok) return data({ errors: result.errors, values: result.values }, { status: 422 });
  return redirect(`/incidents/${id}?flash=updated`);
}

export default function EditIncident() {
  const { id, values, departments, clients } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const { t } = useT();
  return (
    <>
      <h1>
        {t("form.editTitle")} <small>#{id}</small>
      </h1>
      <IncidentForm
        values={failed?.values ?? values}
        errors={failed?.errors}
        departments={departments}
        clients={clients}
        cancelTo={`/incidents/${id}`}
      />
    </>
  );
}
