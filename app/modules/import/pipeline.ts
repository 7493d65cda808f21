/**
 * The row pipeline of an import (docs/decisions/0017), between a record source (source.server.ts) and the staging
 * file (staging.server.ts): map (the header record → which field each column holds), then for every data record parse
 * (each cell by its field's vocabulary) and validate (the form's rules), both in rows.ts. De-duplication needs the
 * database and is the staging file's stage. Each stage is a plain function of its input, tested on its own.
 */
import type { IncidentField } from "../incidents/schema";
import { type ColumnMapping, mapColumns } from "./columns";
import { detectPreset, type PresetId, presetById, presetOverrides } from "./presets";
import { type CellError, quoteValue, readRow, type RowLayout, type RowResult, rowLayout } from "./rows";
import type { CellProblem } from "./source.server";

const blank = (cells: readonly string[]) => cells.every((c) => c.trim() === "");

export interface Header {
  headers: string[];
  mapping: ColumnMapping;
  layout: RowLayout;
  columns: { header: string; field: IncidentField | null }[];
  /** The source preset applied (recognised by the headers, or chosen), or null. */
  preset: PresetId | null;
}

/** Which preset to apply: the one the headers are recognised as, a chosen one, or none. */
export type PresetChoice = "auto" | "none" | PresetId;

/**
 * The map stage: the header record read. Null for a blank line before the header (skipped like any blank line). The
 * caller refuses the file when `mapping.missing` is not empty.
 */
export function readHeader(
  cells: readonly string[],
  overrides?: Record<string, IncidentField | "">,
  presetChoice: PresetChoice = "auto",
): Header | null {
  if (blank(cells)) return null;
  const headers = cells.map((c) => c.trim());
  const preset = presetChoice === "auto" ? detectPreset(headers) : presetChoice === "none" ? null : presetById(presetChoice);
  // The person's own choices win over the preset's.
  const mapping = mapColumns(headers, preset ? { ...presetOverrides(preset, headers), ...overrides } : overrides);
  const layout = rowLayout(mapping, headers, { commaLists: preset?.commaLists ?? false });
  return { headers, mapping, layout, columns: headers.map((header, i) => ({ header, field: mapping.fields[i] })), preset: preset?.id ?? null };
}

/**
 * The parse and validate stages for one data record: the incident, or the errors of its cells. Null for a blank line.
 * A record with a quote never closed (the rest of the file then landed in it) is refused as such. A cell the source
 * marked (a workbook's error value such as #N/A, a formula without a saved result) is an error of its row when its
 * column is imported, whatever its field would make of the text.
 */
export function readRecord(
  cells: readonly string[],
  unclosedQuote: boolean,
  header: Header,
  today: string,
  problems?: readonly CellProblem[],
): RowResult | null {
  if (blank(cells)) return null;
  if (unclosedQuote) {
    return { ok: false, errors: [{ column: header.headers[0] ?? "", value: quoteValue(cells[0] ?? ""), message: { key: "import.row.quotes" } }] };
  }
  const read = readRow(cells, header.layout, today);
  const marked: CellError[] = (problems ?? [])
    .filter((p) => header.mapping.fields[p.index])
    .map((p) => ({ column: header.headers[p.index], value: quoteValue(cells[p.index] ?? ""), message: p.message }));
  if (marked.length === 0) return read;
  const columns = new Set(marked.map((e) => e.column));
  return { ok: false, errors: [...marked, ...(read.ok ? [] : read.errors.filter((e) => !columns.has(e.column)))] };
}
