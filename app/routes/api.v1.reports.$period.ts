/** GET /api/v1/reports/{period}?audience=hr|executive: the compliance report JSON (docs/spec/reports.md). */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { reportViaApi } from "~/modules/api/aggregates.server";
import { handleApi, handlePublic, methodNotAllowed } from "~/modules/api/http.server";

export function loader({ request, params, context }: LoaderFunctionArgs) {
  return handleApi(request, context?.clientIp ?? null, { scope: "aggregates:read", run: (ctx) => reportViaApi(ctx, params.period) });
}

export function action({ request, context }: ActionFunctionArgs) {
  return handlePublic(request, context?.clientIp ?? null, () => methodNotAllowed("GET"));
}
