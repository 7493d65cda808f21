/**
 * Loads the demo data into an empty database: departments, clients, incidents (validated like every other write, then
 * staged and merged the way the importer stores a file), the measures register and training sessions, all in one
 * transaction so a failure leaves nothing behind.
 */
import { eq, sql } from "drizzle-orm";
import type { Conn, Db } from "../../../db/client.server";
import { headcounts, incidents, measures, policyVersions, trainingSessions } from "../../../db/schema";
import { todayInTokyo } from "../incidents/dates";
import { checkedIncident, IncidentWriter } from "../incidents/mutations.server";
import { Staging } from "../import/staging.server";
import { mergeStaged } from "../import/merge.server";
import { getSettings } from "../settings/settings.server";
import {
  countDemoIncidents,
  DEMO_CLIENTS,
  DEMO_DEPARTMENTS,
  demoMeasures,
  demoTraining,
  incidentStream,
  resolveDemoOptions,
} from "./generate";
import { demoHeadcounts, demoPolicies } from "./registers";
import type { Seed } from "./random";
import type { ResolvedDemoOptions } from "./options";

export interface SeedOptions {
  seed?: Seed;
  incidents?: number;
  years?: number;
  /** Last day of the data (`YYYY-MM-DD`); today in Tokyo by default. */
  until?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  incidents: number;
  departments: number;
  clients: number;
  training: number;
}

/** Progress is reported this often; more often only costs time on a million rows. */
const PROGRESS_EVERY = 5_000;

function assertEmpty(db: Conn): void {
  if (db.select({ id: incidents.id }).from(incidents).limit(1).get()) {
    throw new Error("The database already has incidents: demo data is only loaded into an empty database.");
  }
}

export function seedDemo(db: Db, opts: SeedOptions = {}): SeedResult {
  const { seed, incidents: count, years, until = todayInTokyo() } = opts;
  // Fiscal years as the app counts them, so the demo's whole years and refs match the reports' fiscal years.
  const { fiscalYearStartMonth } = getSettings(db);
  const options = resolveDemoOptions({ seed, incidents: count, years, until, fiscalYearStartMonth });
  const total = opts.onProgress ? countDemoIncidents(options) : 0;
  assertEmpty(db);
  // The importer's fast path (docs/decisions/0017): every incident validated and staged, then merged in one
  // transaction with the rest. The incidents' own dates are checked against `until`, so a demo ending in the past
  // stays valid.
  const staging = new Staging(db);
  try {
    let done = 0;
    for (const input of incidentStream(options)) {
      staging.write(++done, checkedIncident(input, options.until), { kind: "insert" });
      if (opts.onProgress && (done % PROGRESS_EVERY === 0 || done === total)) opts.onProgress(done, total);
    }
    staging.finish();
    return db.transaction((tx) => seedRest(db, tx, staging, options, done));
  } finally {
    staging.close();
  }
}

/** The staged incidents merged, with the demo's departments, clients, measures and training, in one transaction. */
function seedRest(db: Db, tx: Conn, staging: Staging, options: ResolvedDemoOptions, done: number): SeedResult {
  // Checked again under the lock: another process may have filled the database meanwhile.
  assertEmpty(tx);
  // The demo's departments and clients first, with their attributes, in catalogue order.
  const writer = new IncidentWriter(db, { today: options.until });
  const departmentIds = new Map(DEMO_DEPARTMENTS.map((d) => [d.name, writer.departmentId(d.name, d.in_tokyo)!]));
  for (const c of DEMO_CLIENTS) writer.clientId(c.name, c.counterparty_type);
  mergeStaged(db, staging, { imported: done, updated: 0, duplicates: 0 }, { batchId: null, update: false, today: options.until });

  for (const m of demoMeasures(options)) {
    tx.update(measures)
      .set({
        status: m.status,
        evidenceText: m.evidence_text,
        evidenceUrl: m.evidence_url,
        inPlaceOn: m.in_place_on,
        reviewedOn: m.reviewed_on,
        updatedBy: "demo",
        updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
      })
      .where(eq(measures.code, m.code))
      .run();
  }

  const training = demoTraining(options);
  if (training.length > 0) {
    tx.insert(trainingSessions)
      .values(training.map((t) => ({ heldOn: t.held_on, title: t.title, invited: t.invited, attendees: t.attendees })))
      .run();
  }

  for (const p of demoPolicies(options)) {
    tx.insert(policyVersions).values({ ...p, places: JSON.stringify(p.places), createdBy: "demo" }).run();
  }

  // Headcounts of every fiscal year of the window, so the report shows incidents per 100 employees (issue 20).
  const heads = demoHeadcounts(options, DEMO_DEPARTMENTS.map((d) => d.name));
  if (heads.length > 0) {
    tx.insert(headcounts)
      .values(heads.map((h) => ({ departmentId: departmentIds.get(h.department)!, fiscalYear: h.fiscal_year, headcount: h.headcount, updatedBy: "demo" })))
      .run();
  }

  return { incidents: done, departments: DEMO_DEPARTMENTS.length, clients: DEMO_CLIENTS.length, training: training.length };
}
