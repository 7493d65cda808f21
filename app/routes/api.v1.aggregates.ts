/** GET /api/v1/aggregates: the dashboard's figures (χ-protected for an executive's token). */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { aggregatesViaApi } from "~/modules/api/aggregates.server";
import { handleApi, handlePublic, methodNotAllowed } from "~/modules/api/http.server";

export function loader({ request, context }: LoaderFunctionArgs) {
  return handleApi(request, context?.clientIp ?? null, { scope: "aggregates:read", run: aggregatesViaApi });
}

export function action({ request, context }: ActionFunctionArgs) {
  return handlePublic(request, context?.clientIp ?? null, () => methodNotAllowed("GET"));
}
