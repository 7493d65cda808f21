/** What the report pages share: the audience a user may see, and building the live report for a period. */
import type { Db } from "../../../db/client.server";
import { can, type Principal } from "../auth/permissions";
import { todayInTokyo } from "../incidents/dates";
import { getSettings } from "../settings/settings.server";
import type { Lang } from "~/i18n";
import { buildComplianceReport, type Audience, type ComplianceReport } from "./compliance.server";
import type { Period } from "./periods";

/** Executives always get the executive version; HR and admin get the one they ask for (HR by default). */
export function audienceFor(user: Principal, asked: string | null): Audience {
  if (!can(user, "reports.hr")) return "executive";
  return asked === "executive" ? "executive" : "hr";
}

export function liveReport(db: Db, period: Period, audience: Audience, lang: Lang): ComplianceReport {
  return buildComplianceReport(db, period, { audience, lang, today: todayInTokyo(), settings: getSettings(db) });
}
