/**
 * `npm run evidence -- --period P --out FILE [--personal-data] [--json]` (issue 20): writes the evidence pack of a period
 * (app/modules/evidence-pack, docs/decisions/0034) as a ZIP and prints its manifest's summary (`--json`: the manifest).
 * Personal data is left out unless `--personal-data` is given; either way the export is audited.
 *
 * Exit status: 0 the pack was written; 2 a wrong command line (unknown option, no --out, a period that cannot be read).
 */
import fs from "node:fs";
import os from "node:os";
import { translate } from "../app/i18n";
import { openDatabase } from "../db/client.server";
import { buildEvidencePack } from "../app/modules/evidence-pack/pack.server";
import { parsePeriod } from "../app/modules/reports/periods";
import { getSettings } from "../app/modules/settings/settings.server";
import { todayInTokyo } from "../app/modules/incidents/dates";
import { parseCommandLine, usageError } from "./command-line";

const USAGE = "usage: npm run evidence -- --period P --out FILE [--personal-data] [--json]";

const { values: o } = parseCommandLine(
  {
    options: {
      period: { type: "string" },
      out: { type: "string" },
      "personal-data": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  },
  USAGE,
);
if (!o.period) usageError("--period を指定してください (e.g. FY2025, 2025-Q2, 2025-04, 2025-04-01..2025-06-30)", USAGE);
if (!o.out) usageError("--out で書き出すファイルを指定してください (--out is required)", USAGE);

const db = openDatabase();
try {
  const period = parsePeriod(o.period, getSettings(db).fiscalYearStartMonth);
  if (!period) usageError(translate("ja", "pack.badPeriod", { period: o.period }), USAGE);
  const actor = { userId: null, name: `${os.userInfo().username} (cli)`, ip: null };
  const pack = buildEvidencePack(db, period, { personalData: o["personal-data"], actor, today: todayInTokyo() });
  fs.writeFileSync(o.out, pack.zip);
  if (o.json) {
    console.log(JSON.stringify({ out: o.out, sha256: pack.sha256, manifest: pack.manifest }, null, 2));
  } else {
    const m = pack.manifest;
    console.log(`証跡パッケージ ${m.period.label}(${m.period.from} 〜 ${m.period.to})を書き出しました: ${o.out}`);
    console.log(`個人情報: ${m.personalData ? "含む" : "含まない"} / ファイル ${m.files.length} 件 / 確定済み報告書 ${m.issuedReports.length} 件`);
    for (const f of m.files) console.log(`  ${f.sha256}  ${String(f.size).padStart(8)}  ${f.name}`);
    console.log(`ZIP SHA-256: ${pack.sha256}`);
  }
} finally {
  db.$client.close();
}
