import {
  data,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
} from "@remix-run/node";
import { getDb } from "~/modules/db.server";
import { AppError } from "~/modules/errors";
import { actorOf } from "~/modules/auth/guard.server";
import { addEvidence, MAX_EVIDENCE_BYTES } from "~/modules/evidence/evidence.server";
import { loadIncidentFor } from "~/modules/incidents/access.server";

/** Uploading evidence to an incident: who may edit the incident may add its evidence. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, id } = await loadIncidentFor(request, params.id, "incidents.write");
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_EVIDENCE_BYTES }));
  } catch (e) {
    if (e instanceof MaxPartSizeExceededError) return redirect(`/incidents/${id}?evidence=evidence.errors.tooLarge#evidence`);
    throw e;
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

export async function loader() {
  return data("", { status: 405 });
}
