/**
 * CSV the product hands out (error files, the template, the audit log, report tables): written by papaparse with its
 * formula-injection guard, so a cell such as `=HYPERLINK(...)` opens in Excel as text, not as a formula.
 */
import Papa from "papaparse";

/**
 * A cell that starts with = + - @, a tab or a carriage return is prefixed with `'`. papaparse's own default pattern
 * (`^[=+\-@\t\r].*$`) misses a formula followed by a line break, so the check is on the first character only.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;

export function toCsv(rows: unknown[][], opts: { delimiter?: string } = {}): string {
  return Papa.unparse(rows, { newline: "\r\n", escapeFormulae: FORMULA_START, delimiter: opts.delimiter });
}

/**
 * The inverse for files we gave out and get back (a corrected error file): `'=…` read from such a file is `=…`.
 * A lone leading quote before anything else is kept: it may be what the user typed.
 */
export function unescapeFormula(cell: string): string {
  return cell.length > 1 && cell[0] === "'" && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
