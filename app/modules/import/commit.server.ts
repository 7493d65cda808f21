/**
 * Importing a CSV file: one pass, one transaction (docs/spec/csv-import.md).
 *
 * bytes → SHA-256 → decoder → papaparse (step) → header mapping → each record read and validated → duplicate check
 * → prepared insert through IncidentWriter. Every valid row is written as it is read, so the duplicate look-ups also
 * see earlier rows of the same file and nothing grows in memory with the file's size (docs/decisions/0004).
 *
 * All or nothing: the batch runs inside `BEGIN IMMEDIATE … COMMIT` on the caller's connection (give it one of its
 * own: the transaction stays open across the stream's reads). An invalid row, in the default mode, blocks the batch:
 * reading goes on so every error is reported, and the transaction is rolled back at the end, as is a dry run. A crash
 * or kill leaves SQLite's journal to undo the batch.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import Papa from "papaparse";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { beginImmediate } from "../../../db/busy.server";
import { importBatchChanges, importBatches, incidents } from "../../../db/schema";
import { translate, type Message } from "~/i18n";
import type { MessageKey } from "~/i18n";
import { AppError } from "../errors";
import { todayInTokyo } from "../incidents/dates";
import { diffFields, fingerprintOf, IncidentWriter } from "../incidents/mutations.server";
import { getIncident, toInput } from "../incidents/queries.server";
import type { IncidentField, IncidentInput } from "../incidents/schema";
import { toCsv } from "../csv";
import { audit, type Actor } from "../auth/audit.server";
import { canonicalHeader, type ColumnMapping, mapColumns } from "./columns";
import { type Detection, detectDelimiter, detectEncoding, type Encoding } from "./decode";
import { decodingStream } from "./decode-stream.server";
import { type CellError, quoteValue, readRow, rowLayout } from "./rows";
import { RecordTooLong } from "./record-guard";

export interface ImportOptions {
  dryRun?: boolean;
  skipInvalid?: boolean;
  update?: boolean;
  encoding?: Encoding | "auto";
  /** Name recorded for the batch (the uploaded file's own name on the web); the path's base name by default. */
  fileName?: string;
  importedBy?: string | null;
  /** Who imports: a committed batch gets an audit entry in its own transaction (and `importedBy` defaults to it). */
  actor?: Actor;
  /** Header text as in the file → field (or "" to ignore the column), chosen by the person importing. */
  mappingOverrides?: Record<string, IncidentField | "">;
  /** Where to write the rows that failed, with an `エラー` column; null for none. Default: beside the file. */
  errorFilePath?: string | null;
  /** How many converted rows to return for a preview. */
  previewRows?: number;
  /** At most this many errors are returned (all are counted, and all go to the error file). */
  maxErrors?: number;
  today?: string;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface ImportError {
  row: number;
  column: string;
  value: string;
  message: string;
  /** The message as a dictionary key, for pages that show it in the user's language. */
  messageKey: Message;
}

/** What the valid rows of a file do: new incidents, replaced ones (`--update`), and duplicates skipped. */
export interface RowOutcomes {
  imported: number;
  updated: number;
  duplicates: number;
}

export interface ImportResult extends RowOutcomes {
  file: string;
  encoding: Encoding;
  rows: number;
  /**
   * `imported`, `updated` and `duplicates` (from RowOutcomes) say what this run did to the database: all 0 when invalid
   * rows stopped it or it was a dry run, whatever the file holds. What it would have done is under `valid`.
   */
  invalid: number;
  dryRun: boolean;
  batchId: string | null;
  errors: ImportError[];
  // Beyond the contract's keys:
  /** The valid rows (`rows` − `invalid`) and what committing them does: equal to the counts above when this run committed. */
  valid: RowOutcomes & { rows: number };
  delimiter: "," | "\t";
  sha256: string;
  columns: { header: string; field: IncidentField | null }[];
  warnings: { unknownColumns: string[]; repeatedColumns: string[] };
  errorsTruncated: boolean;
  errorFile: string | null;
  /** The error file could not be written, and why. */
  errorFileFailure: string | null;
  /** The same file (by SHA-256) was committed before, in this batch. */
  importedBefore: { batchId: string; at: string } | null;
  preview: IncidentInput[];
  /** Invalid rows stopped the batch (the default mode): nothing was stored. */
  blocked: boolean;
  committed: boolean;
}

