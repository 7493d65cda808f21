/** GET /api/v1/openapi.json: the OpenAPI 3.1 document (no token needed). */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handlePublic, jsonResponse, methodNotAllowed } from "~/modules/api/http.server";
import { openApiDocument } from "~/modules/api/openapi";

export function loader({ request, context }: LoaderFunctionArgs) {
  return handlePublic(request, context?.clientIp ?? null, () => jsonResponse(200, openApiDocument(), { "Cache-Control": "no-cache" }));
}

export function action({ request, context }: ActionFunctionArgs) {
  return handlePublic(request, context?.clientIp ?? null, () => methodNotAllowed("GET"));
}
