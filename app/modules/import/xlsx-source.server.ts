/**
 * A record source for Excel workbooks (.xlsx), beside the CSV one (source.server.ts); docs/decisions/0018.
 *
 * exceljs's streaming reader does the reading (zip, shared strings, styles, rows): a 50 MB workbook never sits in
 * memory. Two passes over the file:
 *   1. inspect: the workbook's sheet names (in tab order) and where each sheet is, read from the zip's central
 *      directory with the zip library and the XML readers exceljs itself uses; then the chosen sheet's merged ranges,
 *      which a worksheet keeps after all its rows (the streaming reader skips them), by scanning its tail.
 *   2. read: exceljs's WorkbookReader streams the chosen sheet's rows; each cell becomes the text the row pipeline
 *      already reads (`cellText`), the file's bytes are hashed and counted for progress on the way in.
 *
 * Records keep the sheet's row numbers (a row the sheet does not have is handed over as a blank record), so an error
 * names the row Excel shows. The header is the first row with two or more non-empty cells (a merged title above it is
 * skipped as blank); a merged header cell's text fills every column of its range, and a header whose merged cells
 * span two rows, or group the columns of the row below (「対応」 over 「対応時間(分)」「接触回数」), is read as a two-row
 * header: each column takes the lower row's text, or the upper one's where the lower is empty (`combineHeader`).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import { type Readable, Transform } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import ExcelJS from "exceljs";
import { fileTap } from "./file-tap.server";
import type { Message } from "~/i18n";
import { fileMessage, type ImportResult, UnusableFile } from "./result";
import type { CellProblem, OnRecord, RecordSource } from "./source.server";

/** A merged range, 1-based and inclusive. */
export interface MergeRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface SheetInfo {
  /** The sheet read. */
  sheet: string;
  /** Every worksheet of the workbook, in tab order. */
  sheets: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Cells → text

// exceljs's cell types (Enums.ValueType).
const T = { Null: 0, Merge: 1, Number: 2, String: 3, Date: 4, Hyperlink: 5, Formula: 6, SharedString: 7, RichText: 8, Boolean: 9, Error: 10 } as const;

/** The part of an exceljs cell this module reads. */
export interface CellLike {
  type: number;
  value: unknown;
  result?: unknown;
  formula?: string;
  text?: string;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * A number as plain decimal text, as Excel shows it in General format: 15 significant digits (so a formula's
 * 0.1 + 0.2 is 0.3), never an exponent.
 */
export function plainNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const p = Number(n.toPrecision(15));
  const s = String(p);
  return s.includes("e") ? p.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 20 }) : s;
}

/**
 * A date cell as text. exceljs turns the serial into a Date whose UTC fields are the wall clock the cell shows (a
 * workbook has no time zone), so the UTC fields are read: the Tokyo wall clock stays exactly as typed, whatever the
 * process's time zone. A day alone → `yyyy-MM-dd`; with a time → `yyyy-MM-ddTHH:mm` (`:ss` when there are seconds);
 * a time alone (serial < 1, Excel's 1899-12-30) → `HH:mm`. The date parser (dates.ts) reads all three as Tokyo time.
 */
