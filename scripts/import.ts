/**
 * `npm run import -- FILE [--dry-run] [--skip-invalid] [--update] [--encoding auto|utf-8|shift_jis|utf-16le] [--json]`
 * (docs/spec/csv-import.md, a contract). Extensions: `--batches` lists import batches, `--undo BATCH_ID` undoes one.
 *
 * Exit status: 0 the batch was committed, or a dry run found no invalid row; 1 invalid rows stopped it (or a dry run
 * found some); 2 the file is unusable (unknown encoding, not delimited text, no header, a required column missing, a
 * record too long to read: an unclosed quote, a file that is not CSV) or the command line is wrong.
 */
import os from "node:os";
import { openDatabase } from "../db/client.server";
import { translate } from "../app/i18n";
import { AppError } from "../app/modules/errors";
import type { Actor } from "../app/modules/auth/audit.server";
import { listBatches, undoBatch } from "../app/modules/import/batches.server";
import { importFile, type ImportResult, UnusableFile } from "../app/modules/import/commit.server";
import { ENCODINGS, type Encoding } from "../app/modules/import/decode";
import { parseCommandLine, usageError } from "./command-line";

const USAGE =
  "usage: npm run import -- FILE [--dry-run] [--skip-invalid] [--update] [--encoding auto|utf-8|shift_jis|utf-16le] [--json]\n" +
  "       npm run import -- --batches [--json]\n" +
  "       npm run import -- --undo BATCH_ID [--json]";
const SHOWN_ERRORS = 50;

function usage(message: string): never {
  return usageError(message, USAGE);
}

const args = parseCommandLine({
  allowPositionals: true,
  options: {
    "dry-run": { type: "boolean", default: false },
    "skip-invalid": { type: "boolean", default: false },
    update: { type: "boolean", default: false },
    encoding: { type: "string", default: "auto" },
    json: { type: "boolean", default: false },
    batches: { type: "boolean", default: false },
    undo: { type: "string" },
  },
}, USAGE);
const { values: opts, positionals } = args;
const json = opts.json;
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
/** The command line acts as the operating-system user; its imports and undos are audited under that name. */
const actor: Actor = { userId: null, name: `${os.userInfo().username} (cli)`, ip: null };

if (opts.batches || opts.undo !== undefined) {
  const db = openDatabase();
  if (opts.batches) {
    const batches = listBatches(db);
    if (json) print(batches);
    else if (batches.length === 0) console.log("取り込み履歴はありません。");
    else {
      for (const b of batches) {
        const state = b.undoneAt ? `取消済 ${b.undoneAt}` : `保存 ${b.stored}件`;
        console.log(`${b.id}  ${b.createdAt}  ${b.fileName}  取込${b.imported} 更新${b.updated} 重複${b.duplicates} エラー${b.invalid}  ${state}`);
      }
    }
    process.exit(0);
  }
  try {
    const r = undoBatch(db, opts.undo!, actor);
    if (json) print({ batchId: opts.undo, ...r });
    else console.log(`バッチ ${opts.undo} を取り消しました: 削除 ${r.deleted}件、復元 ${r.restored}件`);
    process.exit(0);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const message = translate("ja", e.userMessage);
    if (json) print({ batchId: opts.undo, error: message });
    else console.error(message);
    process.exit(1);
  }
}

if (positionals.length !== 1) usage(positionals.length ? "give one file" : "no file given");
if (!(["auto", ...ENCODINGS] as string[]).includes(opts.encoding)) usage(`unknown --encoding "${opts.encoding}"`);
const file = positionals[0];

