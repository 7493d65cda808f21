/**
 * Importing a file (docs/spec/csv-import.md, docs/decisions/0017): a pipeline in two passes.
 *
 * 1. Check, without the write lock: the record source (source.server.ts: CSV, or a workbook in xlsx-source.server.ts,
 *    chosen by the file's content) hands over the records; the row pipeline
 *    (pipeline.ts) maps the header, parses and validates each record; the de-duplication stage sorts each valid row
 *    into new, replacement or duplicate, and the staging file (staging.server.ts) keeps the new and replacing rows.
 *    Failed rows go to the error file. Other users write as usual meanwhile.
 * 2. Store, only when the batch goes ahead (not a dry run, no invalid row in the default mode, something to add):
 *    one `BEGIN IMMEDIATE … COMMIT` on the caller's connection that merges the staged rows (merge.server.ts), records
 *    the batch and its audit entry. All or nothing: a failure rolls it back; a crash or kill leaves SQLite's journal to
 *    undo it, and the staging file is thrown away.
 *
 * Give importFile a connection of its own: the staging file is attached to it for the length of the import.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { beginImmediate } from "../../../db/busy.server";
import { importBatches } from "../../../db/schema";
import { translate } from "~/i18n";
import { todayInTokyo } from "../incidents/dates";
import { fingerprintOf } from "../incidents/mutations.server";
import { notifyIncidentsImported } from "../notifications/events.server";
import { audit } from "../auth/audit.server";
import { DepartmentSpelling } from "../departments/lookup.server";
import { canonicalHeader } from "./columns";
import { defaultErrorFilePath, ErrorFile } from "./error-file.server";
import { type Header, readHeader, readRecord } from "./pipeline";
import { fileMessage, type ImportOptions, type ImportResult, UnusableFile } from "./result";
import { type OnRecord, openSource } from "./source.server";
import { Staging } from "./staging.server";
import { mergeStaged } from "./merge.server";
import { mappingByName, mappingForHeaders, type SavedMapping } from "./mappings.server";
import { ProgressMeter } from "./progress";

export { UnusableFile };
export type { ImportError, ImportOptions, ImportResult, RowOutcomes } from "./result";

const DEFAULT_MAX_ERRORS = 1_000;
/** How many new department names a result lists (all are counted). */
const NEW_DEPARTMENTS_SHOWN = 100;

export async function importFile(db: Db, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const dryRun = opts.dryRun ?? false;
  const meter = opts.onProgress ? new ProgressMeter(opts.onProgress, { willStore: !dryRun }) : null;
  // The rows counted so far go with the bytes read (docs/decisions/0020).
  const onBytes = meter ? (bytesRead: number, totalBytes: number) => meter.reading(result.rows, bytesRead, totalBytes) : undefined;
  // By content: a workbook (.xlsx) or delimited text, whatever the file is called (an upload is kept as .csv).
  const source = openSource(file, { encoding: opts.encoding, sheet: opts.sheet, onProgress: onBytes });
  const { encoding, delimiter } = source;
  const today = opts.today ?? todayInTokyo();
  const maxErrors = opts.maxErrors ?? DEFAULT_MAX_ERRORS;
  const update = opts.update ?? false;
  const fileName = opts.fileName ?? path.basename(file);
  const started = performance.now();

  const result: ImportResult = {
    file: fileName, encoding, rows: 0, imported: 0, updated: 0, duplicates: 0, invalid: 0, dryRun, batchId: null, errors: [],
    valid: { rows: 0, imported: 0, updated: 0, duplicates: 0 }, delimiter, sha256: "", columns: [], warnings: { unknownColumns: [], repeatedColumns: [] }, closedDateUnknown: 0, newDepartments: { names: [], count: 0 }, preset: null, savedMapping: null, errorsTruncated: false,
    errorFile: null, errorFileFailure: null, importedBefore: null, preview: [], blocked: false, committed: false,
    timings: { checkMs: 0, storeMs: 0 },
  };
  // What the valid rows do; they become this run's counts only if the batch is stored (or stores nothing new).
  const valid = result.valid;

  let header = null as Header | null;
  let errorFile = null as ErrorFile | null;
  let record = 0;
  const staging = new Staging(db);
  const departments = new DepartmentSpelling(db);
  try {
    /** Pass 1, one record at a time, in file order; the first non-blank record is the header. */
    const onRecord: OnRecord = (cells, unclosedQuote, problems): void => {
      record++;
      if (header === null) {
        const saved = opts.mappingOverrides === undefined ? savedMappingFor(db, cells, opts.savedMapping ?? "auto") : null;
        header = saved
          ? readHeader(cells, saved.columns, opts.preset === undefined || opts.preset === "auto" ? (saved.preset ?? "none") : opts.preset)
          : readHeader(cells, opts.mappingOverrides, opts.preset);
        if (header === null) return;
        result.savedMapping = saved?.name ?? null;
        result.columns = header.columns;
        result.preset = header.preset;
        result.warnings = { unknownColumns: header.mapping.unknown, repeatedColumns: header.mapping.repeated };
        if (header.mapping.missing.length) {
          throw new UnusableFile(
            "missingColumns",
            fileMessage("import.file.missingColumns", { columns: header.mapping.missing.map(canonicalHeader).join("、") }),
            { columns: result.columns, encoding, delimiter, preset: result.preset },
          );
        }
        errorFile = new ErrorFile(opts.errorFilePath === undefined ? defaultErrorFilePath(file) : opts.errorFilePath, header.headers, delimiter);
        return;
      }
      const read = readRecord(cells, unclosedQuote, header, today, problems);
      if (read === null) return;
      result.rows++;
      if (!read.ok) {
        result.invalid++;
        if (!opts.skipInvalid) result.blocked = true;
        for (const e of read.errors) {
          if (result.errors.length < maxErrors) {
            result.errors.push({
              row: record, column: e.column, value: e.value, message: translate("ja", e.message.key, e.message.params), messageKey: e.message,
            });
          } else result.errorsTruncated = true;
        }
        errorFile!.write(cells, read.errors);
        return;
      }
      const department = departments.of(read.input.department);
      const input = department === read.input.department ? read.input : { ...read.input, department };
      if (input.closed_date_unknown) result.closedDateUnknown++;
      if (result.preview.length < (opts.previewRows ?? 0)) result.preview.push(input);
      const fingerprint = fingerprintOf(input);
      const decision = staging.decide(input, fingerprint, update);
      if (decision.kind === "duplicate") valid.duplicates++;
      else if (decision.kind === "insert") valid.imported++;
      else valid.updated++;
      staging.write(record, input, decision, fingerprint);
    };

    const { sha256, sheet, sheets } = await source.read(onRecord);
    meter?.enter("indexing", { rowsRead: result.rows });
    staging.finish();
    if (sheet !== undefined) Object.assign(result, { sheet, sheets });
    if (header === null) throw new UnusableFile("noHeader", fileMessage("import.file.noHeader"), sheet === undefined ? undefined : { sheet, sheets });

    result.sha256 = sha256;
    result.newDepartments = staging.newDepartments(NEW_DEPARTMENTS_SHOWN);
    result.errorFile = (errorFile as ErrorFile | null)?.close() ?? null;
    result.errorFileFailure = (errorFile as ErrorFile | null)?.failure ?? null;
    result.importedBefore = previousImport(db, result.sha256);
    valid.rows = result.rows - result.invalid;
    result.timings.checkMs = performance.now() - started;

    // A blocked batch or a dry run stores nothing: its counts are 0, and `valid` says what a real run would do. A batch
    // that adds or changes nothing (a file imported again) is not kept either, but its rows were really skipped as
    // duplicates, so it says so.
    const ran = !dryRun && !result.blocked;
    if (ran && valid.imported + valid.updated > 0) await store(db, staging, result, { ...opts, fileName, today, update, meter });
    if (ran) Object.assign(result, { imported: valid.imported, updated: valid.updated, duplicates: valid.duplicates });
    meter?.done();
    return result;
  } finally {
    (errorFile as ErrorFile | null)?.close();
    staging.close();
  }
}

