/**
 * `npm run bench -- import [--rows N]` (default 1,000,000): writes a realistic CSV of N incidents (canonical Japanese
 * headers, two behaviours per row, 5,000 clients, 20 departments, ten years), then measures, each in a fresh process
 * and database:
 *   bare:   the floor — papaparse streaming the file and a prepared insert of every record's cells into a table of
 *           plain text columns with no index, one transaction. It does not change with our schema or our code.
 *   import: the real importer (decode, map, read every value, validate, de-duplicate, write, one batch), with the node
 *           flags `npm run import` has, while a second process saves an incident the way the form does (waiting for
 *           the write lock) every 250 ms. Its time ends at the commit; the text search index that `npm run import`
 *           then brings up to date in short steps (docs/decisions/0030) is timed and printed on its own, and the
 *           form saves go on meanwhile, so their longest wait covers it too.
 * It prints rows/s, the ratio import / bare, each phase's peak RSS and the longest wait of a form save, with targets.
 *
 * `npm run bench -- import --format xlsx [--rows N]` (default 330,000, about 50 MB; issue 16): the same incidents as an
 * Excel workbook written with exceljs's streaming writer (shared strings as Excel writes them, real date cells), then
 * the import in a fresh process with the flags of `npm run import` — its time and peak RSS against the memory target —
 * and the same rows as CSV through the same import for comparison.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { incidentStream, resolveDemoOptions } from "../app/modules/demo/generate";
import { canonicalHeader } from "../app/modules/import/columns";
import { INCIDENT_FIELDS, type IncidentInput } from "../app/modules/incidents/schema";
import { BEHAVIOURS } from "../app/modules/incidents/taxonomy";
import { todayInTokyo } from "../app/modules/incidents/dates";
import { openDatabase } from "../db/client.server";
import { IMPORT_NODE_FLAGS } from "../app/modules/import/memory";

export const TARGETS = { ratio: 8, rssMb: 250, writerWaitS: 45 } as const;

const yesNo = (b: boolean | null) => (b === null ? "" : b ? "はい" : "いいえ");

function cellsOf(i: IncidentInput): string[] {
  return INCIDENT_FIELDS.map((f) => {
    const v = i[f];
    if (Array.isArray(v)) return v.join(";");
    if (typeof v === "boolean" || f === "in_tokyo" || f === "customer_identified" || f === "recorded") return yesNo(v as boolean | null);
    if (f === "status") return v === "closed" ? "終了" : "対応中";
    return v === null ? "" : String(v);
  });
}

const DEPARTMENTS = Array.from({ length: 20 }, (_, i) => `第${i + 1}営業部`);
const CLIENTS = Array.from({ length: 5_000 }, (_, i) => `株式会社サンプル${String(i + 1).padStart(4, "0")}`);

/** The demo's incidents reshaped to the benchmark's file: 20 departments, 5,000 clients, exactly two behaviours. */
function* benchIncidents(rows: number): Generator<IncidentInput> {
  let n = 0;
  // About `rows` over ten fiscal years; the demo's daily counts vary, so ask for a few more and stop at `rows`.
  for (const incident of incidentStream(resolveDemoOptions({ incidents: Math.ceil(rows * 1.05), years: 10, seed: "bench-import", until: todayInTokyo() }))) {
    const b1 = n % BEHAVIOURS.length;
    const b2 = (b1 + 1 + (n % 3)) % BEHAVIOURS.length;
    yield {
      ...incident,
      department: DEPARTMENTS[n % DEPARTMENTS.length],
      client: CLIENTS[(n * 7919) % CLIENTS.length],
      behaviours: [BEHAVIOURS[b1].code, BEHAVIOURS[b2].code],
    };
    if (++n >= rows) return;
  }
}

