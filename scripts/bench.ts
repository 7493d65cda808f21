/**
 * `npm run bench -- list [--incidents N]`: seeds a throw-away database with N demo incidents (default 100,000) and
 * prints the median and p95 server time of the incident list's first page, unfiltered and with each kind of filter.
 * Timings are of the query functions the list route calls (`listIncidents`), the server's share of a page.
 */
import { parseArgs } from "node:util";
import { parseListQuery } from "../app/modules/incidents/filters";
import { listClientNames, listDepartments, listIncidents } from "../app/modules/incidents/queries.server";
import { getSettings } from "../app/modules/settings/settings.server";
import { fiscalYearOf } from "../app/modules/reports/periods";
import { todayInTokyo } from "../app/modules/incidents/dates";
import { benchImport, benchImportXlsx } from "./bench-import";
import { openBenchDatabase } from "./bench-db";
import { benchDashboard } from "./bench-dashboard";
import { benchReport } from "./bench-report";
import { benchLoad } from "./bench-load";

const RUNS = 30;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function benchList(n: number, file: string | null): void {
  const { db, done } = openBenchDatabase(n, file);
  try {
    let t = performance.now();
    const fy = fiscalYearOf(todayInTokyo());
    const dept = listDepartments(db)[0].id;
    const client = listClientNames(db)[0].slice(0, 4);
    // A 管理番号 from the middle of the table, whole and in part (its last digits), for the text search cases.
    const ref = (db.$client.prepare("select ref from incidents where ref is not null order by id limit 1 offset ?").get(Math.floor(n / 2)) as
      | { ref: string }
      | undefined)?.ref ?? "KH-2025-00005";
    const cases: [string, string][] = [
      ["first page, no filter", ""],
      ["fiscal year", `period=FY${fy - 1}`],
      ["month", `period=${fy}-06`],
      ["department + channel", `department=${dept}&channel=C2`],
      ["behaviour", "behaviour=MA07"],
      ["client (part of name)", `client=${encodeURIComponent(client)}`],
      ["status open, severity 4", "status=open&severity=4"],
      ["summary search", `q=${encodeURIComponent("土下座")}`],
      // Issue 19: the FTS5 trigram index (3+ characters), LIKE for shorter text, and 管理番号.
      ["text search, 3+ chars (trigram)", `q=${encodeURIComponent("繰り返し")}`],
      ["text search, rare 3+ chars (trigram)", `q=${encodeURIComponent("録音を")}`],
      ["text search, 2 chars (LIKE)", `q=${encodeURIComponent("電話")}`],
      ["text search, 管理番号 exact", `q=${encodeURIComponent(ref)}`],
      ["text search, 管理番号 full-width", `q=${encodeURIComponent(ref.normalize("NFKC").replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)))}`],
      ["text search, 管理番号 part", `q=${encodeURIComponent(ref.slice(-6))}`],
      ["text search + FY + department", `period=FY${fy - 1}&department=${dept}&q=${encodeURIComponent("繰り返し")}`],
      ["composed: FY + dept + behaviour + search", `period=FY${fy - 1}&department=${dept}&behaviour=MA05&q=${encodeURIComponent("電話")}`],
      ["sorted by severity, page 20", "sort=severity_desc&page=20"],
      // The dashboard's drill-down links: a period and one bar's value.
      ["drill-down: FY + channel", `period=FY${fy - 1}&channel=C4`],
      ["drill-down: FY + outcome", `period=FY${fy - 1}&outcome=O3`],
      ["drill-down: FY + determination", `period=FY${fy - 1}&determination=D2`],
      ["drill-down: month + status open", `period=${fy}-06&status=open`],
      ["open cases, all time", "status=open"],
    ];
    const { fiscalYearStartMonth } = getSettings(db);
    console.log(`\nlist page (${RUNS} runs each)            median ms   p95 ms   matches`);
    for (const [name, search] of cases) {
      const query = parseListQuery(new URLSearchParams(search), fiscalYearStartMonth);
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < RUNS; i++) {
        t = performance.now();
        total = listIncidents(db, query).total;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(
        `${name.padEnd(42)} ${percentile(times, 50).toFixed(1).padStart(8)} ${percentile(times, 95).toFixed(1).padStart(8)} ${String(total).padStart(9)}`,
      );
    }
  } finally {
    done();
  }
}

const USAGE =
  "usage: npm run bench -- list [--incidents N] [--db FILE] | import [--rows N] [--format csv|xlsx] | dashboard [--incidents N] [--db FILE] | report [--incidents N] [--db FILE]\n" +
  "       | load [--readers 20] [--writers 5] [--rows 200000] [--incidents 20000] [--via web|cli] [--seconds 300] [--settle 5]";
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    incidents: { type: "string" }, rows: { type: "string" }, db: { type: "string" },
    readers: { type: "string", default: "20" }, writers: { type: "string", default: "5" }, via: { type: "string", default: "web" },
    seconds: { type: "string", default: "300" }, settle: { type: "string", default: "5" },
    format: { type: "string", default: "csv" },
  },
});
const which = positionals[0] ?? "list";
const count = (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(USAGE);
    process.exit(2);
  }
  return n;
};
if (which === "list") benchList(count(values.incidents ?? "100000"), values.db ?? null);
else if (which === "dashboard") await benchDashboard(count(values.incidents ?? "1000000"), values.db ?? null);
else if (which === "report") benchReport(count(values.incidents ?? "1000000"), values.db ?? null);
else if (which === "import" && values.format === "xlsx") process.exit((await benchImportXlsx(count(values.rows ?? "330000"))) ? 0 : 1);
else if (which === "import" && values.format === "csv") process.exit((await benchImport(count(values.rows ?? "1000000"))) ? 0 : 1);
else if (which === "load") {
  if (values.via !== "web" && values.via !== "cli") {
    console.error(USAGE);
    process.exit(2);
  }
  const ok = await benchLoad({
    readers: count(values.readers), writers: count(values.writers), rows: count(values.rows ?? "200000"),
    incidents: count(values.incidents ?? "20000"), importVia: values.via, seconds: count(values.seconds), settleSeconds: count(values.settle),
  });
  process.exit(ok ? 0 : 1);
}
else {
  console.error(`unknown benchmark "${which}"\n${USAGE}`);
  process.exit(2);
}