/** Pass 2: the staged rows, the batch and its audit entry, in one write transaction. */
async function store(
  db: Db,
  staging: Staging,
  result: ImportResult,
  opts: ImportOptions & { fileName: string; today: string; update: boolean; meter: ProgressMeter | null },
): Promise<void> {
  const sqlite = db.$client;
  // The wait for the write lock (another import's merge) is part of storing, at 0 rows.
  opts.meter?.enter("storing", { rowsToStore: result.valid.imported + result.valid.updated });
  // Waits for another writer (another import, another process) between event-loop turns, so that a server running
  // this import keeps answering while it waits (docs/decisions/0009).
  await beginImmediate(sqlite);
  const started = performance.now();
  try {
    const batchId = randomUUID();
    const valid = result.valid;
    db.insert(importBatches)
      .values({
        id: batchId, fileName: opts.fileName, sha256: result.sha256, encoding: result.encoding, delimiter: result.delimiter,
        importedBy: opts.importedBy ?? opts.actor?.name ?? null,
      })
      .run();
    mergeStaged(db, staging, valid, { batchId, update: opts.update, today: opts.today, meter: opts.meter ?? undefined, chunkRows: opts.mergeChunkRows });
    if (valid.imported + valid.updated === 0) {
      // Another writer stored every one of these rows meanwhile: nothing is added, and no batch is kept.
      sqlite.exec("ROLLBACK");
      return;
    }
    db.update(importBatches)
      .set({ rows: result.rows, imported: valid.imported, updated: valid.updated, duplicates: valid.duplicates, invalid: result.invalid })
      .where(eq(importBatches.id, batchId))
      .run();
    if (opts.actor) {
      audit(db, opts.actor, "import.committed", { type: "import_batch", id: batchId }, {
        file: opts.fileName, rows: result.rows, imported: valid.imported, updated: valid.updated,
        duplicates: valid.duplicates, invalid: result.invalid,
      });
    }
    // One notification per department with new incidents, not one per row (issue 19).
    notifyIncidentsImported(db, batchId, opts.actor?.userId ?? null);
    sqlite.exec("COMMIT");
    result.batchId = batchId;
    result.committed = true;
  } finally {
    if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    result.timings.storeMs = performance.now() - started;
  }
}

/** The saved mapping to read a header row with: the one named, the one saved for these headers ("auto"), or none. */
function savedMappingFor(db: Db, cells: readonly string[], choice: string): SavedMapping | null {
  if (choice === "none" || cells.every((c) => c.trim() === "")) return null;
  if (choice !== "auto") {
    const named = mappingByName(db, choice);
    if (!named) throw new UnusableFile("mappingNotFound", fileMessage("import.file.mappingNotFound", { name: choice }));
    return named;
  }
  return mappingForHeaders(db, cells.map((c) => c.trim()));
}

function previousImport(db: Db, sha256: string): ImportResult["importedBefore"] {
  const prior = db
    .select({ id: importBatches.id, at: importBatches.createdAt })
    .from(importBatches)
    .where(and(eq(importBatches.sha256, sha256), isNull(importBatches.undoneAt)))
    .orderBy(desc(importBatches.createdAt))
    .get();
  return prior ? { batchId: prior.id, at: prior.at } : null;
}
