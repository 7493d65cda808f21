/** GET /api/v1/incidents (list) and POST /api/v1/incidents (create): docs/decisions/0031-json-api.md. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { createIncidentViaApi, listIncidentsViaApi } from "~/modules/api/incidents.server";
import { apiDb, handleApi, handlePublic, methodNotAllowed, readJson } from "~/modules/api/http.server";
import { dispatchSoon } from "~/modules/notifications/mail.server";

export function loader({ request, context }: LoaderFunctionArgs) {
  return handleApi(request, context?.clientIp ?? null, { scope: "incidents:read", run: listIncidentsViaApi });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ip = context?.clientIp ?? null;
  if (request.method !== "POST") return handlePublic(request, ip, () => methodNotAllowed("GET, POST"));
  const response = await handleApi(request, ip, {
    scope: "incidents:write",
    run: async (ctx) => createIncidentViaApi(ctx, await readJson(request), request.headers.get("Idempotency-Key")),
  });
  // Committed: the department's supervisors are mailed in the background, as after the form.
  if (response.status === 201) void dispatchSoon(apiDb());
  return response;
}
