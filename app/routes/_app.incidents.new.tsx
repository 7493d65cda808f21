import { data, redirect, type ActionFunctionArgs } from "@remix-run/node";
import type { PageHandle } from "~/root";
import { useActionData, useLoaderData } from "@remix-run/react";
import { getDb } from "~/modules/db.server";
import { IncidentForm } from "~/components/incidents/IncidentForm";
import { useT } from "~/i18n/use-t";
import { formChoices, submitIncidentForm } from "~/modules/incidents/form-actions.server";
import { EMPTY_FORM } from "~/modules/incidents/form-values";
import { createIncident } from "~/modules/incidents/mutations.server";

export const handle: PageHandle = { titleKey: "form.newTitle" };

export async function loader() {
  return formChoices(getDb());
}

export async function action({ request }: ActionFunctionArgs) {
  const db = getDb();
  const result = submitIncidentForm(await request.formData(), (input, today) => createIncident(db, input, { today }));
  if (!result.ok) return data({ errors: result.errors, values: result.values }, { status: 422 });
  return redirect(`/incidents/${result.value}?flash=created`);
}

export default function NewIncident() {
  const { departments, clients } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const { t } = useT();
  return (
    <>
      <h1>{t("form.newTitle")}</h1>
      <IncidentForm
        values={failed?.values ?? EMPTY_FORM}
        errors={failed?.errors}
        departments={departments}
        clients={clients}
        cancelTo="/incidents"
      />
    </>
  );
}
