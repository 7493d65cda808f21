/**
 * `npm run import -- FILE [--dry-run] [--skip-invalid] [--update] [--encoding auto|utf-8|shift_jis|utf-16le] [--json]`
 * (docs/spec/csv-import.md, a contract). Extensions: `--batches` lists import batches, `--undo BATCH_ID` undoes one;
 * FILE may be an Excel workbook (.xlsx, told by its content), `--sheet NAME` choosing its sheet (issue 16).
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
import { catchUpSearchIndex } from "../app/modules/incidents/search-index.server";
import { importFile, type ImportResult, UnusableFile } from "../app/modules/import/commit.server";
import { dispatchSoon } from "../app/modules/notifications/mail.server";
import { ENCODINGS, type Encoding } from "../app/modules/import/decode";
import { terminalProgress } from "../app/modules/import/progress-terminal";
import { parseCommandLine, usageError } from "./command-line";
import type { PresetChoice } from "../app/modules/import/pipeline";
import { PRESET_IDS } from "../app/modules/import/presets";

const USAGE =
  "usage: npm run import -- FILE [--dry-run] [--skip-invalid] [--update] [--encoding auto|utf-8|shift_jis|utf-16le] [--sheet NAME] [--json]\n" +
  "         [--preset auto|none|msforms|googleforms|kintone|own] [--mapping NAME|auto|none]\n" +
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
    sheet: { type: "string" },
    json: { type: "boolean", default: false },
    batches: { type: "boolean", default: false },
    undo: { type: "string" },
    preset: { type: "string", default: "auto" },
    mapping: { type: "string", default: "auto" },
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
    else if (batches.length === 0) console.log(translate("ja", "cli.import.noBatches"));
    else {
      for (const b of batches) {
        const state = b.undoneAt ? translate("ja", "cli.import.batchUndone", { at: b.undoneAt }) : translate("ja", "cli.import.batchStored", { n: b.stored });
        console.log(translate("ja", "cli.import.batch", { id: b.id, createdAt: b.createdAt, file: b.fileName, imported: b.imported, updated: b.updated, duplicates: b.duplicates, invalid: b.invalid, state }));
      }
    }
    process.exit(0);
  }
  try {
    const r = undoBatch(db, opts.undo!, actor);
    if (json) print({ batchId: opts.undo, ...r });
    else console.log(translate("ja", "cli.import.undone", { batch: opts.undo!, deleted: r.deleted, restored: r.restored }));
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
if (!["auto", "none", ...PRESET_IDS].includes(opts.preset)) usage(`unknown --preset "${opts.preset}"`);
const file = positionals[0];

function report(r: ImportResult): void {
  const delimiter = translate("ja", r.delimiter === "\t" ? "cli.import.tab" : "cli.import.comma");
  const list = (columns: string[]) => columns.join(translate("ja", "common.listSeparator"));
  if (r.sheet !== undefined) console.log(translate("ja", "cli.import.workbook", { file: r.file, sheet: r.sheet, sheets: list(r.sheets ?? []) }));
  else console.log(translate("ja", "cli.import.file", { file: r.file, encoding: r.encoding, delimiter }));
  if (r.preset) console.log(translate("ja", "cli.import.preset", { preset: r.preset }));
  if (r.savedMapping) console.log(translate("ja", "cli.import.savedMapping", { name: r.savedMapping }));
  if (r.closedDateUnknown) console.log(translate("ja", "cli.import.closedDateUnknown", { n: r.closedDateUnknown }));
  if (r.newDepartments.count) {
    const more = r.newDepartments.count - r.newDepartments.names.length;
    const names = list(more > 0 ? [...r.newDepartments.names, `…(+${more})`] : r.newDepartments.names);
    console.log(translate("ja", "cli.import.newDepartments", { n: r.newDepartments.count, names }));
  }
  if (r.warnings.unknownColumns.length) console.log(translate("ja", "cli.import.unknownColumns", { columns: list(r.warnings.unknownColumns) }));
  if (r.warnings.repeatedColumns.length) console.log(translate("ja", "cli.import.repeatedColumns", { columns: list(r.warnings.repeatedColumns) }));
  if (!r.dryRun && !r.blocked) {
    console.log(translate("ja", "cli.import.counts", { rows: r.rows, imported: r.imported, updated: r.updated, duplicates: r.duplicates, invalid: r.invalid }));
  } else {
    // Nothing was stored: say what the valid rows would do, apart from what was done (nothing).
    const v = r.valid;
    console.log(
      translate("ja", "cli.import.nothingStoredCounts", { rows: r.rows, invalid: r.invalid, validRows: v.rows, imported: v.imported, updated: v.updated, duplicates: v.duplicates }),
    );
  }
  for (const e of r.errors.slice(0, SHOWN_ERRORS)) {
    const where = { row: e.row, column: e.column, value: e.value, message: e.message };
    console.log(translate("ja", e.value ? "cli.import.rowErrorValue" : "cli.import.rowError", where));
  }
  if (r.invalid && r.errors.length > SHOWN_ERRORS) console.log(translate("ja", "cli.import.moreErrors", { n: r.errors.length - SHOWN_ERRORS }));
  if (r.errorFileFailure) console.log(translate("ja", "cli.import.errorFileFailed", { detail: r.errorFileFailure }));
  if (r.errorFile) console.log(translate("ja", "cli.import.errorFile", { file: r.errorFile }));
  if (r.importedBefore) console.log(translate("ja", "cli.import.importedBefore", { at: r.importedBefore.at, batch: r.importedBefore.batchId }));
  if (r.dryRun) console.log(translate("ja", r.invalid ? "cli.import.dryRunErrors" : "cli.import.dryRunOk"));
  else if (r.committed) console.log(translate("ja", "cli.import.stored", { batch: String(r.batchId) }));
  else if (r.blocked) console.log(translate("ja", "cli.import.blocked"));
  else console.log(translate("ja", "cli.import.nothingNew"));
}

const db = openDatabase();
// Stage, bar, rows, rows/s and time left on stderr, only on a terminal and never with --json.
const progress = json ? undefined : terminalProgress();
try {
  const result = await importFile(db, file, {
    dryRun: opts["dry-run"],
    skipInvalid: opts["skip-invalid"],
    update: opts.update,
    encoding: opts.encoding as Encoding | "auto",
    preset: opts.preset as PresetChoice,
    savedMapping: opts.mapping,
    sheet: opts.sheet,
    actor,
    onProgress: progress?.onProgress,
    // The spec's error file belongs to --skip-invalid: then it holds the rows left out, to fix and import again.
    errorFilePath: opts["skip-invalid"] ? undefined : null,
    // Every error is reported (the JSON stays bounded on a file where every row fails; errorsTruncated says so).
    maxErrors: 100_000,
  });
  // The supervisors' mails about the new incidents (issue 19; none without SMTP_URL, a failure is retried by the sweep).
  if (result.committed) await dispatchSoon(db);
  // The JSON keeps the contract's shape: errors carry row, column, value and the Japanese message.
  if (json) print({ ...result, errors: result.errors.map(({ messageKey: _k, ...e }) => e), preview: undefined });
  else report(result);
  // The new incidents into the text search index, after the commit and outside its write lock (docs/decisions/0030).
  if (result.committed) {
    const started = performance.now();
    const indexed = await catchUpSearchIndex(db);
    if (!json && indexed.indexed) {
      console.log(translate("ja", "cli.import.searchIndexed", { count: indexed.indexed.toLocaleString(), seconds: ((performance.now() - started) / 1000).toFixed(1) }));
    }
  }
  // Invalid rows fail the run unless --skip-invalid stored the valid ones; a dry run reports them with 1 as well.
  process.exit(result.invalid > 0 && (result.dryRun || !opts["skip-invalid"]) ? 1 : 0);
} catch (e) {
  progress?.finish();
  const unusable = e instanceof UnusableFile ? { message: e.message, partial: e.partial } : null;
  if (!unusable) throw e;
  if (json) print({ file, encoding: null, ...unusable.partial, error: unusable.message, rows: 0, imported: 0, updated: 0, duplicates: 0, invalid: 0, dryRun: opts["dry-run"], batchId: null, errors: [], valid: { rows: 0, imported: 0, updated: 0, duplicates: 0 } });
  else console.error(translate("ja", "cli.import.unusable", { message: unusable.message }));
  process.exit(2);
}
