import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { EvidenceUploadForm } from "~/components/evidence/EvidenceUploadForm";
import { messages } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { BodyTooLarge, fail, FORM_OVERHEAD_BYTES, readMultipartForm } from "~/modules/http.server";
import { isAppError } from "~/modules/errors";
import { actorOf } from "~/modules/auth/guard.server";
import { addEvidenceFiles, ALLOWED_TYPES, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES, MAX_EVIDENCE_UPLOAD_BYTES } from "~/modules/evidence/evidence.server";
import { loadIncidentFor } from "~/modules/incidents/access.server";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "evidence.title" };

/**
 * Uploading evidence to an incident, one file or several (who may edit the incident may add its evidence). Added:
 * back to the incident. Refused: this page says why, file by file, with the form to try again; nothing was added.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, id } = await loadIncidentFor(request, params.id, "incidents.write");
  let form: FormData;
  try {
    form = await readMultipartForm(request, MAX_EVIDENCE_UPLOAD_BYTES + FORM_OVERHEAD_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLarge) return redirect(`/incidents/${id}?evidence=evidence.errors.tooLarge#evidence`);
    // Not a multipart body a browser would send (no boundary, malformed): the 400 page, not a 500.
    fail(400, "error.badForm");
  }
  const files = form.getAll("file").filter((f): f is File => f instanceof File && f.name !== "");
  if (files.length === 0) return redirect(`/incidents/${id}?evidence=evidence.errors.noFile#evidence`);
  try {
    await addEvidenceFiles(getDb(), id, files, actorOf(user, context));
  } catch (e) {
    if (!isAppError(e)) throw e;
    return json({ error: e.userFacing, files: Object.values(e.fieldErrors) }, { status: e.status });
  }
  return redirect(`/incidents/${id}?evidence=${files.length > 1 ? "evidence.addedMany" : "evidence.added"}#evidence`);
}

/** The upload form on a page of its own (the incident's page has it too): where a refused upload is answered. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { id } = await loadIncidentFor(request, params.id, "incidents.write");
  return {
    messages: messages(request, ["incident", "incidentReport"]),
    id,
    limits: { mb: MAX_EVIDENCE_BYTES / 1024 / 1024, types: Object.keys(ALLOWED_TYPES).join(" "), files: MAX_EVIDENCE_FILES },
  };
}

/** Why an upload was refused: each file's problem, and the form to choose the files again. */
export default function EvidenceRefused() {
  const { id: incidentId, limits } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const { t } = useT();
  return (
    <section className="detail-section evidence-refused">
      <h1>{t("evidence.title")}</h1>
      {data && "error" in data ? (
        <div className="error-summary" role="alert">
          <p>{t(data.error.key, data.error.params)}</p>
          {data.files.length ? (
            <ul>
              {data.files.map((m, i) => (
                <li key={i}>{t(m.key, m.params)}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <EvidenceUploadForm incidentId={incidentId} limits={limits} />
      <p>
        <Link to={`/incidents/${incidentId}#evidence`}>← {t("incidentReport.back")}</Link>
      </p>
    </section>
  );
}
