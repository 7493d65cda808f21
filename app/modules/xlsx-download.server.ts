/**
 * A paged table as a streamed .xlsx download (issue 19, docs/decisions/0026): exceljs's streaming WorkbookWriter writes
 * each page of rows into the zip as it is read, and the next page is read only once the browser has taken what was
 * written, so a million rows never sit in memory. Every cell is written as text (never a formula, so `=…` typed into a
 * summary stays text) or a number, under the same pager as the CSV download.
 */
import { once } from "node:events";
import { PassThrough, Readable } from "node:stream";
import ExcelJS from "exceljs";
import type { CsvFileName, CsvPager } from "./csv-download.server";

export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/** The most characters an Excel cell holds; a longer text would make Excel refuse to open the file. */
export const XLSX_CELL_MAX = 32_767;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A cell as exceljs writes it: numbers as numbers, text as text (shortened to what a cell holds, with a mark). */
function cellOf(v: string | number | null): string | number | null {
  if (typeof v !== "string") return v;
  return v.length > XLSX_CELL_MAX ? `${v.slice(0, XLSX_CELL_MAX - 1)}…` : v;
}

/** Writes the pager's header and rows into `out` as one worksheet, pausing whenever `out` is full. */
export async function writeXlsx<C>(pager: CsvPager<C>, out: PassThrough, sheetName: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: "frozen", ySplit: pager.header.length }] });
  for (const row of pager.header) {
    const r = sheet.addRow(row.map(cellOf));
    r.font = { bold: true };
    r.commit();
  }
  let cursor: C | null = null;
  for (;;) {
    const { rows, next } = pager.page(cursor);
    for (const row of rows) sheet.addRow(row.map(cellOf)).commit();
    if (next === null) break;
    cursor = next;
    // Let the zip compress what was written, and wait for the browser when it reads slower than the rows come.
    await nextTurn();
    if (out.writableNeedDrain) await once(out, "drain");
    if (out.destroyed) return;
  }
  sheet.commit();
  await workbook.commit();
}

export function xlsxFileName(ascii: string): string {
  return ascii.replace(/\.[a-z]+$/i, "") + ".xlsx";
}

/** The pager as an .xlsx download; a failure part-way aborts the stream, so the browser reports a failed download. */
export function xlsxStreamResponse<C>(pager: CsvPager<C>, name: CsvFileName, sheetName: string): Response {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  writeXlsx(pager, out, sheetName).catch((e) => {
    console.error(`xlsx download: ${name.ascii} failed while it was written`, e);
    out.destroy(e instanceof Error ? e : new Error(String(e)));
  });
  const unicode = name.unicode ? `; filename*=UTF-8''${encodeURIComponent(xlsxFileName(name.unicode))}` : "";
  return new Response(Readable.toWeb(out) as ReadableStream<Uint8Array>, {
    headers: {
      "Content-Type": XLSX_CONTENT_TYPE,
      "Content-Disposition": `attachment; filename="${xlsxFileName(name.ascii)}"${unicode}`,
      "Cache-Control": "no-store",
    },
  });
}
