import type { LoaderFunctionArgs } from "@remix-run/node";
import { langFromCookie, translate } from "~/i18n";
import { prepareCube } from "~/modules/analytics/cube.server";
import { getDb } from "~/modules/db.server";
import { fail } from "~/modules/http.server";
import { toCsv } from "~/modules/csv";
import { audit } from "~/modules/auth/audit.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { seesPersonalData } from "~/modules/auth/permissions";
import { buildDashboard, parseDashboardQuery } from "~/modules/analytics/dashboard.server";
import { chartRows, CHART_IDS, type ChartId } from "~/modules/analytics/chart-csv";
import { todayInTokyo } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/incidents/queries.server";
import { fiscalYearOf } from "~/modules/reports/periods";

/**
 * One chart's data as CSV (UTF-8 with BOM for Excel): the same figures the page shows, suppressed for executives.
 * Exports are audited like report exports.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, "dashboard.view");
  const url = new URL(request.url);
  if (!seesPersonalData(user)) url.searchParams.delete("client");
  const chart = url.searchParams.get("chart") as ChartId;
  if (!CHART_IDS.includes(chart)) fail(404, "error.notFound");
  const db = getDb();
  await prepareCube(db);
  const settings = getSettings(db);
  const today = todayInTokyo();
  const lang = langFromCookie(request.headers.get("Cookie"));
  const { query } = parseDashboardQuery(url.searchParams, settings.fiscalYearStartMonth, fiscalYearOf(today, settings.fiscalYearStartMonth));
  const data = buildDashboard(db, query, user, {
    lang, today, threshold: settings.suppressionThreshold, writtenReportDays: settings.writtenReportDeadlineDays,
  });
  audit(db, actorOf(user, context), "report.exported", { type: "report", id: `dashboard:${chart}` }, {
    period: query.period.key, filters: query.params.toString(),
  });
  const rows = chartRows(data, chart, (k) => translate(lang, k));
  return new Response(`\uFEFF${toCsv(rows)}\r\n`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="dashboard-${chart}-${query.period.key}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
