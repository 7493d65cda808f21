import type { LoaderFunctionArgs } from "@remix-run/node";
import { langFromCookie, translate } from "~/i18n";
import { getDb } from "~/modules/db.server";
import { fail } from "~/modules/http.server";
import { toCsv } from "~/modules/csv";
import { csvDownload, csvResponse } from "~/modules/csv-download.server";
import { audit } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { loadDashboard } from "~/modules/analytics/dashboard.server";
import { chartRows, CHART_IDS, type ChartId } from "~/modules/analytics/chart-csv";
import { todayInTokyo } from "~/modules/incidents/dates";

/**
 * One chart's data as CSV (UTF-8 with BOM, or Shift_JIS: `?encoding=`): the same figures the page shows, suppressed
 * for executives. Exports are audited like report exports.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "dashboard.view");
  const url = new URL(request.url);
  const chart = url.searchParams.get("chart") as ChartId;
  if (!CHART_IDS.includes(chart)) fail(404, "error.notFound");
  const db = getDb();
  const lang = langFromCookie(request.headers.get("Cookie"));
  return csvDownload(request, async (encoding) => {
    const { data, query } = await loadDashboard(db, user, url.searchParams, { lang, today: todayInTokyo() });
    const rows = chartRows(data, chart, (k) => translate(lang, k));
    const response = csvResponse(`${toCsv(rows)}\r\n`, encoding, { ascii: `dashboard-${chart}-${query.period.key}.csv` }, {
      purpose: "reading",
    });
    audit(db, actorOf(user, context), "report.exported", { type: "report", id: `dashboard:${chart}` }, {
      period: query.period.key, filters: query.params.toString(), encoding,
    });
    return response;
  });
}
