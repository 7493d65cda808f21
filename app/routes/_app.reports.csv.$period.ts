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
import { csvDownload, csvResponse } from "~/modules/csv-download.server";

/** Every table of the live report in one CSV (UTF-8 with BOM or Shift_JIS: `?encoding=`, formula-safe); exports are audited. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "reports.executive");
  const db = getDb();
  const period = parsePeriod(params.period ?? "", getSettings(db).fiscalYearStartMonth);
  if (!period) fail(404, "reports.badPeriod");
  const audience = audienceFor(user, new URL(request.url).searchParams.get("audience"));
  const lang = langFromCookie(request.headers.get("Cookie"));
  return csvDownload(request, async (encoding) => {
    const response = csvResponse(toReportCsv(await liveReport(db, period, audience, lang), lang), encoding, {
      ascii: `compliance-${period.key}-${audience}.csv`,
    }, { purpose: "reading" });
    audit(db, actorOf(user, context), "report.exported", { type: "report", id: `${period.key}:${audience}` }, { format: "csv", encoding });
    return response;
  });
}
