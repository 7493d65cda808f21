import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guard.server";

/** The period form posts here by GET; the report lives at /reports/<period> so its address can be shared. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "reports.executive");
  const url = new URL(request.url);
  const period = (url.searchParams.get("period") ?? "").trim();
  const audience = url.searchParams.get("audience") === "executive" ? "?audience=executive" : "";
  return redirect(period ? `/reports/${encodeURIComponent(period)}${audience}` : "/reports");
}
