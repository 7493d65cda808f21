import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useFormReply } from "~/components/ui/form-reply";
import { messages } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { actorOf } from "~/modules/auth/guard.server";
import { getEvidence, removalSchema, removeEvidence } from "~/modules/evidence/evidence.server";
import { parseForm } from "~/modules/forms";
import { fail, formFailure, idParam, readForm, replyWithError } from "~/modules/http.server";
import { displayInstant } from "~/modules/incidents/dates";
import { loadIncidentFor } from "~/modules/incidents/access.server";
import { peopleNames } from "~/modules/incidents/report.server";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "evidence.removeTitle" };

/** Removing a wrong evidence file (HR, admin): this page asks why; only its POST removes. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { id } = await loadIncidentFor(request, params.id, "incidents.delete");
  const row = getEvidence(getDb(), id, idParam(params.evidenceId, "evidence.notFound"));
  if (!row) fail(404, "evidence.notFound");
  if (row.removedAt) fail(410, "evidence.gone");
  return {
    messages: messages(request, ["incident", "incidentReport"]),
    incidentId: id,
    file: { id: row.id, fileName: row.fileName, size: row.size, sha256: row.sha256, uploadedAt: row.uploadedAt, uploadedBy: peopleNames(getDb(), [row.uploadedBy], []).byEmail[row.uploadedBy] ?? row.uploadedBy },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, id } = await loadIncidentFor(request, params.id, "incidents.delete");
  const form = await readForm(request);
  const values = { reason: String(form.get("reason") ?? "") };
  const parsed = parseForm(removalSchema, values, { error: { key: "evidence.errors.reason" } });
  if (!parsed.ok) return formFailure(parsed.reply);
  try {
    removeEvidence(getDb(), id, idParam(params.evidenceId, "evidence.notFound"), parsed.data.reason, actorOf(user, context));
  } catch (e) {
    return replyWithError(e, values);
  }
  return redirect(`/incidents/${id}?evidence=evidence.removed#evidence`);
}

export default function RemoveEvidence() {
  const { incidentId, file } = useLoaderData<typeof loader>();
  const failed = useFormReply<{ reason: string }>();
  const { t } = useT();
  const error = failed?.fieldError("reason");
  return (
    <section className="confirm">
      <h1>{t("evidence.removeTitle")}</h1>
      <p>
        {file.fileName} ({file.size.toLocaleString()} B) / {displayInstant(file.uploadedAt)} {file.uploadedBy}
      </p>
      <p className="code break-all">SHA-256: {file.sha256}</p>
      <p className="warning">{t("evidence.removeHint")}</p>
      {failed?.summary && !error ? (
        <p className="error-summary" role="alert">
          {failed.summary}
        </p>
      ) : null}
      <Form method="post">
        <div className="field">
          <label htmlFor="reason">{t("evidence.removeReason")}</label>
          <textarea
            id="reason"
            name="reason"
            rows={3}
            maxLength={500}
            required
            defaultValue={failed?.values?.reason ?? ""}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "reason-error" : undefined}
          />
          {error ? (
            <p className="field-error" id="reason-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <div className="form-actions">
          <button type="submit" className="danger">
            {t("evidence.removeSubmit")}
          </button>
          <Link to={`/incidents/${incidentId}#evidence`} className="button">
            {t("common.cancel")}
          </Link>
        </div>
      </Form>
    </section>
  );
}