export function dateText(d: Date): string {
  const ms = d.getTime();
  if (Number.isNaN(ms)) return "";
  const t = new Date(Math.round(ms / 1000) * 1000); // whole seconds: 10:31 is a repeating fraction of a day
  const day = `${String(t.getUTCFullYear()).padStart(4, "0")}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
  const [h, m, s] = [t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds()];
  const clock = `${pad2(h)}:${pad2(m)}${s ? `:${pad2(s)}` : ""}`;
  if (day === "1899-12-30" || day === "1899-12-31") return clock;
  return h || m || s ? `${day}T${clock}` : day;
}

const richText = (v: unknown): string =>
  v && typeof v === "object" && "richText" in v ? (v as { richText: { text?: string }[] }).richText.map((r) => r.text ?? "").join("") : "";

const ERROR_LITERAL = /^#(?:N\/A|VALUE!|REF!|DIV\/0!|NUM!|NAME\?|NULL!|SPILL!|CALC!|GETTING_DATA|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!)$/;

/** A cell's text, and what is wrong with it when the row must not go in with it (an error value, a formula without a saved result). */
export function cellText(cell: CellLike): { text: string; problem?: Message } {
  const v = cell.value;
  switch (cell.type) {
    case T.Null:
    case T.Merge:
      return { text: "" };
    case T.Number:
      return { text: plainNumber(v as number) };
    case T.String:
      return { text: v as string };
    case T.Date:
      return { text: dateText(v as Date) };
    case T.Boolean:
      // The yes/no reader (values.ts) takes TRUE/FALSE in any case.
      return { text: v ? "TRUE" : "FALSE" };
    case T.RichText:
      return { text: richText(v) };
    case T.Error: {
      const text = String((v as { error?: string }).error ?? "");
      return { text, problem: { key: "import.value.cellError", params: { value: text } } };
    }
    case T.Formula: {
      const r = cell.result;
      const formula = cell.formula ?? (v as { formula?: string }).formula ?? "";
      if (r === undefined || r === null) {
        // openpyxl and other generators write formulas without computing them: there is nothing to read.
        return { text: "", problem: { key: "import.value.formulaNoResult", params: { value: `=${formula}` } } };
      }
      if (typeof r === "number") {
        if (!Number.isNaN(r)) return { text: plainNumber(r) };
        // exceljs's streaming reader parses a cached error (<v>#N/A</v>) and an empty one (<v/>, as openpyxl writes)
        // alike as a number, NaN: the error's code is lost, except where the formula is the error itself (LibreOffice
        // stores a typed #N/A so).
        if (ERROR_LITERAL.test(formula)) return { text: formula, problem: { key: "import.value.cellError", params: { value: formula } } };
        return { text: "", problem: { key: "import.value.formulaUnreadable", params: { value: `=${formula}` } } };
      }
      if (r instanceof Date) return { text: dateText(r) };
      if (typeof r === "boolean") return { text: r ? "TRUE" : "FALSE" };
      if (typeof r === "object" && "error" in r) {
        const text = String((r as { error: string }).error);
        return { text, problem: { key: "import.value.cellError", params: { value: text } } };
      }
      return { text: String(r) };
    }
    default:
      // Hyperlinks (read as text, since they are ignored), shared strings not cached: exceljs's own text.
      return { text: richText(v) || String(cell.text ?? "") };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Header rows

const filled = (s: string | undefined) => s !== undefined && s.trim() !== "";

/** A row's cells with each merged range that starts in it filled with the range's (top-left) text. */
export function fillMerges(cells: readonly string[], rowNo: number, merges: readonly MergeRange[]): string[] {
  const out = [...cells];
  for (const m of merges) {
    if (m.top !== rowNo || m.right === m.left) continue;
    const text = cells[m.left - 1] ?? "";
    for (let c = m.left; c <= m.right; c++) out[c - 1] = text;
  }
  for (let i = 0; i < out.length; i++) out[i] ??= "";
  return out;
}

/** A row that looks like a header: two or more non-empty cells, a merged range counting once (only its first cell has text). */
export const looksLikeHeader = (cells: readonly string[]) => cells.filter(filled).length >= 2;

/**
 * Whether the header row's merged cells make the next row part of the header: a merged cell spanning it, or a cell
 * merged across columns (a group such as 「対応」) over which the next row has text.
 */
export function needsSecondHeaderRow(rowNo: number, merges: readonly MergeRange[], next: readonly string[] | null): boolean {
  const own = merges.filter((m) => m.top === rowNo);
  if (own.some((m) => m.bottom > rowNo)) return true;
  if (next === null) return false;
  return own.some((m) => m.right > m.left && next.slice(m.left - 1, m.right).some(filled));
}

/** Two header rows → one: per column the lower row's text, or the upper's (filled across merges) where the lower is empty. */
export function combineHeader(upper: readonly string[], lower: readonly string[], upperRow: number, merges: readonly MergeRange[]): string[] {
  const top = fillMerges(upper, upperRow, merges);
  const bottom = fillMerges(lower, upperRow + 1, merges);
  const n = Math.max(top.length, bottom.length);
  return Array.from({ length: n }, (_, i) => (filled(bottom[i]) ? bottom[i] : (top[i] ?? "")));
}

// ---------------------------------------------------------------------------------------------------------------
// The file

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** What the first bytes say: a zip (perhaps a workbook), an OLE compound file (.xls, or an encrypted .xlsx), or anything else. */
export function sniffContainer(file: string): "zip" | "ole" | "other" {
  let head: Buffer;
  try {
    const fd = fs.openSync(file, "r");
    try {
      head = Buffer.alloc(8);
      head = head.subarray(0, fs.readSync(fd, head, 0, 8, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return "other"; // the CSV source says what is wrong (not found, not a file)
  }
  const starts = (sig: number[]) => head.length >= sig.length && sig.every((b, i) => head[i] === b);
  return starts(ZIP_MAGIC) ? "zip" : starts(OLE_MAGIC) ? "ole" : "other";
}

// exceljs's own zip library and XML readers, resolved from exceljs so that they are the versions it ships with.
interface ZipFile {
  path: string;
  stream(): Readable;
}
interface Internals {
  unzipper: { Open: { file(path: string): Promise<{ files: ZipFile[] }> } };
  WorkbookXform: new () => { parseStream(s: Readable): Promise<unknown>; model: { sheets?: { name: string; rId: string; state?: string }[] } };
  RelationshipsXform: new () => { parseStream(s: Readable): Promise<{ Id: string; Type: string; Target: string }[]> };
}
let internals: Internals | null = null;
function exceljsInternals(): Internals {
  if (internals) return internals;
  const fromExceljs = createRequire(createRequire(import.meta.url).resolve("exceljs"));
  internals = {
    unzipper: fromExceljs("unzipper"),
    WorkbookXform: fromExceljs("./lib/xlsx/xform/book/workbook-xform.js"),
    RelationshipsXform: fromExceljs("./lib/xlsx/xform/core/relationships-xform.js"),
  };
  return internals;
}

interface WorkbookPlan {
  sheets: { name: string; part: string; hidden: boolean }[];
  target: { name: string; part: string };
  merges: MergeRange[];
}

const WORKSHEET_REL = /\/worksheet$/;

/** Pass 1: the sheets, the one to read, and its merged ranges. */
async function inspectWorkbook(file: string, sheetName: string | undefined): Promise<WorkbookPlan> {
  const { unzipper, WorkbookXform, RelationshipsXform } = exceljsInternals();
  let files: ZipFile[];
  try {
    files = (await unzipper.Open.file(file)).files;
  } catch {
    throw new UnusableFile("notWorkbook", fileMessage("import.file.notWorkbook"));
  }
  const entry = (p: string) => files.find((f) => f.path === p);
  const book = entry("xl/workbook.xml");
  const relsEntry = entry("xl/_rels/workbook.xml.rels");
  if (!book || !relsEntry) throw new UnusableFile("notWorkbook", fileMessage("import.file.notWorkbook"));
  const workbook = new WorkbookXform();
  await workbook.parseStream(book.stream());
  const rels = await new RelationshipsXform().parseStream(relsEntry.stream());
  const sheets = (workbook.model.sheets ?? []).flatMap((s) => {
    const rel = rels.find((r) => r.Id === s.rId && WORKSHEET_REL.test(r.Type));
    if (!rel) return []; // a chart sheet has no cells
    const part = rel.Target.startsWith("/") ? rel.Target.slice(1) : `xl/${rel.Target.replace(/^\.\//, "")}`;
    return [{ name: s.name, part, hidden: s.state === "hidden" || s.state === "veryHidden" }];
  });
  const names = sheets.map((s) => s.name);
  if (sheets.length === 0) throw new UnusableFile("notWorkbook", fileMessage("import.file.notWorkbook"));
  let target;
  if (sheetName !== undefined) {
    target = sheets.find((s) => s.name === sheetName) ?? sheets.find((s) => s.name.normalize("NFKC").trim() === sheetName.normalize("NFKC").trim());
    if (!target) {
      throw new UnusableFile("unknownSheet", fileMessage("import.file.unknownSheet", { sheet: sheetName, sheets: names.map((n) => `「${n}」`).join("、") }), {
        sheets: names,
      });
    }
  } else {
    // The first sheet a person sees: hidden sheets (lookup lists, macros' scratch) are passed over.
    target = sheets.find((s) => !s.hidden) ?? sheets[0];
  }
  const part = entry(target.part);
  if (!part) throw new UnusableFile("unreadableSheet", fileMessage("import.file.unreadableSheet", { sheet: target.name }), { sheets: names, sheet: target.name });
  return { sheets, target, merges: await mergedRanges(part.stream()) };
}

