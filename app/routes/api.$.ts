/** Any other path under /api: a JSON 404, never the HTML page. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiError, handlePublic } from "~/modules/api/http.server";

const notFound = ({ request, context }: LoaderFunctionArgs | ActionFunctionArgs) =>
  handlePublic(request, context?.clientIp ?? null, () => {
    throw apiError(404);
  });

export const loader = notFound;
export const action = notFound;
