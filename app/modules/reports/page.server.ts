/** What the report pages share: the audience a user may see, and building the live report for a period. */
import type { Db } from "../../../db/client.server";
import { can, type Principal } from "../auth/permissions";
import { todayInTokyo } from "../incidents/dates";
import { getSettings } from "../settings/settings.server";
import type { Lang } from "~/i18n";
import { withFreshMonths } from "../analytics/cube.server";
import { buildComplianceReport, reportDays, type Audience, type ComplianceReport } from "./compliance.server";
import type { Period } from "./periods";

/** Executives always get the executive version; HR and admin get the one they ask for (HR by default). */
export function audienceFor(user: Principal, asked: string | null): Audience {
  if (!can(user, "reports.hr")) return "executive";
  return asked === "executive" ? "executive" : "hr";
}

/** The report as the data stands: the months it reads are brought up to date first, in slices (cube.server.ts). */
export function liveReport(db: Db, period: Period, audience: Audience, lang: Lang): Promise<ComplianceReport> {
  const options = { audience, lang, today: todayInTokyo(), settings: getSettings(db) };
  return withFreshMonths(db, reportDays(period), () => buildComplianceReport(db, period, options));
}
