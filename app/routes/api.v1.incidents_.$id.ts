/** GET /api/v1/incidents/{id}: one incident within the token user's reach (404 otherwise). */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getIncidentViaApi } from "~/modules/api/incidents.server";
import { handleApi, handlePublic, methodNotAllowed } from "~/modules/api/http.server";

export function loader({ request, params, context }: LoaderFunctionArgs) {
  return handleApi(request, context?.clientIp ?? null, { scope: "incidents:read", run: (ctx) => getIncidentViaApi(ctx, params.id) });
}

export function action({ request, context }: ActionFunctionArgs) {
  return handlePublic(request, context?.clientIp ?? null, () => methodNotAllowed("GET"));
}
