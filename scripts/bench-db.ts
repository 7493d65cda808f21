/**
 * The database the dashboard and report benchmarks run on: seeded with N demo incidents, or an existing file reused
 * (--db) when it already holds incidents, so a second run skips the minutes of seeding at 1,000,000.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type Db } from "../db/client.server";
import { seedDemo } from "../app/modules/demo/seed.server";
import { countIncidents } from "../app/modules/incidents/queries.server";

export function openBenchDatabase(n: number, file: string | null): { db: Db; file: string; done: () => void } {
  const dir = file ? null : fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-bench-"));
  const dbFile = file ?? path.join(dir!, "bench.db");
  let db = openDatabase(dbFile);
  if (countIncidents(db) === 0) {
    const t = performance.now();
    const seeded = seedDemo(db, { incidents: n, seed: "bench" });
    console.log(`seeded ${seeded.incidents.toLocaleString()} incidents in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    // Measure a cold start as the server has it: a fresh connection, nothing cached.
    db.$client.close();
    db = openDatabase(dbFile);
  } else {
    console.log(`reusing ${dbFile}: ${countIncidents(db).toLocaleString()} incidents`);
  }
  return {
    db,
    file: dbFile,
    done: () => {
      if (db.$client.open) db.$client.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
