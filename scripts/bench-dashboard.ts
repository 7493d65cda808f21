/**
 * `npm run bench -- dashboard [--incidents N] [--db FILE]`: on a database of N demo incidents (default 1,000,000; see
 * bench-db.ts), prints the server time of the whole dashboard (buildDashboard: every figure, chart and link) for a
 * fiscal year and for a month: the first request after start (loads the in-memory columns), then median and p95 of
 * warm requests, and a request right after an incident was edited (one month reloaded; the edit is put back). Then the
 * start of the real server on the same file (bench-start.ts).
 */
import { cubeFor } from "../app/modules/analytics/cube.server";
import { buildDashboard, parseDashboardQuery } from "../app/modules/analytics/dashboard.server";
import { getIncident, listDepartments, toInput } from "../app/modules/incidents/queries.server";
import { getSettings } from "../app/modules/settings/settings.server";
import { updateIncident } from "../app/modules/incidents/mutations.server";
import { fiscalYearOf } from "../app/modules/reports/periods";
import { todayInTokyo } from "../app/modules/incidents/dates";
import type { Principal } from "../app/modules/auth/permissions";
import { openBenchDatabase, percentile } from "./bench-db";
import { benchStart } from "./bench-start";

const RUNS = 30;

export async function benchDashboard(n: number, file: string | null): Promise<void> {
  const { db, file: dbFile, done } = openBenchDatabase(n, file);
  try {
    let t = performance.now();
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
    console.log(`first request on a fresh connection (loads the months it reads at once): ${(performance.now() - t).toFixed(0)} ms`);
    t = performance.now();
    const rest = cubeFor(db).stale().length === 0;
    console.log(`then every other month, as the server's warm-up loads them (here at once): ${(performance.now() - t).toFixed(0)} ms${rest ? "" : " (incomplete)"}`);
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
    const edited = { ...toInput(before), duration_min: (before.duration_min ?? 0) + 1 };
    updateIncident(db, id, edited, toInput(before));
    t = performance.now();
    run(`period=FY${fy - 1}`);
    console.log(`\nfirst request after an edit (reloads its month): ${(performance.now() - t).toFixed(1)} ms`);
    updateIncident(db, id, toInput(before), edited);
    console.log(`process memory: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB RSS`);
    db.$client.close();

    await benchStart(dbFile, fy - 1);
  } finally {
    done();
  }
}
