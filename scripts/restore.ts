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
  console.error(`復元できません (cannot restore): ${e.message}`);
  process.exit(REFUSED.includes(e.code) ? 2 : 1);
}

const args = parseCommandLine({ allowPositionals: true, options: { yes: { type: "boolean", default: false } } }, USAGE);
const { values: o, positionals } = args;
if (positionals.length !== 1) usage(positionals.length ? "復元するファイルは1つだけ指定してください (give one file)" : "復元するファイルを指定してください (give the backup file)");
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
console.log(`バックアップ (backup):         ${verified.file}`);
console.log(
  known
    ? `作成日時 (taken at):           ${displayInstant(known.startedAt)} (backups の記録 / recorded, ${known.userName})`
    : `作成日時 (taken at):           ${displayInstant(verified.modifiedAt)} (ファイルの更新日時 / file time)`,
);
console.log(`サイズ (size):                 ${formatBytes(verified.bytes)}   SHA-256 ${verified.sha256}`);
console.log(`検証 (verification):           ok (integrity_check, foreign_key_check, migrations)`);
if (verified.pendingMigrations > 0) {
  console.log(`  古い版のバックアップです。復元時にマイグレーション${verified.pendingMigrations}件を適用します (older version: ${verified.pendingMigrations} migrations will be applied)`);
}
console.log(`復元先 (into):                 ${target}${current ? "" : " (まだありません / does not exist yet)"}`);
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
    console.error(
      "確認できないため中止しました。端末から実行して restore と入力するか、--yes を付けてください。\n" +
        "(refused: not a terminal, so nothing can be confirmed; run it from a terminal, or pass --yes)",
    );
    process.exit(2);
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(
    "現在のデータベースをこのバックアップの内容で置き換えます。全員がサインインし直す必要があります。\n" +
      "復元するには restore と入力してください (type restore to continue): ",
  );
  rl.close();
  if (answer.trim() !== "restore") {
    console.error("中止しました。何も変更していません (cancelled; nothing was changed)");
    process.exit(2);
  }
}

try {
  const started = Date.now();
  const r = await restoreDatabase(file, target, { actor });
  console.log(`復元しました (restored) in ${((Date.now() - started) / 1000).toFixed(2)} s: ${r.file} → ${target}`);
  if (r.safetyCopy) {
    console.log(`復元前のデータベースの退避先 (the database as it was, to undo this): ${r.safetyCopy}`);
    console.log(`  元に戻すには (to undo): npm run restore -- ${r.safetyCopy}`);
  }
  if (r.pendingMigrations > 0) console.log(`マイグレーションを適用しました (migrations applied): ${r.pendingMigrations}`);
  console.log("すべてのセッションを終了しました。全員がサインインし直す必要があります (every session was ended: everyone must sign in again)");
  console.log("動作中のサーバーは、次の操作から復元後の内容を表示します (a running server shows the restored data from its next request)");
} catch (e) {
  fail(e);
}
