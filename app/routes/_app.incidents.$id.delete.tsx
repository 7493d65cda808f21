import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { getDb } from "~/modules/db.server";
import { useT } from "~/i18n/use-t";
import type { PageHandle } from "~/root";
import { fail } from "~/modules/http.server";
import { actorOf } from "~/modules/auth/guard.server";
import { loadIncidentFor } from "~/modules/incidents/access.server";
import { displayDateTime } from "~/modules/incidents/dates";
import { deleteIncident } from "~/modules/incidents/mutations.server";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "delete.title" };

/** Deleting asks first: this page is the confirmation, and only its POST deletes. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { id, incident } = await loadIncidentFor(request, params.id, "incidents.delete");
  return { id, ref: incident.ref, occurredAt: incident.occurred_at, client: incident.client, messages: messages(request, ["incident"]) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, id } = await loadIncidentFor(request, params.id, "incidents.delete");
  if (!deleteIncident(getDb(), id, actorOf(user, context))) fail(404, "error.incidentNotFound");
  return redirect("/incidents?flash=deleted");
}

export default function DeleteIncident() {
  const { id, ref, occurredAt, client } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <section className="confirm">
      <h1>{t("delete.title")}</h1>
      <p>
        #{id} {ref ?? t("detail.noRef")} / {displayDateTime(occurredAt)} {client ? `/ ${client}` : ""}
      </p>
      <p className="warning">{t("delete.confirm")}</p>
      <Form method="post" className="form-actions">
        <button type="submit" className="danger">
          {t("delete.submit")}
        </button>
        <Link to={`/incidents/${id}`} className="button">
          {t("common.cancel")}
        </Link>
      </Form>
    </section>
  );
}
