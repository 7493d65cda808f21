/**
 * The demo incidents in time order, built day by day from the plan, so that any volume streams in constant memory.
 */
import type { IncidentInput } from "../incidents/schema";
import { fiscalYearOf } from "../reports/periods";
import { buildIncident, offenderProfile, ordinaryProfile, type Draft } from "./incident";
import { resolveDemoOptions, type DemoOptions } from "./options";
import { daySlots, makePlan } from "./plan";

/** The incidents in time order, one at a time, with refs `KH-<fiscal year>-<serial>` numbered per fiscal year. */
export function* incidentStream(options: DemoOptions): Generator<IncidentInput> {
  const plan = makePlan(resolveDemoOptions(options));
  const untilN = plan.to;
  let fiscalYear = -1;
  let serial = 0;
  for (const slot of daySlots(plan)) {
    const drafts: Draft[] = [];
    for (let i = 0; i < slot.ordinary; i++) drafts.push(buildIncident(slot.rng, slot.n, untilN, ordinaryProfile(slot.rng)));
    slot.byOffender.forEach((count, k) => {
      for (let i = 0; i < count; i++) {
        drafts.push(buildIncident(slot.rng, slot.n, untilN, offenderProfile(slot.rng, plan.offenders[k], slot.n)));
      }
    });
    drafts.sort((a, b) => (a.occurred_at < b.occurred_at ? -1 : a.occurred_at > b.occurred_at ? 1 : 0));
    const fy = fiscalYearOf(slot.day, plan.opts.fiscalYearStartMonth);
    if (fy !== fiscalYear) {
      fiscalYear = fy;
      serial = 0;
    }
    for (const draft of drafts) {
      serial++;
      yield { ref: `KH-${fy}-${String(serial).padStart(5, "0")}`, ...draft };
    }
  }
}
