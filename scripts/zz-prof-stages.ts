import fs from "node:fs";
import { writeBenchCsv } from "./bench-import";
import { csvSource } from "../app/modules/import/source.server";
import { readHeader, readRecord, type Header } from "../app/modules/import/pipeline";
import { fingerprintOf } from "../app/modules/incidents/mutations.server";
import { openDatabase } from "../db/client.server";
import { Staging } from "../app/modules/import/staging.server";
import { todayInTokyo } from "../app/modules/incidents/dates";
const N = Number(process.argv[2] ?? 200000);
const file = `/tmp/prof/f${N}.csv`;
if (!fs.existsSync(file)) writeBenchCsv(file, N);
const today = todayInTokyo();
async function stage(level: number) {
  const t = performance.now();
  let header: Header | null = null;
  const db = level >= 3 ? openDatabase(`/tmp/prof/s${level}-${Date.now()}.db`) : null;
  const staging = db ? new Staging(db) : null;
  let rec = 0;
  await csvSource(file).read((cells, q) => {
    rec++;
    if (level < 1) return;
    if (!header) { header = readHeader(cells); return; }
    const r = readRecord(cells, q, header, today);
    if (level < 2 || !r || !r.ok) return;
    const fp = fingerprintOf(r.input);
    if (level < 3) return;
    const d = staging!.decide(r.input, fp, false);
    if (level < 4) return;
    staging!.write(rec, r.input, d, fp);
  });
  staging?.commit();
  console.log(`level ${level}: ${((performance.now() - t) / N * 1000).toFixed(1)} µs/row`);
  staging?.close();
}
for (const l of (process.argv[3] ?? "0,1,2,3,4").split(",").map(Number)) await stage(l);
console.log("maxRSS", (process.resourceUsage().maxRSS / 1024).toFixed(0), "MB", JSON.stringify(process.memoryUsage()));