const MERGE = /<mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"/g;
const SHEET_DATA_END = Buffer.from("</sheetData>");
/** Merged ranges kept: a sheet with more is read with the first (only the header's matter). */
const MAX_MERGES = 100_000;

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/**
 * A worksheet's merged ranges. They follow `</sheetData>`, so the rows are passed over as bytes (inflated, never
 * parsed) and only the tail is read.
 */
async function mergedRanges(stream: Readable): Promise<MergeRange[]> {
  let carry: Buffer = Buffer.alloc(0);
  let tail: string | null = null;
  const decoder = new StringDecoder("utf8");
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (tail !== null) {
      tail += decoder.write(chunk);
      continue;
    }
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const at = buf.indexOf(SHEET_DATA_END);
    if (at >= 0) tail = decoder.write(buf.subarray(at));
    else carry = buf.subarray(Math.max(0, buf.length - SHEET_DATA_END.length));
  }
  if (tail === null) return [];
  tail += decoder.end();
  const merges: MergeRange[] = [];
  for (const m of tail.matchAll(MERGE)) {
    const left = columnNumber(m[1]);
    const top = Number(m[2]);
    merges.push({ top, left, bottom: m[4] === undefined ? top : Number(m[4]), right: m[3] === undefined ? left : columnNumber(m[3]) });
    if (merges.length >= MAX_MERGES) break;
  }
  return merges;
}

