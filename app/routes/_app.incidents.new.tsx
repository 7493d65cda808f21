import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import type { PageHandle } from "~/root";
import { useLoaderData } from "@remix-run/react";
import { useFormReply } from "~/components/ui/form-reply";
import { dispatchSoon } from "~/modules/notifications/mail.server";
import { getDb } from "~/modules/db.server";
import { IncidentForm } from "~/components/incidents/IncidentForm";
import { useT } from "~/i18n/use-t";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { formChoices, submitIncidentForm } from "~/modules/incidents/form-actions.server";
import { EMPTY_FORM, type FormValues } from "~/modules/incidents/form-values";
import { createIncident } from "~/modules/incidents/mutations.server";
import { invalidForm, readForm } from "~/modules/http.server";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "form.newTitle" };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, "incidents.write");
  return { ...formChoices(getDb(), user), messages: messages(request, ["field", "incidentForm"]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "incidents.write");
  const db = getDb();
  const result = submitIncidentForm(await readForm(request), user, (input, today) =>
    createIncident(db, input, { today, actor: actorOf(user, context), departments: "listed" }),
  );
  if (!result.ok) return invalidForm(result.errors, result.values);
  // Committed: the supervisors' mails go out in the background, never in the way of this answer.
  void dispatchSoon(db);
  return redirect(`/incidents/${result.value}?flash=created`);
}

export default function NewIncident() {
  const { departments, clients, lockedDepartment } = useLoaderData<typeof loader>();
  const failed = useFormReply<FormValues>();
  const { t } = useT();
  return (
    <>
      <h1>{t("form.newTitle")}</h1>
      <IncidentForm
        values={failed?.values ?? EMPTY_FORM}
        errors={failed?.fieldErrors}
        departments={departments}
        clients={clients}
        lockedDepartment={lockedDepartment}
        cancelTo="/incidents"
      />
    </>
  );
}
