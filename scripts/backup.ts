/**
 * `npm run backup -- [--out FILE] [--json] [--keep N]`: a consistent online backup of DATABASE_PATH (default
 * data/kasuhara.db) while the app keeps running, verified before it gets its name (docs/decisions/0010).
 * Without --out it writes `${BACKUP_DIR:-data/backups}/kasuhara-YYYYMMDD-HHmmss.db` (Tokyo time). `--keep N`, after a
 * successful backup, deletes the oldest auto-named `kasuhara-*.db` in BACKUP_DIR beyond the newest N.
 *
 * Exit status: 0 the backup was written and verified; 1 it failed or did not verify (recorded in the backups table and
 * the audit log); 2 a wrong command line, no database, or an output file that already exists.
 */
import os from "node:os";
import path from "node:path";
import { translate } from "../app/i18n";
import type { Actor } from "../app/modules/auth/audit.server";
import { backupDatabase, nextBackupFile, pruneBackups } from "../app/modules/backup/backup.server";
import { BackupError, type BackupErrorCode } from "../app/modules/backup/errors";
import { backupDir, databasePath } from "../app/modules/backup/paths.server";
import { formatBytes } from "../app/modules/backup/format";
import { parseCommandLine, usageError } from "./command-line";

const USAGE = "usage: npm run backup -- [--out FILE] [--json] [--keep N]";

function usage(message: string): never {
  return usageError(message, USAGE);
}

const args = parseCommandLine({
  options: {
    out: { type: "string" },
    json: { type: "boolean", default: false },
    keep: { type: "string" },
  },
}, USAGE);
const o = args.values;
let keep: number | null = null;
if (o.keep !== undefined) {
  keep = Number(o.keep);
  if (!/^\d+$/.test(o.keep) || keep < 1) usage(translate("ja", "cli.backup.keep", { keep: o.keep }));
}

/** Refusals before anything was attempted: the command line or the files named on it must change. */
const REFUSED: BackupErrorCode[] = ["noDatabase", "exists"];

const actor: Actor = { userId: null, name: `${os.userInfo().username} (cli)`, ip: null };
const source = databasePath();
const dir = backupDir();
const out = o.out ? path.resolve(o.out) : nextBackupFile(dir);

try {
  const r = await backupDatabase(source, out, { actor, trigger: "cli" });
  const pruned = keep === null ? [] : pruneBackups(dir, keep);
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, ...r, pruned }, null, 2)}\n`);
  } else {
    console.log(translate("ja", "cli.backup.done", { file: r.file }));
    console.log(translate("ja", "cli.backup.database", { file: source }));
    console.log(translate("ja", "cli.backup.size", { size: formatBytes(r.bytes), bytes: r.bytes.toLocaleString() }));
    console.log(`  SHA-256:                      ${r.sha256}`);
    console.log(translate("ja", "cli.backup.time", { seconds: (r.ms / 1000).toFixed(2) }));
    console.log(translate("ja", "cli.backup.rows"));
    const width = Math.max(...Object.keys(r.counts).map((k) => k.length));
    for (const [table, n] of Object.entries(r.counts)) console.log(`    ${table.padEnd(width)}  ${n.toLocaleString().padStart(10)}`);
    console.log(translate("ja", "cli.backup.verified"));
    for (const f of pruned) console.log(translate("ja", "cli.backup.pruned", { keep: String(keep), file: f }));
  }
} catch (e) {
  if (!(e instanceof BackupError)) throw e;
  if (o.json) process.stdout.write(`${JSON.stringify({ ok: false, code: e.code, message: e.message }, null, 2)}\n`);
  console.error(translate("ja", "cli.backup.failed", { message: e.message }));
  process.exit(REFUSED.includes(e.code) ? 2 : 1);
}
