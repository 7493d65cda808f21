import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/modules/db.server";
import { BodyTooLarge, fail, FORM_OVERHEAD_BYTES, idParam, readMultipartForm } from "~/modules/http.server";
import { AppError } from "~/modules/errors";
import { actorOf } from "~/modules/auth/guard.server";
import { addEvidence, MAX_EVIDENCE_BYTES } from "~/modules/evidence/evidence.server";
import { loadIncidentFor } from "~/modules/incidents/access.server";

/** Uploading evidence to an incident: who may edit the incident may add its evidence. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, id } = await loadIncidentFor(request, params.id, "incidents.write");
  let form: FormData;
  try {
    form = await readMultipartForm(request, MAX_EVIDENCE_BYTES + FORM_OVERHEAD_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLarge) return redirect(`/incidents/${id}?evidence=evidence.errors.tooLarge#evidence`);
    // Not a multipart body a browser would send (no boundary, malformed): the 400 page, not a 500.
    fail(400, "error.badForm");
  }
  const file = form.get("file");
  if (!(file instanceof File) || file.name === "") return redirect(`/incidents/${id}?evidence=evidence.errors.noFile#evidence`);
  try {
    await addEvidence(getDb(), id, file, actorOf(user, context));
  } catch (e) {
    if (e instanceof AppError) return redirect(`/incidents/${id}?evidence=${e.userMessage}#evidence`);
    throw e;
  }
  return redirect(`/incidents/${id}?evidence=evidence.added#evidence`);
}

/** The upload form lives on the incident's page; a GET here goes there. */
export async function loader({ params }: LoaderFunctionArgs) {
  return redirect(`/incidents/${idParam(params.id, "error.incidentNotFound")}#evidence`);
}

/**
 * A page module, not a resource route, only so that a refused post (403, 404, a body that is not a form) is answered
 * with the app's Japanese error page instead of a bare message key. It never renders: the action always redirects.
 */
export default function EvidenceUpload() {
  return null;
}