export function writeBenchCsv(file: string, rows: number): number {
  const fd = fs.openSync(file, "w");
  let written = 0;
  try {
    fs.writeSync(fd, `${Papa.unparse([INCIDENT_FIELDS.map(canonicalHeader)], { newline: "\r\n" })}\r\n`);
    let batch: string[][] = [];
    const flush = () => {
      if (batch.length) fs.writeSync(fd, `${Papa.unparse(batch, { newline: "\r\n" })}\r\n`);
      batch = [];
    };
    for (const incident of benchIncidents(rows)) {
      batch.push(cellsOf(incident));
      written++;
      if (batch.length === 10_000) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

export interface Phase {
  ms: number;
  maxRssMb: number;
  rows: number;
  /** The import's own times: checking the file (no lock) and storing it (holding the write lock). */
  checkMs?: number;
  lockMs?: number;
  /** After the import: its rows indexed for the text search, in steps (docs/decisions/0030). */
  searchMs?: number;
  searchSteps?: number;
  searchLongestStepMs?: number;
}

/**
 * One phase of bench-import-phase.ts in a process of its own (`nodeFlags` before the script), resolving with the JSON
 * line it prints last. `input` is kept open for the writer probe, which stops when it ends.
 */
function phaseProcess<T>(phase: "bare" | "import" | "writer", file: string, db: string, nodeFlags: readonly string[] = []) {
  const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", path.resolve("scripts/bench-import-phase.ts"), phase, file], {
    env: { ...process.env, DATABASE_PATH: db },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const answer = new Promise<T>((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as T) : reject(new Error(`${phase} failed:\n${err}`)))),
  );
  return { input: child.stdin, answer };
}

/** The import, with the flags of `npm run import`, and a form save every 250 ms from another process; both results. */
async function runImportWithWriter(file: string, db: string): Promise<{ phase: Phase; writer: { saves: number; longestWaitMs: number } }> {
  openDatabase(db).$client.close(); // migrated before either process starts
  const probe = phaseProcess<{ saves: number; longestWaitMs: number }>("writer", file, db);
  await new Promise((r) => setTimeout(r, 1_500)); // the probe is saving before the import starts
  const importer = phaseProcess<Phase>("import", file, db, IMPORT_NODE_FLAGS);
  importer.input.end();
  const phase = await importer.answer;
  probe.input.end(); // stop saving
  return { phase, writer: await probe.answer };
}

export async function benchImport(rows: number): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-bench-import-"));
  try {
    const file = path.join(dir, "incidents.csv");
    const t = performance.now();
    const n = writeBenchCsv(file, rows);
    const mb = fs.statSync(file).size / 1024 / 1024;
    console.log(`wrote ${n.toLocaleString()} rows (${mb.toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s; load average ${os.loadavg()[0].toFixed(2)}`);
    const barePhase = phaseProcess<Phase>("bare", file, path.join(dir, "bare.db"));
    barePhase.input.end();
    const bare = await barePhase.answer;
    const { phase: imp, writer } = await runImportWithWriter(file, path.join(dir, "import.db"));
    const line = (name: string, p: Phase) =>
      `${name.padEnd(8)} ${(p.ms / 1000).toFixed(1).padStart(7)} s ${Math.round(p.rows / (p.ms / 1000)).toLocaleString().padStart(10)} rows/s  peak RSS ${p.maxRssMb.toFixed(0)} MB`;
    console.log(line("bare", bare));
    console.log(line("import", imp));
    if (imp.checkMs !== undefined) {
      console.log(`         checking ${(imp.checkMs / 1000).toFixed(1)} s without the write lock, storing ${((imp.lockMs ?? 0) / 1000).toFixed(1)} s holding it`);
    }
    if (imp.searchMs !== undefined) {
      console.log(
        `then the text search index: ${(imp.searchMs / 1000).toFixed(1)} s in ${imp.searchSteps} steps, the longest holding the write lock ${((imp.searchLongestStepMs ?? 0) / 1000).toFixed(2)} s`,
      );
    }
    const ratio = imp.ms / bare.ms;
    const waitS = writer.longestWaitMs / 1000;
    const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
    console.log(`ratio import / bare: ${ratio.toFixed(2)} (target ≤ ${TARGETS.ratio}) ${verdict(ratio <= TARGETS.ratio)}`);
    console.log(`import peak RSS: ${imp.maxRssMb.toFixed(0)} MB (target < ${TARGETS.rssMb} MB) ${verdict(imp.maxRssMb < TARGETS.rssMb)}`);
    console.log(
      `form saves during the import: ${writer.saves}, longest wait for the lock ${waitS.toFixed(1)} s (target ≤ ${TARGETS.writerWaitS} s) ${verdict(waitS <= TARGETS.writerWaitS)}`,
    );
    console.log(`load average after: ${os.loadavg()[0].toFixed(2)}`);
    return ratio <= TARGETS.ratio && imp.maxRssMb < TARGETS.rssMb && waitS <= TARGETS.writerWaitS;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A Date whose UTC fields are a Tokyo wall clock (`YYYY-MM-DD` or `YYYY-MM-DDTHH:mm:ss+09:00`), as a workbook stores it. */
function wallClock(text: string): Date {
  const [y, m, d, h = 0, mi = 0, s = 0] = text.match(/\d+/g)!.slice(0, 6).map(Number);
  return new Date(Date.UTC(y, m - 1, d, h, mi, s));
}

/** The benchmark's incidents as a workbook: canonical headers, date and date-time cells, numbers as numbers. */
export async function writeBenchXlsx(file: string, rows: number): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet("事案台帳");
  sheet.addRow(INCIDENT_FIELDS.map(canonicalHeader)).commit();
  const dateFields = new Set(["occurred_at", "reported_at", "closed_at", "report_submitted_at"]);
  const numberFields = new Set(["severity", "duration_min", "contact_count", "responders"]);
  let written = 0;
  for (const incident of benchIncidents(rows)) {
    const texts = cellsOf(incident);
    const row = sheet.addRow(
      INCIDENT_FIELDS.map((f, i) => {
        const v = incident[f];
        if (v === null) return null;
        if (dateFields.has(f)) return wallClock(v as string);
        if (numberFields.has(f)) return v as number;
        return texts[i];
      }),
    );
    INCIDENT_FIELDS.forEach((f, i) => {
      if (dateFields.has(f)) row.getCell(i + 1).numFmt = f === "occurred_at" || f === "reported_at" ? "yyyy/mm/dd hh:mm" : "yyyy/mm/dd";
    });
    row.commit();
    written++;
  }
  sheet.commit();
  await workbook.commit();
  return written;
}

/** The import of a ~50 MB workbook in a fresh process with the import's heap flags: time and peak RSS; the same rows as CSV beside it. */
export async function benchImportXlsx(rows: number): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-bench-xlsx-"));
  try {
    const xlsx = path.join(dir, "incidents.xlsx");
    const csv = path.join(dir, "incidents.csv");
    let t = performance.now();
    const n = await writeBenchXlsx(xlsx, rows);
    const mb = (f: string) => fs.statSync(f).size / 1024 / 1024;
    console.log(`wrote ${n.toLocaleString()} rows as a workbook (${mb(xlsx).toFixed(1)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s; load average ${os.loadavg()[0].toFixed(2)}`);
    t = performance.now();
    writeBenchCsv(csv, rows);
    console.log(`wrote the same rows as CSV (${mb(csv).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const run = async (file: string, db: string) => {
      openDatabase(db).$client.close();
      const p = phaseProcess<Phase>("import", file, db, IMPORT_NODE_FLAGS);
      p.input.end();
      return p.answer;
    };
    const x = await run(xlsx, path.join(dir, "xlsx.db"));
    const c = await run(csv, path.join(dir, "csv.db"));
    const line = (name: string, p: Phase) =>
      `${name.padEnd(12)} ${(p.ms / 1000).toFixed(1).padStart(7)} s ${Math.round(p.rows / (p.ms / 1000)).toLocaleString().padStart(10)} rows/s  ` +
      `check ${((p.checkMs ?? 0) / 1000).toFixed(1)} s, store ${((p.lockMs ?? 0) / 1000).toFixed(1)} s  peak RSS ${p.maxRssMb.toFixed(0)} MB`;
    console.log(line("import xlsx", x));
    console.log(line("import csv", c));
    console.log(`xlsx / csv time: ${(x.ms / c.ms).toFixed(2)}`);
    const ok = x.maxRssMb < TARGETS.rssMb && x.rows === n;
    console.log(`xlsx import peak RSS: ${x.maxRssMb.toFixed(0)} MB (target < ${TARGETS.rssMb} MB) ${ok ? "ok" : "MISSED"}`);
    console.log(`load average after: ${os.loadavg()[0].toFixed(2)}`);
    return ok;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