function progressBar(): ((done: number, total: number) => void) | undefined {
  if (json || !process.stderr.isTTY) return undefined;
  let last = -1;
  return (done, total) => {
    const pct = total ? Math.floor((done / total) * 100) : 100;
    if (pct === last) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(pct).padStart(3)}%`);
    if (pct === 100) process.stderr.write("\n");
  };
}

function report(r: ImportResult): void {
  const delimiter = r.delimiter === "\t" ? "タブ" : "カンマ";
  console.log(`ファイル: ${r.file}  文字コード: ${r.encoding}  区切り: ${delimiter}`);
  if (r.warnings.unknownColumns.length) console.log(`注意: 認識できない列を無視しました: ${r.warnings.unknownColumns.join("、")}`);
  if (r.warnings.repeatedColumns.length) console.log(`注意: 同じ項目の列が重複しているため無視しました: ${r.warnings.repeatedColumns.join("、")}`);
  if (!r.dryRun && !r.blocked) {
    console.log(`行数 ${r.rows}  取込 ${r.imported}  更新 ${r.updated}  重複 ${r.duplicates}  エラー ${r.invalid}`);
  } else {
    // Nothing was stored: say what the valid rows would do, apart from what was done (nothing).
    const v = r.valid;
    console.log(`行数 ${r.rows}  エラー ${r.invalid}  保存 0件 — 正しい行 ${v.rows}件を保存すると: 取込 ${v.imported}  更新 ${v.updated}  重複 ${v.duplicates}`);
  }
  for (const e of r.errors.slice(0, SHOWN_ERRORS)) {
    console.log(`  ${e.row}行目 ${e.column}${e.value ? `「${e.value}」` : ""}: ${e.message}`);
  }
  if (r.invalid && r.errors.length > SHOWN_ERRORS) console.log(`  …ほか ${r.errors.length - SHOWN_ERRORS}件以上のエラー`);
  if (r.errorFileFailure) console.log(`注意: エラーファイルを書き出せませんでした: ${r.errorFileFailure}`);
  if (r.errorFile) console.log(`エラーのあった行を書き出しました: ${r.errorFile}(修正して再度取り込めます)`);
  if (r.importedBefore) console.log(`同じ内容のファイルを ${r.importedBefore.at} に取り込み済みです(バッチ ${r.importedBefore.batchId})。`);
  if (r.dryRun) console.log(r.invalid ? "確認のみ(--dry-run): エラーがあります。何も保存していません。" : "確認のみ(--dry-run): 問題はありません。何も保存していません。");
  else if (r.committed) console.log(`保存しました(バッチ ${r.batchId})。`);
  else if (r.blocked) console.log("エラーがあるため何も保存していません。--skip-invalid を付けると正しい行だけを保存します。");
  else console.log("新しい事案・変更はありませんでした(すべて登録済み)。何も保存していません。");
}

const db = openDatabase();
try {
  const result = await importFile(db, file, {
    dryRun: opts["dry-run"],
    skipInvalid: opts["skip-invalid"],
    update: opts.update,
    encoding: opts.encoding as Encoding | "auto",
    actor,
    onProgress: progressBar(),
    // The spec's error file belongs to --skip-invalid: then it holds the rows left out, to fix and import again.
    errorFilePath: opts["skip-invalid"] ? undefined : null,
    // Every error is reported (the JSON stays bounded on a file where every row fails; errorsTruncated says so).
    maxErrors: 100_000,
  });
  // The JSON keeps the contract's shape: errors carry row, column, value and the Japanese message.
  if (json) print({ ...result, errors: result.errors.map(({ messageKey: _k, ...e }) => e), preview: undefined });
  else report(result);
  // Invalid rows fail the run unless --skip-invalid stored the valid ones; a dry run reports them with 1 as well.
  process.exit(result.invalid > 0 && (result.dryRun || !opts["skip-invalid"]) ? 1 : 0);
} catch (e) {
  const unusable = e instanceof UnusableFile ? { message: e.message, partial: e.partial } : null;
  if (!unusable) throw e;
  if (json) print({ file, encoding: null, ...unusable.partial, error: unusable.message, rows: 0, imported: 0, updated: 0, duplicates: 0, invalid: 0, dryRun: opts["dry-run"], batchId: null, errors: [], valid: { rows: 0, imported: 0, updated: 0, duplicates: 0 } });
  else console.error(`取り込めません: ${unusable.message}`);
  process.exit(2);
}
