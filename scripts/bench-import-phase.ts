/** One measured phase of `npm run bench -- import`, in a process of its own so its peak RSS is its own. */
import fs from "node:fs";
import Papa from "papaparse";
import { openDatabase } from "../db/client.server";
import { importFile } from "../app/modules/import/commit.server";
import { fingerprintOf } from "../app/modules/incidents/mutations.server";

const [phase, file] = process.argv.slice(2);
const db = openDatabase();
const started = performance.now();
let rows = 0;

if (phase === "import") {
  const r = await importFile(db, file, { errorFilePath: null });
  if (!r.committed || r.invalid) throw new Error(`import did not commit: ${JSON.stringify({ ...r, errors: r.errors.slice(0, 5) })}`);
  rows = r.imported;
} else {
  // The floor: the same file parsed and every column and code written into the same tables and indexes, taking each
  // cell as it is (the bench file holds codes and ISO dates), with nothing read, checked or de-duplicated.
  const sqlite = db.$client;
  const cols = [
    "ref", "occurred_at", "occurred_on", "reported_at", "department_id", "in_tokyo", "channel", "client_id",
    "counterparty_type", "customer_identified", "validity", "severity", "duration_min", "contact_count", "responders",
    "recorded", "summary", "verbatim", "determination", "outcome", "status", "closed_at", "report_submitted_at",
    "prevention", "fingerprint",
  ];
  const insert = sqlite.prepare(`insert into incidents (${cols.join(",")}) values (${cols.map(() => "?").join(",")})`);
  const insertCode = sqlite.prepare("insert into incident_codes (incident_id, field, code, occurred_on) values (?, ?, ?, ?)");
  const ids = (table: string) => {
    const cache = new Map<string, number>();
    const add = sqlite.prepare(`insert into ${table} (name, normalized_name) values (?, ?) on conflict do nothing`);
    const find = sqlite.prepare(`select id from ${table} where normalized_name = ?`).pluck();
    return (name: string) => {
      if (!name) return null;
      let id = cache.get(name);
      if (id === undefined) {
        add.run(name, name);
        id = find.get(name) as number;
        cache.set(name, id);
      }
      return id;
    };
  };
  const department = ids("departments");
  const client = ids("clients");
  const yn = (v: string) => (v === "はい" ? 1 : v === "いいえ" ? 0 : null);
  const num = (v: string) => (v === "" ? null : Number(v));
  const orNull = (v: string) => (v === "" ? null : v);
  const lists: [string, number][] = [["behaviours", 10], ["legal_flags", 11], ["responses", 20], ["care", 21]];
  sqlite.exec("BEGIN");
  let header = true;
  await new Promise<void>((resolve, reject) => {
    Papa.parse(fs.createReadStream(file, "utf8") as unknown as File, {
      step: (res: Papa.ParseStepResult<string[]>) => {
        if (header) {
          header = false;
          return;
        }
        const c = res.data;
        if (c.length < 27) return;
        const day = c[1].slice(0, 10);
        const id = insert.run(
          orNull(c[0]), c[1], day, orNull(c[2]), department(c[3]), yn(c[4]), c[5], client(c[6]), orNull(c[7]), yn(c[8]),
          orNull(c[9]), num(c[12]), num(c[13]), num(c[14]), num(c[15]), yn(c[16]), orNull(c[17]), orNull(c[18]),
          orNull(c[19]), orNull(c[22]), c[23] === "終了" ? "closed" : "open", orNull(c[24]), orNull(c[25]), orNull(c[26]),
          fingerprintOf({ occurred_at: c[1], client: c[6], department: c[3], channel: c[5], summary: c[17] }),
        ).lastInsertRowid;
        for (const [field, i] of lists) for (const code of c[i].split(";")) if (code) insertCode.run(id, field, code, day);
        rows++;
      },
      complete: () => resolve(),
      error: reject,
    });
  });
  sqlite.exec("COMMIT");
}

const ms = performance.now() - started;
console.log(JSON.stringify({ ms, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
