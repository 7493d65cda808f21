/**
 * Aggregates and the compliance report through the API: the dashboard's and the report's own builders, so an
 * executive's token gets exactly the protected (χ) figures of the executive dashboard and report (docs/decisions/0022).
 */
import { can, seesPersonalData } from "../auth/permissions";
import { loadDashboard } from "../analytics/dashboard.server";
import { withFreshMonths } from "../analytics/cube.server";
import { fieldErrorsOf } from "../forms";
import { buildComplianceReport, reportDays } from "../reports/compliance.server";
import { audienceFor } from "../reports/page.server";
import { parsePeriod, periodLabel } from "../reports/periods";
import { getSettings } from "../settings/settings.server";
import { audit } from "../auth/audit.server";
import { apiError, jsonResponse, type ApiContext } from "./http.server";
import { aggregatesQuerySchema, reportQuerySchema } from "./schemas";

/** GET /api/v1/aggregates: the dashboard's figures for a period (and optionally a department) as the user sees them. */
export async function aggregatesViaApi(ctx: ApiContext): Promise<Response> {
  const parsed = aggregatesQuerySchema.safeParse(Object.fromEntries(ctx.url.searchParams));
  if (!parsed.success) throw apiError(400, { fields: fieldErrorsOf(parsed.error.issues) });
  const settings = getSettings(ctx.db);
  if (parsed.data.period && !parsePeriod(parsed.data.period, settings.fiscalYearStartMonth)) {
    throw apiError(400, { fields: { period: { key: "api.errors.badPeriod" } } }, "api.errors.badPeriod");
  }
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(parsed.data)) if (v !== undefined) params.set(k, v);
  const user = ctx.caller.user;
  const { data, query } = await loadDashboard(ctx.db, user, params, { lang: "ja", today: ctx.today });
  return jsonResponse(200, {
    period: { key: query.period.key, from: query.period.from, to: query.period.to, label: periodLabel(query.period, "ja") },
    audience: seesPersonalData(user) ? "hr" : "executive",
    figures: data,
  });
}

/** GET /api/v1/reports/{period}: the compliance report JSON (reports.md); executives always get the executive one. */
export async function reportViaApi(ctx: ApiContext, periodText: string | undefined): Promise<Response> {
  const user = ctx.caller.user;
  if (!can(user, "reports.executive") && !can(user, "reports.hr")) throw apiError(403);
  const parsed = reportQuerySchema.safeParse(Object.fromEntries(ctx.url.searchParams));
  if (!parsed.success) throw apiError(400, { fields: fieldErrorsOf(parsed.error.issues) });
  const settings = getSettings(ctx.db);
  const period = parsePeriod(periodText ?? "", settings.fiscalYearStartMonth);
  if (!period) throw apiError(404, {}, "api.errors.badPeriod");
  const audience = audienceFor(user, parsed.data.audience ?? null);
  audit(ctx.db, ctx.actor, "report.viewed", { type: "report", id: `${period.key}:${audience}` }, { via: "api", tokenId: ctx.caller.tokenId });
  const report = await withFreshMonths(ctx.db, reportDays(period), () =>
    buildComplianceReport(ctx.db, period, { audience, lang: "ja", today: ctx.today, settings }),
  );
  return jsonResponse(200, report);
}