/**
 * Shared strings without their phonetic readings. Excel stores the reading typed through a Japanese IME in `<rPh>`
 * inside the string (`<si><t>発生日時</t><rPh …><t>ハッセイニチジ</t></rPh></si>`); exceljs's streaming reader takes
 * every `<t>` for the text, so the reading replaced it. The readings are dropped before exceljs reads the strings.
 */
export function withoutPhoneticRuns(): Transform {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let inside = false;
  const strip = (flush: boolean): string => {
    let out = "";
    for (;;) {
      if (!inside) {
        const at = pending.indexOf("<rPh");
        if (at < 0) {
          const keep = flush ? 0 : Math.min(pending.length, 3); // a "<rP" cut at the chunk's end
          out += pending.slice(0, pending.length - keep);
          pending = pending.slice(pending.length - keep);
          return out;
        }
        out += pending.slice(0, at);
        pending = pending.slice(at);
        inside = true;
      } else {
        const end = pending.indexOf("</rPh>");
        if (end < 0) {
          pending = flush ? "" : pending.slice(Math.max(0, pending.length - 5));
          return out;
        }
        pending = pending.slice(end + 6);
        inside = false;
      }
    }
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      pending += decoder.write(chunk);
      done(null, strip(false));
    },
    flush(done) {
      pending += decoder.end();
      done(null, strip(true));
    },
  });
}

/**
 * The shared-string table as plain, flat strings. exceljs keeps each string as the XML parser handed it over: a slice
 * of the parser's chunk, which V8 keeps alive whole, and rich text as runs with a font object each (LibreOffice writes
 * mixed-script text as runs). Only the text is read, so each entry becomes one string of its own: measured on a 50 MB
 * workbook, the table's heap fell from 27 MB to 10 MB, which the import's 128 MB heap needs (docs/decisions/0018).
 * (UTF-8 there and back copies a string losslessly: XML text cannot hold a lone surrogate.)
 */
function compactSharedStrings(strings: unknown[] | undefined): void {
  if (!strings) return;
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i];
    const text = typeof s === "string" ? s : richText(s);
    strings[i] = Buffer.from(text, "utf8").toString("utf8");
  }
}

// exceljs's streaming reader, told apart per worksheet part (its own sheet ids come from the workbook only when the
// relationships name the part relatively, which openpyxl does not) and with the phonetic readings dropped.
type ReaderBase = new (input: Readable, options: object) => {
  [Symbol.asyncIterator](): AsyncIterator<WorksheetStream>;
};
interface WorksheetStream extends AsyncIterable<RowLike> {
  part?: string;
  iterator?: unknown;
}
interface RowLike {
  number: number;
  eachCell(opts: { includeEmpty: boolean }, fn: (cell: CellLike, col: number) => void): void;
}

function createReader(input: Readable): InstanceType<ReaderBase> {
  // The two methods are exceljs internals (lib/stream/xlsx/workbook-reader.js, 4.4.0); the tests read real workbooks through them.
  const Base = ExcelJS.stream.xlsx.WorkbookReader as unknown as new (input: Readable, options: object) => {
    _parseSharedStrings(entry: Readable): unknown;
    _parseWorksheet(iterator: unknown, sheetNo: string): Iterable<{ value: WorksheetStream }>;
  };
  class Reader extends Base {
    async *_parseSharedStrings(entry: Readable) {
      yield* super._parseSharedStrings(entry.pipe(withoutPhoneticRuns())) as AsyncIterable<unknown>;
      compactSharedStrings((this as unknown as { sharedStrings?: unknown[] }).sharedStrings);
    }
    *_parseWorksheet(iterator: unknown, sheetNo: string) {
      for (const event of super._parseWorksheet(iterator, sheetNo)) {
        event.value.part = `xl/worksheets/sheet${sheetNo}.xml`;
        yield event;
      }
    }
  }
  return new Reader(input, { sharedStrings: "cache", hyperlinks: "ignore", styles: "cache", worksheets: "emit", entries: "ignore" }) as unknown as InstanceType<ReaderBase>;
}

