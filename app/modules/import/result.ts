/**
 * What an import is asked to do and what it answers (docs/spec/csv-import.md): the options, the result the command line
 * prints as JSON and the page shows, and the error of a file that cannot be read at all.
 */
import { translate, type Message, type MessageKey } from "~/i18n";
import { AppError } from "../errors";
import type { IncidentField, IncidentInput } from "../incidents/schema";
import type { Actor } from "../auth/audit.server";
import type { Encoding } from "./decode";
import type { OnImportProgress } from "./progress";

/** The text encoding read, or "xlsx" for an Excel workbook. */
export type SourceEncoding = Encoding | "xlsx";

export interface ImportOptions {
  dryRun?: boolean;
  skipInvalid?: boolean;
  update?: boolean;
  encoding?: Encoding | "auto";
  /** The worksheet to read from a workbook (.xlsx), by name; the first visible one by default. Ignored for text files. */
  sheet?: string;
  /** Name recorded for the batch (the uploaded file's own name on the web); the path's base name by default. */
  fileName?: string;
  importedBy?: string | null;
  /** Who imports: a committed batch gets an audit entry in its own transaction (and `importedBy` defaults to it). */
  actor?: Actor;
  /** Header text as in the file → field (or "" to ignore the column), chosen by the person importing. */
  mappingOverrides?: Record<string, IncidentField | "">;
  /**
   * A saved column mapping (mappings.server.ts) to read the file with: by name, "auto" (the default: the one saved for
   * this very header row, if any) or "none". Ignored when `mappingOverrides` is given.
   */
  savedMapping?: string;
  /** The source preset: recognised from the headers ("auto", the default), a chosen one, or "none". */
  preset?: import("./pipeline").PresetChoice;
  /** Where to write the rows that failed, with an `エラー` column; null for none. Default: beside the file. */
  errorFilePath?: string | null;
  /** How many converted rows to return for a preview. */
  previewRows?: number;
  /** At most this many errors are returned (all are counted, and all go to the error file). */
  maxErrors?: number;
  today?: string;
  /** How far the run is, at every stage (progress.ts): at most every 50 ms within a stage, and at each change of stage. */
  onProgress?: OnImportProgress;
  /** How many staging rows the merge copies per statement (merge.server.ts); for tests and benchmarks. */
  mergeChunkRows?: number;
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
  /** The text encoding, or "xlsx" for a workbook. */
  encoding: SourceEncoding;
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
  /** The source preset applied (msforms, googleforms, kintone, own) or null (added 2026-12-04, issue 16). */
  preset: import("./presets").PresetId | null;
  /** The saved column mapping the file was read with, by name, or null (added 2026-12-04, issue 16). */
  savedMapping: string | null;
  /** Valid rows of closed cases with no close date: they import as 終了日不明 (added 2026-12-04, issue 16). */
  closedDateUnknown: number;
  /**
   * Department names of the rows to store that the department master does not have: storing the batch adds them
   * (docs/decisions/0025). The first names by spelling, and how many (added 2026-12-04, issue 18).
   */
  newDepartments: { names: string[]; count: number };
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
  /** Where the time went: reading and checking the file (no write lock), then storing it (holding the lock). */
  timings: { checkMs: number; storeMs: number };
  /** A workbook only: the sheet read, and every worksheet in tab order. */
  sheet?: string;
  sheets?: string[];
}

/**
 * A file the importer cannot read at all (422; exit status 2 on the command line, which prints `message`: the
 * Japanese text of `detail`).
 */
export class UnusableFile extends AppError {
  constructor(
    public readonly reason: | "notFound" | "empty" | "binary" | "unknownEncoding" | "noHeader" | "missingColumns" | "recordTooLong"
      // A workbook (added with the .xlsx source, issue 16):
      | "legacyXls" | "notWorkbook" | "unknownSheet" | "unreadableSheet"
      // A saved column mapping named that does not exist (issue 16):
      | "mappingNotFound",
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

export const fileMessage = (key: MessageKey, params?: Message["params"]): Message => ({ key, params });
