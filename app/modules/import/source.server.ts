/**
 * The first stage of an import: a record source. It reads a file and hands over its records in order (the first is the
 * header) as arrays of cell texts, with the file's SHA-256 at the end. CSV and TSV here; Excel workbooks in
 * xlsx-source.server.ts; `openSource` picks one by the file's content, never its name.
 *
 * CSV: bytes → SHA-256 and progress → decoder (the detected or chosen encoding; a record past the ceiling stops it,
 * record-guard.ts) → papaparse, streaming, with the delimiter taken from the header line.
 */
import fs from "node:fs";
import { fileTap } from "./file-tap.server";
import Papa from "papaparse";
import type { Message } from "~/i18n";
import { type Detection, detectDelimiter, detectEncoding, type Encoding } from "./decode";
import { decodingStream } from "./decode-stream.server";
import { RecordTooLong } from "./record-guard";
import { fileMessage, type SourceEncoding, UnusableFile } from "./result";
import { sniffContainer, xlsxSource } from "./xlsx-source.server";

/** A cell the row must not go in with (a workbook's error value, a formula without a saved result): its index and why. */
export interface CellProblem {
  index: number;
  message: Message;
}

/**
 * One record: its cells, whether papaparse found a quote never closed in it (the rest of the file is then in it), and
 * the cells a workbook marked as unusable (xlsx-source.server.ts).
 */
export type OnRecord = (cells: string[], unclosedQuote: boolean, problems?: readonly CellProblem[]) => void;

export type { SourceEncoding };

export interface RecordSource {
  readonly encoding: SourceEncoding;
  /** Comma or tab; "," for a workbook (its error file is a CSV). */
  readonly delimiter: "," | "\t";
  /**
   * Calls `onRecord` for every record, in order, and resolves with the file's SHA-256 once all were handed over (and,
   * for a workbook, the sheet read and the sheets there are). An error thrown by `onRecord` stops the reading and
   * rejects with that error.
   */
  read(onRecord: OnRecord): Promise<{ sha256: string; sheet?: string; sheets?: string[] }>;
}

// Enough to meet the Japanese text of most files even when the first rows are plain ASCII (English headers, refs,
// dates): a Shift_JIS file read as UTF-8 would otherwise fail on its first Japanese row.
const SAMPLE_BYTES = 1024 * 1024;

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

/** Opens a delimited text file; refuses (UnusableFile) a file that is missing, empty, binary or in no known encoding. */
export function csvSource(
  file: string,
  opts: { encoding?: Encoding | "auto"; onProgress?: (bytesRead: number, totalBytes: number) => void } = {},
): RecordSource {
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
  // Comma or tab, from the header line of the sample (papaparse would guess per chunk).
  const delimiter = detectDelimiter(new TextDecoder(encoding).decode(sample, { stream: true }));

  const read = (onRecord: OnRecord) => {
    const { tap, sha256 } = fileTap(totalBytes, opts.onProgress);
    const decoder = decodingStream(encoding);
    const source = fs.createReadStream(file);
    // Once something fails, papaparse may still hand over the rest of the chunk it is in: those records are ignored.
    let stopped = false;
    return new Promise<{ sha256: string }>((resolve, reject) => {
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
            onRecord(res.data, res.errors.some((e) => e.type === "Quotes"));
          } catch (e) {
            // Reject first: abort() calls `complete` at once, which would otherwise resolve.
            fail(e);
            parser.abort();
          }
        },
        complete: () => {
          if (!stopped) resolve({ sha256: sha256() });
        },
        error: (e: Error) => fail(e),
      });
    }).finally(() => {
      stopped = true;
      source.destroy();
    });
  };
  return { encoding, delimiter, read };
}

/**
 * The source for a file, chosen by its first bytes: a zip goes to the workbook reader (which refuses a zip that is not
 * an .xlsx), an OLE compound file (.xls, or an .xlsx with a password) is refused with its own message, anything else
 * is read as delimited text (which refuses other binaries).
 */
export function openSource(
  file: string,
  opts: { encoding?: Encoding | "auto"; sheet?: string; onProgress?: (bytesRead: number, totalBytes: number) => void } = {},
): RecordSource {
  const container = sniffContainer(file);
  if (container === "zip") return xlsxSource(file, { sheet: opts.sheet, onProgress: opts.onProgress });
  if (container === "ole") throw new UnusableFile("legacyXls", fileMessage("import.file.legacyXls"));
  return csvSource(file, { encoding: opts.encoding, onProgress: opts.onProgress });
}