/**
 * Opens a workbook (.xlsx): the first visible worksheet, or `sheet` by name. Reading refuses (UnusableFile) a zip that
 * is not a workbook, an unknown sheet (naming the sheets there are) and a sheet exceljs cannot find.
 */
export function xlsxSource(
  file: string,
  opts: { sheet?: string; onProgress?: (bytesRead: number, totalBytes: number) => void } = {},
): RecordSource {
  const totalBytes = fs.statSync(file).size;

  const read = async (onRecord: OnRecord) => {
    // A refusal says what was read: a workbook, and its sheets once known.
    const withInfo = (e: unknown, info?: SheetInfo) =>
      e instanceof UnusableFile ? new UnusableFile(e.reason, e.detail, { encoding: "xlsx", ...e.partial, ...info } satisfies Partial<ImportResult>) : e;
    const plan = await inspectWorkbook(file, opts.sheet).catch((e: unknown) => {
      throw withInfo(e);
    });
    const info: SheetInfo = { sheet: plan.target.name, sheets: plan.sheets.map((s) => s.name) };

    const source = fs.createReadStream(file);
    const { tap, sha256 } = fileTap(totalBytes, opts.onProgress);
    source.on("error", (e) => tap.destroy(e));
    const records = headerStage(plan.merges, onRecord);
    let found = false;
    try {
      for await (const worksheet of createReader(source.pipe(tap))) {
        if (worksheet.part !== plan.target.part) {
          // Not read: exceljs drains it (a sheet it had to park in a temporary file is closed here). exceljs deletes that
          // file as soon as we pass the sheet, sometimes before the stream has opened it: the ENOENT that stream then
          // reports concerns a sheet nobody reads, and would otherwise be an uncaught exception.
          const skipped = worksheet.iterator as { destroy?: () => void; on?: (event: "error", listener: () => void) => void } | undefined;
          skipped?.on?.("error", () => {});
          skipped?.destroy?.();
          continue;
        }
        found = true;
        for await (const row of worksheet) records.row(row);
      }
      records.end();
    } catch (e) {
      throw withInfo(e, info);
    } finally {
      source.destroy();
    }
    if (!found) {
      throw withInfo(new UnusableFile("unreadableSheet", fileMessage("import.file.unreadableSheet", { sheet: info.sheet })), info);
    }
    return { sha256: sha256(), ...info };
  };
  return { encoding: "xlsx", delimiter: ",", read };
}

/**
 * Rows → records: blank records for the rows the sheet leaves out (so record numbers are row numbers), title rows
 * above the header handed over blank, the header's merged cells filled and a second header row folded into it.
 */
function headerStage(merges: readonly MergeRange[], onRecord: OnRecord) {
  let expected = 1; // the row number of the next row
  let header: "looking" | "pending" | "done" = "looking";
  let pending: { row: number; cells: string[] } | null = null;

  const emit = (cells: string[], problems?: CellProblem[]) => {
    onRecord(cells, false, problems);
  };
  const flushPending = () => {
    emit(fillMerges(pending!.cells, pending!.row, merges));
    pending = null;
    header = "done";
  };
  const take = (rowNo: number, cells: string[], problems: CellProblem[]) => {
    if (header === "done") return emit(cells, problems.length ? problems : undefined);
    if (header === "pending") {
      if (needsSecondHeaderRow(pending!.row, merges, cells)) {
        emit(combineHeader(pending!.cells, cells, pending!.row, merges));
        pending = null;
        header = "done";
        return emit([]); // the second header row, read into the first
      }
      flushPending();
      return take(rowNo, cells, problems);
    }
    if (!looksLikeHeader(cells)) return emit([]); // a title, a note, a blank row
    pending = { row: rowNo, cells };
    header = "pending";
    // A header whose merged cells cannot reach the next row is complete now.
    if (!merges.some((m) => m.top === rowNo && (m.bottom > rowNo || m.right > m.left))) flushPending();
  };
  return {
    row(row: RowLike) {
      for (; expected < row.number; expected++) take(expected, [], []);
      const cells: string[] = [];
      const problems: CellProblem[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        const r = cellText(cell);
        cells[col - 1] = r.text;
        if (r.problem) problems.push({ index: col - 1, message: r.problem });
      });
      for (let i = 0; i < cells.length; i++) cells[i] ??= "";
      take(row.number, cells, problems);
      expected = row.number + 1;
    },
    end() {
      if (header === "pending") flushPending();
    },
  };
}