/**
 * A file the importer cannot read at all (422; exit status 2 on the command line, which prints `message`: the
 * Japanese text of `detail`).
 */
export class UnusableFile extends AppError {
  constructor(
    public readonly reason: "notFound" | "empty" | "binary" | "unknownEncoding" | "noHeader" | "missingColumns" | "recordTooLong",
    detail: Message,
    public readonly partial?: Partial<ImportResult>,
  ) {
    super(422, detail.key, { params: detail.params, logMessage: translate("ja", detail.key, detail.params) });
    this.name = "UnusableFile";
  }

  /** Why, as a message (what the worker thread sends back). */
  get detail(): Message {
    return this.userFacing;
  }
}

// Enough to meet the Japanese text of most files even when the first rows are plain ASCII (English headers, refs,
// dates): a Shift_JIS file read as UTF-8 would otherwise fail on its first Japanese row.
const SAMPLE_BYTES = 1024 * 1024;
const DEFAULT_MAX_ERRORS = 1_000;
const ERROR_COLUMN = "エラー";

function readSample(file: string): Uint8Array {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const n = fs.readSync(fd, buf, 0, SAMPLE_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

export function defaultErrorFilePath(file: string): string {
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}.errors.csv`);
}

const fileMessage = (key: MessageKey, params?: Message["params"]): Message => ({ key, params });

/** Writes failed rows as CSV (UTF-8 with BOM and CRLF, as Excel expects), opened on the first failure. */
class ErrorFile {
  private fd: number | null = null;
  private written = false;
  /** Why the file could not be written (a read-only folder, a full disk): the import goes on without it. */
  failure: string | null = null;
  constructor(
    private readonly target: string | null,
    private readonly headers: readonly string[],
    private readonly delimiter: string,
  ) {}
  write(cells: readonly string[], errors: CellError[]): void {
    if (!this.target || this.failure) return;
    const padded = this.headers.map((_, i) => cells[i] ?? "");
    const message = errors.map((e) => `${e.column}: ${translate("ja", e.message.key, e.message.params)}`).join(" / ");
    try {
      if (this.fd === null) {
        this.fd = fs.openSync(this.target, "w");
        fs.writeSync(this.fd, `\uFEFF${toCsv([[...this.headers, ERROR_COLUMN]], { delimiter: this.delimiter })}\r\n`);
      }
      fs.writeSync(this.fd, `${toCsv([[...padded, message]], { delimiter: this.delimiter })}\r\n`);
    } catch (e) {
      this.failure = `${this.target}: ${(e as Error).message}`;
    }
  }
  /** Closes the file if one was written; safe to call again. Returns its path, or null when no row failed. */
  close(): string | null {
    if (this.fd === null) return this.written ? this.target : null;
    fs.closeSync(this.fd);
    this.fd = null;
    this.written = true;
    return this.target;
  }
}

export async function importFile(db: Db, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new UnusableFile("notFound", fileMessage("import.file.notFound", { file }));
  }
  const totalBytes = fs.statSync(file).size;
  const sample = readSample(file);
  const detected: Detection =
    opts.encoding && opts.encoding !== "auto" ? { ok: true, encoding: opts.encoding, bom: false } : detectEncoding(sample);
  if (!detected.ok) {
    const key = ({ empty: "import.file.empty", binary: "import.file.binary", unknownEncoding: "import.file.unknownEncoding" } as const)[detected.reason];
    throw new UnusableFile(detected.reason, fileMessage(key));
  }
  const encoding = detected.encoding;
  const today = opts.today ?? todayInTokyo();
  const maxErrors = opts.maxErrors ?? DEFAULT_MAX_ERRORS;
  const dryRun = opts.dryRun ?? false;
  const fileName = opts.fileName ?? path.basename(file);

  const hash = createHash("sha256");
  let bytesRead = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytesRead += chunk.length;
      opts.onProgress?.(bytesRead, totalBytes);
      done(null, chunk);
    },
  });
  const decoder = decodingStream(encoding);
  // Comma or tab, from the header line of the sample (papaparse would guess per chunk).
  const delimiter = detectDelimiter(new TextDecoder(encoding).decode(sample, { stream: true }));

  const sqlite = db.$client;
  const result: ImportResult = {
    file: fileName, encoding, rows: 0, imported: 0, updated: 0, duplicates: 0, invalid: 0, dryRun, batchId: null, errors: [],
    valid: { rows: 0, imported: 0, updated: 0, duplicates: 0 }, delimiter, sha256: "", columns: [], warnings: { unknownColumns: [], repeatedColumns: [] }, errorsTruncated: false,
    errorFile: null, errorFileFailure: null, importedBefore: null, preview: [], blocked: false, committed: false,
  };

  // Assigned inside the record handler: typed so that the checks after parsing are not narrowed away.
  let mapping = null as ColumnMapping | null;
  let layout: ReturnType<typeof rowLayout> | null = null;
  let headers: string[] = [];
  let errorFile = null as ErrorFile | null;
  let writer: IncidentWriter | null = null;
  let findByFingerprint: ReturnType<typeof prepareFingerprintLookup> | null = null;
  let record = 0;
  let inTransaction = false;
  // Counted as the rows are written; they become this run's counts only if the batch commits (or stores nothing new).
  const valid = result.valid;

  /** One record of the file, in order; the first is the header. */
  const handle = (cells: string[], parseErrors: Papa.ParseError[]): void => {
    record++;
    if (mapping === null) {
      // Blank lines before the header are skipped like any other blank line.
      if (cells.every((c) => c.trim() === "")) return;
      headers = cells.map((c) => c.trim());
      mapping = mapColumns(headers, opts.mappingOverrides);
      result.delimiter = delimiter;
      result.columns = headers.map((header, i) => ({ header, field: mapping!.fields[i] }));
      result.warnings = { unknownColumns: mapping.unknown, repeatedColumns: mapping.repeated };
      if (mapping.missing.length) {
        throw new UnusableFile(
          "missingColumns",
          fileMessage("import.file.missingColumns", { columns: mapping.missing.map(canonicalHeader).join("、") }),
          { columns: result.columns, encoding, delimiter: result.delimiter },
        );
      }
      layout = rowLayout(mapping, headers);
      errorFile = new ErrorFile(
        opts.errorFilePath === undefined ? defaultErrorFilePath(file) : opts.errorFilePath,
        headers,
        result.delimiter,
      );
      writer = new IncidentWriter(db, { today });
      findByFingerprint = prepareFingerprintLookup(db);
      if (!dryRun) {
        result.batchId = randomUUID();
        db.insert(importBatches)
          .values({ id: result.batchId, fileName, sha256: "", encoding, delimiter: result.delimiter, importedBy: opts.importedBy ?? opts.actor?.name ?? null })
          .run();
      }
      return;
    }
    if (cells.every((c) => c.trim() === "")) return;
    result.rows++;

    // papaparse reports a quote that is never closed (the rest of the file then lands in one cell) on the record.
    const read: ReturnType<typeof readRow> = parseErrors.some((e) => e.type === "Quotes")
      ? { ok: false, errors: [{ column: headers[0] ?? "", value: quoteValue(cells[0] ?? ""), message: { key: "import.row.quotes" } }] }
      : readRow(cells, layout!, today);
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
    const input = read.input;
    if (result.preview.length < (opts.previewRows ?? 0)) result.preview.push(input);

    // Duplicates: by ref when there is one, otherwise by the fingerprint. Every valid row is written (a blocked batch
    // or a dry run is rolled back at the end), so these lookups also see the rows written earlier from this file:
    // duplicates within the file cost no memory, whatever its size.
    if (input.ref) {
      const existing = writer!.idByRef(input.ref);
      if (existing !== undefined) {
        if (!opts.update || !replace(db, writer!, existing, input, result.batchId)) valid.duplicates++;
        else valid.updated++;
        return;
      }
    } else if (findByFingerprint!.get({ fingerprint: fingerprintOf(input) })) {
      valid.duplicates++;
      return;
    }
    // readRow validated it against the same day and the lookup above found its ref free.
    writer!.insertChecked(input, result.batchId);
    valid.imported++;
  };

  // Once something fails, papaparse may still hand over the rest of the chunk it is in: those records are ignored.
  let stopped = false;
  const source = fs.createReadStream(file);
  try {
    // Waits for another writer (another import, another process) between event-loop turns, so that a server running
    // this import keeps answering while it waits (docs/decisions/0009).
    await beginImmediate(sqlite);
    inTransaction = true;
    await new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => {
        stopped = true;
        source.destroy();
        reject(e);
      };
      source.on("error", fail);
      // A record past the importer's ceiling (an unclosed quote, a file that is not CSV) makes the file unusable.
      decoder.on("error", (e) => fail(e instanceof RecordTooLong ? new UnusableFile("recordTooLong", e.detail) : e));
      Papa.parse(source.pipe(tap).pipe(decoder) as unknown as File, {
        delimiter,
        skipEmptyLines: false,
        step: (res: Papa.ParseStepResult<string[]>, parser: Papa.Parser) => {
          if (stopped) return;
          try {
            handle(res.data, res.errors);
          } catch (e) {
            // Reject first: abort() calls `complete` at once, which would otherwise resolve.
            fail(e);
            parser.abort();
          }
        },
        complete: () => resolve(),
        error: (e: Error) => reject(e),
      });
    });
    if (mapping === null) throw new UnusableFile("noHeader", fileMessage("import.file.noHeader"));

    result.sha256 = hash.digest("hex");
    result.errorFile = errorFile?.close() ?? null;
    result.errorFileFailure = errorFile?.failure ?? null;
    result.importedBefore = previousImport(db, result.sha256, result.batchId);
    valid.rows = result.rows - result.invalid;
    // A blocked batch or a dry run stores nothing: its counts are 0, and `valid` says what a real run would do. A batch
    // that adds or changes nothing (a file imported again) is not kept either, but its rows were really skipped as
    // duplicates, so it says so.
    const ran = !dryRun && !result.blocked;
    const commit = ran && valid.imported + valid.updated > 0;
    if (ran) Object.assign(result, { imported: valid.imported, updated: valid.updated, duplicates: valid.duplicates });
    if (commit) {
      db.update(importBatches)
        .set({
          sha256: result.sha256, rows: result.rows, imported: result.imported, updated: result.updated,
          duplicates: result.duplicates, invalid: result.invalid,
        })
        .where(eq(importBatches.id, result.batchId!))
        .run();
      if (opts.actor) {
        audit(db, opts.actor, "import.committed", { type: "import_batch", id: result.batchId }, {
          file: fileName, rows: result.rows, imported: result.imported, updated: result.updated,
          duplicates: result.duplicates, invalid: result.invalid,
        });
      }
      sqlite.exec("COMMIT");
    } else {
      sqlite.exec("ROLLBACK");
      result.batchId = null;
    }
    inTransaction = false;
    result.committed = commit;
    return result;
  } finally {
    stopped = true;
    source.destroy();
    if (inTransaction && sqlite.inTransaction) sqlite.exec("ROLLBACK");
    errorFile?.close();
  }
}

/** Rows without a ref are duplicates of a stored row without a ref that has the same fingerprint. */
function prepareFingerprintLookup(db: Db) {
  return db
    .select({ id: incidents.id })
    .from(incidents)
    .where(and(eq(incidents.fingerprint, sql.placeholder("fingerprint")), isNull(incidents.ref)))
    .prepare();
}

/**
 * `--update`: replaces a stored incident by ref, keeping what it was so the batch can be undone. False if nothing
 * differs. A ref repeated in the file replaces again (the last row wins); undo restores the version before the batch.
 */
function replace(db: Db, writer: IncidentWriter, id: number, input: IncidentInput, batchId: string | null): boolean {
  const before = toInput(getIncident(db, id)!);
  if (diffFields(before, input).length === 0) return false;
  writer.update(id, input, before);
  if (batchId) {
    db.insert(importBatchChanges).values({ batchId, incidentId: id, before: JSON.stringify(before) }).onConflictDoNothing().run();
  }
  return true;
}

function previousImport(db: Db, sha256: string, exceptBatch: string | null): ImportResult["importedBefore"] {
  const prior = db
    .select({ id: importBatches.id, at: importBatches.createdAt })
    .from(importBatches)
    .where(and(eq(importBatches.sha256, sha256), isNull(importBatches.undoneAt)))
    .orderBy(desc(importBatches.createdAt))
    .all()
    .find((b) => b.id !== exceptBatch);
  return prior ? { batchId: prior.id, at: prior.at } : null;
}
