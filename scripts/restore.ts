/**
 * `npm run restore -- FILE [--yes]`: restores a backup into DATABASE_PATH (default data/kasuhara.db), also while the
 * app is running (docs/decisions/0010). Shows when the backup was taken and its row counts beside the current ones,
 * then asks to type `restore` (on a terminal) unless --yes is given. The current database is first saved as
 * `${BACKUP_DIR:-data/backups}/pre-restore-YYYYMMDD-HHmmss.db`; everyone has to sign in again afterwards.
 *
 * Exit status: 0 restored; 1 the backup failed verification (or the restore itself failed; the database is then as it
 * was); 2 a wrong command line, no such file, or not confirmed (no terminal and no --yes, or something else typed).
 */
import os from "node:os";
import readline from "node:readline/promises";
import { translate } from "../app/i18n";
import type { Actor } from "../app/modules/auth/audit.server";
import { BackupError, type BackupErrorCode } from "../app/modules/backup/errors";
import { countFile, findBackupBySha } from "../app/modules/backup/history.server";
import { databasePath } from "../app/modules/backup/paths.server";
import { restoreDatabase, verifyBackupFile, type VerifiedBackup } from "../app/modules/backup/restore.server";
import { formatBytes } from "../app/modules/backup/format";
import { displayInstant } from "../app/modules/incidents/dates";
import { parseCommandLine, usageError } from "./command-line";

const USAGE = "usage: npm run restore -- FILE [--yes]";

function usage(message: string): never {
  return usageError(message, USAGE);
}

/** Errors about the command line rather than the backup's content. */
const REFUSED: BackupErrorCode[] = ["notFound", "sameFile"];

function fail(e: unknown): never {
  if (!(e instanceof BackupError)) throw e;
  console.error(translate("ja", "cli.restore.cannot", { message: e.message }));
  process.exit(REFUSED.includes(e.code) ? 2 : 1);
}

const args = parseCommandLine({ allowPositionals: true, options: { yes: { type: "boolean", default: false } } }, USAGE);
const { values: o, positionals } = args;
if (positionals.length !== 1) usage(translate("ja", positionals.length ? "cli.restore.oneFile" : "cli.restore.noFile"));
const file = positionals[0];
const target = databasePath();
const actor: Actor = { userId: null, name: `${os.userInfo().username} (cli)`, ip: null };

let verified: VerifiedBackup;
try {
  verified = await verifyBackupFile(file);
} catch (e) {
  fail(e);
}

const known = findBackupBySha(target, verified.sha256);
const current = countFile(target);
console.log(translate("ja", "cli.restore.backup", { file: verified.file }));
console.log(
  known
    ? translate("ja", "cli.restore.takenRecorded", { at: displayInstant(known.startedAt), user: known.userName })
    : translate("ja", "cli.restore.takenFileTime", { at: displayInstant(verified.modifiedAt) }),
);
console.log(translate("ja", "cli.restore.size", { size: formatBytes(verified.bytes), sha256: verified.sha256 }));
console.log(translate("ja", "cli.restore.verified"));
if (verified.pendingMigrations > 0) {
  console.log(translate("ja", "cli.restore.olderVersion", { n: verified.pendingMigrations }));
}
console.log(translate("ja", current ? "cli.restore.into" : "cli.restore.intoNew", { file: target }));
const tables = [...new Set([...Object.keys(verified.counts), ...Object.keys(current ?? {})])].filter((t) => t !== "__drizzle_migrations").sort();
const width = Math.max(...tables.map((t) => t.length), 5);
console.log(`\n  ${"table".padEnd(width)}  ${"backup".padStart(10)}  ${"current".padStart(10)}`);
for (const t of tables) {
  const b = verified.counts[t];
  const c = current?.[t];
  const mark = b !== c ? "  *" : "";
  console.log(`  ${t.padEnd(width)}  ${(b ?? "-").toLocaleString().padStart(10)}  ${(c ?? "-").toLocaleString().padStart(10)}${mark}`);
}
console.log("");

if (!o.yes) {
  if (!process.stdin.isTTY) {
    console.error(translate("ja", "cli.restore.notTerminal"));
    process.exit(2);
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(translate("ja", "cli.restore.confirm"));
  rl.close();
  if (answer.trim() !== "restore") {
    console.error(translate("ja", "cli.restore.cancelled"));
    process.exit(2);
  }
}

try {
  const started = Date.now();
  const r = await restoreDatabase(file, target, { actor });
  console.log(translate("ja", "cli.restore.restored", { seconds: ((Date.now() - started) / 1000).toFixed(2), file: r.file, target }));
  if (r.safetyCopy) {
    console.log(translate("ja", "cli.restore.safetyCopy", { file: r.safetyCopy }));
    console.log(translate("ja", "cli.restore.undo", { file: r.safetyCopy }));
  }
  if (r.pendingMigrations > 0) console.log(translate("ja", "cli.restore.migrated", { n: r.pendingMigrations }));
  console.log(translate("ja", "cli.restore.signInAgain"));
  console.log(translate("ja", "cli.restore.serverNote"));
} catch (e) {
  fail(e);
}
