/**
 * What a demo is made of (seed, size, fiscal years, last day) and the days it covers. Every other part of the
 * generator takes the options as resolved here, so a default or a check lives in one place.
 */
import { dayNumber, dayText } from "../incidents/dates";
import { fiscalYearOf, parsePeriod } from "../reports/periods";
import type { Seed } from "./random";

export interface DemoOptions {
  seed: Seed;
  /** About how many incidents (the daily counts are random, so the total varies by a few percent). */
  incidents: number;
  /** Whole fiscal years ending with the one that contains `until`. */
  years: number;
  /** The last day (`YYYY-MM-DD`, Tokyo) of the data; nothing is dated after it. */
  until: string;
  /** The month (1–12) a fiscal year starts in, as in the settings: the window and the refs follow it. April by default. */
  fiscalYearStartMonth?: number;
}

/** The options with every default filled in. */
export type ResolvedDemoOptions = Required<DemoOptions>;

export const DEMO_DEFAULTS = { seed: "kasuhara-demo", incidents: 3000, years: 3, fiscalYearStartMonth: 4 } as const;

/** Above this, collecting into an array costs more memory than a demo is worth: stream with `incidentStream`. */
export const MAX_COLLECTED = 100_000;

/** The days the demo covers: the first day of the first fiscal year through `until`. */
export function demoWindow(
  until: string,
  years: number,
  fiscalYearStartMonth: number = DEMO_DEFAULTS.fiscalYearStartMonth,
): { from: string; to: string } {
  const first = fiscalYearOf(until, fiscalYearStartMonth) - (years - 1);
  return { from: parsePeriod(`FY${first}`, fiscalYearStartMonth)!.from, to: until };
}

export function resolveDemoOptions(options: Partial<DemoOptions> & { until: string }): ResolvedDemoOptions {
  // Explicit fallbacks rather than a spread, so that `{ seed: undefined }` from a caller still gets the default.
  const opts: ResolvedDemoOptions = {
    seed: options.seed ?? DEMO_DEFAULTS.seed,
    incidents: options.incidents ?? DEMO_DEFAULTS.incidents,
    years: options.years ?? DEMO_DEFAULTS.years,
    until: options.until,
    fiscalYearStartMonth: options.fiscalYearStartMonth ?? DEMO_DEFAULTS.fiscalYearStartMonth,
  };
  const realDay = /^\d{4}-\d{2}-\d{2}$/.test(opts.until) && dayText(dayNumber(opts.until)) === opts.until;
  if (!realDay) throw new RangeError(`until must be a day written YYYY-MM-DD, not "${opts.until}"`);
  if (!Number.isInteger(opts.incidents) || opts.incidents < 0) throw new RangeError("incidents must be an integer ≥ 0");
  if (!Number.isInteger(opts.years) || opts.years < 1) throw new RangeError("years must be an integer ≥ 1");
  const month = opts.fiscalYearStartMonth;
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError("fiscalYearStartMonth must be an integer from 1 to 12");
  return opts;
}
