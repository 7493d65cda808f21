/**
 * The periods the browser tests ask for, counted back from the day they run. `npm start` loads demo data over the
 * three fiscal years that end with today's, so the last whole fiscal year and the one before it are always full of
 * incidents, whatever the date: a fixed "FY2025" would empty out once the window moved past it.
 */
import { todayInTokyo } from "~/modules/incidents/dates";
import { fiscalYearOf, parsePeriod, periodLabel } from "~/modules/reports/periods";

const lastWhole = fiscalYearOf(todayInTokyo()) - 1;
const label = (key: string) => periodLabel(parsePeriod(key)!);

export const DEMO = {
  /** The last whole fiscal year (FY2025 when the tests run in FY2026). */
  fy: `FY${lastWhole}`,
  fyLabel: label(`FY${lastWhole}`),
  /** The fiscal year before it, the first of the demo data. */
  previousFy: `FY${lastWhole - 1}`,
  previousFyLabel: label(`FY${lastWhole - 1}`),
  /** The first and the third month of the last whole fiscal year. */
  firstMonth: `${lastWhole}-04`,
  thirdMonth: `${lastWhole}-06`,
} as const;
