/** The error file: the rows that failed, as they were, with an `エラー` column saying why (docs/spec/csv-import.md). */
import fs from "node:fs";
import path from "node:path";
import { translate } from "~/i18n";
import { toCsv } from "../csv";
import type { CellError } from "./rows";

const ERROR_COLUMN = "エラー";

export function defaultErrorFilePath(file: string): string {
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}.errors.csv`);
}

/** Writes failed rows as CSV (UTF-8 with BOM and CRLF, as Excel expects), opened on the first failure. */
export class ErrorFile {
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
