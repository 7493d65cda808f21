/**
 * `npm run bench -- dashboard [--incidents N] [--db FILE]`: seeds a database with N demo incidents (default 1,000,000;
 * with --db an existing file is reused when it already holds incidents, so a second run skips the seeding) and prints
 * the server time of the whole dashboard (buildDashboard: every figure, chart and link) for a fiscal year and for a
 * month: the first request after start (loads the in-memory columns), then median and p95 of warm requests, and a
 * request right after an incident was edited (one month reloaded).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../db/client.server";
import { seedDemo } from "../app/modules/demo/seed.server";
import { buildDashboard, parseDashboardQuery } from "../app/modules/analytics/dashboard.server";
import { countIncidents, getIncident, getSettings, listDepartments, toInput } from "../app/modules/incidents/queries.server";
import { updateIncident } from "../app/modules/incidents/mutations.server";
import { fiscalYearOf } from "../app/modules/reports/periods";
import { todayInTokyo } from "../app/modules/incidents/dates";
import type { Principal } from "../app/modules/auth/permissions";

const RUNS = 30;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

export function benchDashboard(n: number, file: string | null): void {
  const dir = file ? null : fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-bench-"));
  const dbFile = file ?? path.join(dir!, "bench.db");
  try {
    let db = openDatabase(dbFile);
    let t = performance.now();
    if (countIncidents(db) === 0) {
      const seeded = seedDemo(db, { incidents: n, seed: "bench" });
      console.log(`seeded ${seeded.incidents.toLocaleString()} incidents in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      // Measure a cold start as the server has it: a fresh process-wide connection, nothing cached.
      db.$client.close();
      db = openDatabase(dbFile);
    } else {
      console.log(`reusing ${dbFile}: ${countIncidents(db).toLocaleString()} incidents`);
    }
    const today = todayInTokyo();
    const { fiscalYearStartMonth, suppressionThreshold, writtenReportDeadlineDays } = getSettings(db);
    const fy = fiscalYearOf(today, fiscalYearStartMonth);
    const opts = { lang: "ja" as const, today, threshold: suppressionThreshold, writtenReportDays: writtenReportDeadlineDays };
    const hr: Principal = { role: "hr", departmentId: null };
    const executive: Principal = { role: "executive", departmentId: null };
    const dept = listDepartments(db)[0].id;
    const run = (search: string, user: Principal = hr) => {
      const { query } = parseDashboardQuery(new URLSearchParams(search), fiscalYearStartMonth, fy);
      return buildDashboard(db, query, user, opts);
    };

    t = performance.now();
    const first = run(`period=FY${fy - 1}`);
    console.log(`first request after start (loads every month): ${(performance.now() - t).toFixed(0)} ms`);
    console.log(`FY${fy - 1} holds ${Number(first.headline.incidents).toLocaleString()} incidents\n`);

    const cases: [string, string, Principal][] = [
      [`fiscal year FY${fy - 1}`, `period=FY${fy - 1}`, hr],
      [`month ${fy - 1}-06`, `period=${fy - 1}-06`, hr],
      [`FY${fy - 1}, stacked by severity`, `period=FY${fy - 1}&stack=severity`, hr],
      [`FY${fy - 1} + department + channel`, `period=FY${fy - 1}&department=${dept}&channel=C2`, hr],
      [`FY${fy - 1} + behaviour + client`, `period=FY${fy - 1}&behaviour=MA05&client=${encodeURIComponent("商事")}`, hr],
      [`FY${fy - 1}, executive (suppressed)`, `period=FY${fy - 1}`, executive],
    ];
    console.log(`whole dashboard (${RUNS} runs each)            median ms   p95 ms`);
    for (const [name, search, user] of cases) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        t = performance.now();
        run(search, user);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`${name.padEnd(46)} ${percentile(times, 50).toFixed(1).padStart(8)} ${percentile(times, 95).toFixed(1).padStart(8)}`);
    }

    // An edit moves one month's generation: the next request reloads that month only.
    const id = (db.$client.prepare(`select max(id) as id from incidents where occurred_on like ?`).get(`${fy - 1}-06-%`) as { id: number }).id;
    const before = getIncident(db, id)!;
    updateIncident(db, id, { ...toInput(before), duration_min: (before.duration_min ?? 0) + 1 }, toInput(before));
    t = performance.now();
    run(`period=FY${fy - 1}`);
    console.log(`\nfirst request after an edit (reloads its month): ${(performance.now() - t).toFixed(1)} ms`);
    console.log(`process memory: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB RSS`);
    db.$client.close();
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
