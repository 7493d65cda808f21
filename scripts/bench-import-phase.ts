/**
 * One measured phase of `npm run bench -- import`, in a process of its own so its peak RSS is its own:
 *   bare FILE    the floor: papaparse + a prepared insert of every record's cells into plain text columns;
 *   import FILE  the real importer;
 *   writer       a form save (createIncident, waiting for the lock as the server does) every 250 ms until stdin ends;
 *                prints how many it saved and the longest wait.
 */
import fs from "node:fs";
import Papa from "papaparse";
import { openDatabase } from "../db/client.server";
import { retryWhileBusy } from "../db/busy.server";
import { importFile } from "../app/modules/import/commit.server";
import { catchUpSearchIndex } from "../app/modules/incidents/search-index.server";
import { createIncident } from "../app/modules/incidents/mutations.server";
import { todayInTokyo } from "../app/modules/incidents/dates";

const [phase, file] = process.argv.slice(2);
const started = performance.now();
const out: Record<string, number> = {};

if (phase === "import") {
  const db = openDatabase();
  const r = await importFile(db, file, { errorFilePath: null });
  if (!r.committed || r.invalid) throw new Error(`import did not commit: ${JSON.stringify({ ...r, errors: r.errors.slice(0, 5) })}`);
  Object.assign(out, { rows: r.imported, checkMs: r.timings.checkMs, lockMs: r.timings.storeMs });
  // Imported, committed and listed: the import's time. Then, as `npm run import` goes on to do, the text search index
  // (docs/decisions/0030), timed on its own, while the writer probe is still saving.
  out.ms = performance.now() - started;
  const searchStarted = performance.now();
  const search = await catchUpSearchIndex(db);
  if (search.indexed !== r.imported) throw new Error(`indexed ${search.indexed} of ${r.imported} for search`);
  Object.assign(out, { searchMs: performance.now() - searchStarted, searchSteps: search.steps, searchLongestStepMs: search.longestStepMs });
} else if (phase === "bare") {
  // A table as wide as the file, no key, no index: what parsing and inserting the file costs, whatever our schema is.
  const Database = (await import("better-sqlite3")).default;
  const sqlite = new Database(process.env.DATABASE_PATH!);
  sqlite.pragma("journal_mode = WAL");
  let insert: ReturnType<typeof sqlite.prepare> | null = null;
  let rows = 0;
  sqlite.exec("BEGIN");
  await new Promise<void>((resolve, reject) => {
    Papa.parse(fs.createReadStream(file, "utf8") as unknown as File, {
      step: (res: Papa.ParseStepResult<string[]>) => {
        const cells = res.data;
        if (!insert) {
          sqlite.exec(`create table bare (${cells.map((_, i) => `c${i} text`).join(", ")})`);
          insert = sqlite.prepare(`insert into bare values (${cells.map(() => "?").join(", ")})`);
          return;
        }
        if (cells.length === 1 && cells[0] === "") return;
        insert.run(cells);
        rows++;
      },
      complete: () => resolve(),
      error: reject,
    });
  });
  sqlite.exec("COMMIT");
  out.rows = rows;
} else if (phase === "writer") {
  const db = openDatabase();
  db.$client.pragma("busy_timeout = 0"); // as the server's connection: wait between turns, not inside SQLite
  let saves = 0;
  let longestWaitMs = 0;
  let stop = false;
  process.stdin.on("data", () => {});
  process.stdin.on("end", () => (stop = true));
  const today = todayInTokyo();
  while (!stop) {
    const t = performance.now();
    await retryWhileBusy(
      () =>
        createIncident(db, {
          ref: null, occurred_at: `${today}T09:00:00+09:00`, reported_at: null, department: "ベンチ部", in_tokyo: true, channel: "C2",
          client: null, counterparty_type: null, customer_identified: null, validity: null, behaviours: ["MA02"], legal_flags: [],
          severity: 2, duration_min: 10, contact_count: null, responders: null, recorded: null, summary: `保存の待ち時間の測定 ${saves}`,
          verbatim: null, determination: null, responses: [], care: [], outcome: null, status: "open", closed_at: null,
          report_submitted_at: null, prevention: null,
        }, { today }),
      3_600_000,
    );
    longestWaitMs = Math.max(longestWaitMs, performance.now() - t);
    saves++;
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(JSON.stringify({ saves, longestWaitMs }));
  process.exit(0);
} else {
  throw new Error(`unknown phase ${phase}`);
}

/**
 * This process's own peak RSS. getrusage's maxRSS (process.resourceUsage) is not: Linux keeps it across fork and exec,
 * so a child starts with its parent's RSS at the spawn (the bench that just wrote a workbook: 356 MB for an import of
 * 40 MB). VmHWM is the high-water mark of this process's own memory since exec.
 */
function peakRssMb(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (kb) return Number(kb[1]) / 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS / 1024;
}

console.log(JSON.stringify({ ms: performance.now() - started, maxRssMb: peakRssMb(), ...out }));
