/**
 * `npm run bench -- import [--rows N]` (default 1,000,000): writes a realistic CSV of N incidents, then measures, each in
 * a fresh process and database,
 *   bare:   papaparse streaming the file + a prepared insert of each row into the same tables (no checks at all),
 *   import: the real importer (decode, map, read every value, validate, de-duplicate, insert, one transaction),
 * and prints rows/s, the ratio import/bare and each phase's peak RSS.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { incidentStream, resolveDemoOptions } from "../app/modules/demo/generate";
import { canonicalHeader } from "../app/modules/import/columns";
import { INCIDENT_FIELDS, type IncidentInput } from "../app/modules/incidents/schema";
import { todayInTokyo } from "../app/modules/incidents/dates";

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
    for (const incident of incidentStream(resolveDemoOptions({ incidents: rows, seed: "bench-import", until: todayInTokyo() }))) {
      batch.push(cellsOf(incident));
      if (++written >= rows) break;
      if (batch.length === 10_000) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

interface Phase {
  ms: number;
  maxRssMb: number;
  rows: number;
}

function runPhase(phase: "bare" | "import", file: string, db: string): Phase {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.resolve("scripts/bench-import-phase.ts"), phase, file], {
    env: { ...process.env, DATABASE_PATH: db },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${phase} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Phase;
}

export function benchImport(rows: number): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-bench-import-"));
  try {
    const file = path.join(dir, "incidents.csv");
    let t = performance.now();
    const n = writeBenchCsv(file, rows);
    const mb = fs.statSync(file).size / 1024 / 1024;
    console.log(`wrote ${n.toLocaleString()} rows (${mb.toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const bare = runPhase("bare", file, path.join(dir, "bare.db"));
    const imp = runPhase("import", file, path.join(dir, "import.db"));
    const line = (name: string, p: Phase) =>
      `${name.padEnd(8)} ${(p.ms / 1000).toFixed(1).padStart(7)} s ${Math.round(p.rows / (p.ms / 1000)).toLocaleString().padStart(10)} rows/s  peak RSS ${p.maxRssMb.toFixed(0)} MB`;
    console.log(line("bare", bare));
    console.log(line("import", imp));
    console.log(`ratio import / bare: ${(imp.ms / bare.ms).toFixed(2)} (target ≤ 2.00); import peak RSS target < 300 MB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
