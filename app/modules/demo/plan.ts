/**
 * The daily-rate plan: how many ordinary and offender incidents each day of the window expects, and the random
 * stream each day draws from. Each day's generator is keyed by (seed, day), so a day's counts and incidents depend
 * only on the seed, the day and the rate.
 */
import { DAY_MS, dayNumber, dayText } from "../incidents/dates";
import { fiscalYearOf } from "../reports/periods";
import { OFFENDER_SHARE, OFFENDERS, type Offender } from "./catalogue";
import { MONTH_WEIGHT, WEEKDAY_WEIGHT, YEARLY_GROWTH } from "./mixes";
import { demoWindow, resolveDemoOptions, type DemoOptions, type ResolvedDemoOptions } from "./options";
import { createRng, type Rng } from "./random";

export interface ActiveOffender extends Offender {
  start: number;
  end: number;
  perDay: number;
}

interface Plan {
  opts: ResolvedDemoOptions;
  from: number;
  to: number;
  /** Expected ordinary incidents per unit of day weight. */
  perWeight: number;
  offenders: ActiveOffender[];
}

function dayWeight(n: number, firstFiscalYear: number, fiscalStartMonth: number): number {
  const d = new Date(n * DAY_MS);
  const fy = fiscalYearOf(dayText(n), fiscalStartMonth);
  return MONTH_WEIGHT[d.getUTCMonth() + 1] * WEEKDAY_WEIGHT[d.getUTCDay()] * (1 + YEARLY_GROWTH * (fy - firstFiscalYear));
}

export function makePlan(opts: ResolvedDemoOptions): Plan {
  const fiscalStart = opts.fiscalYearStartMonth;
  const window = demoWindow(opts.until, opts.years, fiscalStart);
  const from = dayNumber(window.from);
  const to = dayNumber(window.to);
  const span = to - from + 1;
  const firstFy = fiscalYearOf(window.from, fiscalStart);
  let total = 0;
  for (let n = from; n <= to; n++) total += dayWeight(n, firstFy, fiscalStart);
  const offenders = OFFENDERS.map((o) => {
    const start = from + Math.floor(o.from * span);
    const end = Math.max(start, from + Math.floor(o.to * span) - 1);
    return { ...o, start, end, perDay: (opts.incidents * OFFENDER_SHARE) / (end - start + 1) };
  });
  // An offender still active at `until` has only part of its share in the window; ordinary incidents make up the rest.
  const byOffenders = offenders.reduce((sum, o) => sum + o.perDay * (Math.min(o.end, to) - o.start + 1), 0);
  const ordinary = Math.max(0, opts.incidents - byOffenders);
  return { opts, from, to, perWeight: ordinary / total, offenders };
}

interface DaySlot {
  n: number;
  day: string;
  rng: Rng;
  ordinary: number;
  /** Incidents of each offender that day, in the order of `plan.offenders`. */
  byOffender: number[];
}

export function* daySlots(plan: Plan): Generator<DaySlot> {
  const fiscalStart = plan.opts.fiscalYearStartMonth;
  const firstFy = fiscalYearOf(dayText(plan.from), fiscalStart);
  for (let n = plan.from; n <= plan.to; n++) {
    const day = dayText(n);
    const rng = createRng(plan.opts.seed, day);
    const ordinary = rng.poisson(plan.perWeight * dayWeight(n, firstFy, fiscalStart));
    const byOffender = plan.offenders.map((o) => (n >= o.start && n <= o.end ? rng.poisson(o.perDay) : 0));
    yield { n, day, rng, ordinary, byOffender };
  }
}

/** The exact number of incidents `incidentStream` yields, without building them (for progress reports). */
export function countDemoIncidents(opts: DemoOptions): number {
  let count = 0;
  for (const slot of daySlots(makePlan(resolveDemoOptions(opts)))) count += slot.ordinary + slot.byOffender.reduce((a, b) => a + b, 0);
  return count;
}
