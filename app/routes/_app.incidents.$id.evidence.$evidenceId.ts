import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/modules/db.server";
import { fail, idParam } from "~/modules/http.server";
import { actorOf } from "~/modules/auth/guard.server";
import { openEvidence } from "~/modules/evidence/evidence.server";
import { loadIncidentFor } from "~/modules/incidents/access.server";

/**
 * Downloading one evidence file: only for users who may open the incident (a supervisor of another department and
 * executives get 403); every download is audited. Always as an attachment, with the type of the allow-list.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, id } = await loadIncidentFor(request, params.id, "incidents.read");
  const found = openEvidence(getDb(), id, idParam(params.evidenceId, "evidence.notFound"), actorOf(user, context));
  if (!found) fail(404, "evidence.notFound");
  return new Response(new Uint8Array(found.bytes), {
    headers: {
      "Content-Type": found.row.mimeType,
      "Content-Disposition": `attachment; filename="evidence-${found.row.id}"; filename*=UTF-8''${encodeURIComponent(found.row.fileName)}`,
      "Cache-Control": "no-store",
    },
  });
}
