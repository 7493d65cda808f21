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
  if (!/^\d+$/.test(o.keep) || keep < 1) usage(`--keep は1以上の整数です (--keep must be a whole number of at least 1): ${o.keep}`);
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
    console.log(`バックアップを作成し、検証しました (backup written and verified): ${r.file}`);
    console.log(`  元のデータベース (database):  ${source}`);
    console.log(`  サイズ (size):                ${formatBytes(r.bytes)} (${r.bytes.toLocaleString()} bytes)`);
    console.log(`  SHA-256:                      ${r.sha256}`);
    console.log(`  所要時間 (time):              ${(r.ms / 1000).toFixed(2)} s`);
    console.log("  件数 (rows per table):");
    const width = Math.max(...Object.keys(r.counts).map((k) => k.length));
    for (const [table, n] of Object.entries(r.counts)) console.log(`    ${table.padEnd(width)}  ${n.toLocaleString().padStart(10)}`);
    console.log("  検証 (verification): integrity_check ok, foreign_key_check ok, migrations and row counts match → ok");
    for (const f of pruned) console.log(`古いバックアップを削除しました (pruned, --keep ${keep}): ${f}`);
  }
} catch (e) {
  if (!(e instanceof BackupError)) throw e;
  if (o.json) process.stdout.write(`${JSON.stringify({ ok: false, code: e.code, message: e.message }, null, 2)}\n`);
  console.error(`バックアップに失敗しました (backup failed): ${e.message}`);
  process.exit(REFUSED.includes(e.code) ? 2 : 1);
}
