/**
 * `npm run bench -- report [--incidents N] [--db FILE]`: on a database of N demo incidents (default 1,000,000; see
 * bench-db.ts), prints how long the compliance summary of a fiscal year takes (buildComplianceReport, both audiences,
 * and the JSON/Markdown/CSV/HTML renderings): the first report after start, then median and p95.
 */
import { buildComplianceReport } from "../app/modules/reports/compliance.server";
import { toHtml, toMarkdown, toReportCsv } from "../app/modules/reports/render";
import { parsePeriod, fiscalYearOf } from "../app/modules/reports/periods";
import { getSettings } from "../app/modules/settings/settings.server";
import { todayInTokyo } from "../app/modules/incidents/dates";
import { openBenchDatabase, percentile } from "./bench-db";

const RUNS = 20;

export function benchReport(n: number, file: string | null): void {
  const { db, done } = openBenchDatabase(n, file);
  try {
    const today = todayInTokyo();
    const settings = getSettings(db);
    const fy = `FY${fiscalYearOf(today, settings.fiscalYearStartMonth) - 1}`;
    const period = parsePeriod(fy, settings.fiscalYearStartMonth)!;
    const build = (audience: "hr" | "executive") => buildComplianceReport(db, period, { audience, lang: "ja", today, settings });
    let t = performance.now();
    const first = build("hr");
    console.log(`first report after start (loads the columns): ${(performance.now() - t).toFixed(0)} ms`);
    console.log(`${fy} holds ${Number(first.totals.incidents).toLocaleString()} incidents\n`);
    const cases: [string, () => unknown][] = [
      [`${fy} hr (object)`, () => build("hr")],
      [`${fy} executive (object)`, () => build("executive")],
      [`${fy} hr → JSON`, () => JSON.stringify(build("hr"))],
      [`${fy} hr → Markdown`, () => toMarkdown(build("hr"), "ja")],
      [`${fy} hr → CSV`, () => toReportCsv(build("hr"), "ja")],
      [`${fy} executive → HTML`, () => toHtml(build("executive"), "ja")],
    ];
    console.log(`compliance report (${RUNS} runs each)          median ms   p95 ms`);
    for (const [name, run] of cases) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        t = performance.now();
        run();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`${name.padEnd(44)} ${percentile(times, 50).toFixed(1).padStart(8)} ${percentile(times, 95).toFixed(1).padStart(8)}`);
    }
  } finally {
    done();
  }
}
