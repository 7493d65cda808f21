import type { LoaderFunctionArgs } from "@remix-run/node";
import { langFromCookie } from "~/i18n";
import { getDb } from "~/modules/db.server";
import { fail } from "~/modules/http.server";
import { audit } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { getSettings } from "~/modules/settings/settings.server";
import { audienceFor, liveReport } from "~/modules/reports/page.server";
import { parsePeriod } from "~/modules/reports/periods";
import { toReportCsv } from "~/modules/reports/render";

/** Every table of the live report in one CSV (UTF-8 with BOM, formula-safe); exports are audited. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "reports.executive");
  const db = getDb();
  const period = parsePeriod(params.period ?? "", getSettings(db).fiscalYearStartMonth);
  if (!period) fail(404, "reports.badPeriod");
  const audience = audienceFor(user, new URL(request.url).searchParams.get("audience"));
  const lang = langFromCookie(request.headers.get("Cookie"));
  audit(db, actorOf(user, context), "report.exported", { type: "report", id: `${period.key}:${audience}` }, { format: "csv" });
  return new Response(toReportCsv(await liveReport(db, period, audience, lang), lang), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="compliance-${period.key}-${audience}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
