/**
 * Deterministic demo data (docs/spec/reports.md `npm run seed`): departments, clients, incidents over whole fiscal
 * years with seasonal, weekly and daily rhythms and realistic code mixes, a few escalating repeat offenders, the
 * measures register and training sessions. Pure: no database, no clock (the caller passes `until`).
 *
 * Each day draws from its own generator keyed by (seed, day), so a day's incidents depend only on the seed, the day and
 * the rate; only the running ref number carries over from day to day.
 *
 * This is the entry point; the parts: options.ts (defaults, checks, the window), catalogue.ts (departments, clients,
 * repeat offenders), mixes.ts and texts.ts (what incidents look like), plan.ts (daily rates), incident.ts (one
 * incident), stream.ts (all of them in order) and registers.ts (measures and training).
 */
import type { IncidentInput } from "../incidents/schema";
import { DEMO_CLIENTS, DEMO_DEPARTMENTS, type DemoClient, type DemoDepartment } from "./catalogue";
import { MAX_COLLECTED, resolveDemoOptions, type DemoOptions } from "./options";
import { demoMeasures, demoTraining, type DemoMeasure, type DemoTraining } from "./registers";
import { incidentStream } from "./stream";

export { DEMO_CLIENTS, DEMO_DEPARTMENTS, type DemoClient, type DemoDepartment } from "./catalogue";
export { DEMO_DEFAULTS, demoWindow, MAX_COLLECTED, resolveDemoOptions, type DemoOptions, type ResolvedDemoOptions } from "./options";
export { countDemoIncidents } from "./plan";
export { demoMeasures, demoTraining, type DemoMeasure, type DemoTraining } from "./registers";
export { incidentStream } from "./stream";

export interface DemoData {
  departments: DemoDepartment[];
  clients: DemoClient[];
  incidents: IncidentInput[];
  measures: DemoMeasure[];
  training: DemoTraining[];
}

/** Everything at once, for tests and small demos; large volumes go through `incidentStream`. */
export function generateDemo(options: Partial<DemoOptions> & { until: string }): DemoData {
  const opts = resolveDemoOptions(options);
  if (opts.incidents > MAX_COLLECTED) {
    throw new RangeError(`generateDemo collects at most ${MAX_COLLECTED} incidents; use incidentStream for more`);
  }
  return {
    departments: DEMO_DEPARTMENTS.map((d) => ({ ...d })),
    clients: DEMO_CLIENTS.map((c) => ({ ...c })),
    incidents: [...incidentStream(opts)],
    measures: demoMeasures(opts),
    training: demoTraining(opts),
  };
}
