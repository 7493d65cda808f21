/**
 * One CSV record → a typed incident, or the errors of its cells. Each cell is read by the vocabulary of its field
 * (values.ts, dates.ts); the result then passes the same validation gate as the web form.
 */
import type { Message } from "~/i18n";
import { type FieldErrors, type IncidentField, type IncidentInput, validateIncident } from "../incidents/schema";
import { unescapeFormula } from "../csv";
import { normalizeName } from "../incidents/normalize";
import { canonicalHeader, type ColumnMapping } from "./columns";
import { type Parsed, parseImportDate, parseImportDateTime } from "./dates";
import { parseCode, parseCodes, parseSeverity, parseStatus, parseWholeNumber, parseYesNo } from "./values";

export interface CellError {
  /** The column's header as written in the file (or the canonical header when the file has no such column). */
  column: string;
  value: string;
  message: Message;
}

export type RowResult = { ok: true; input: IncidentInput } | { ok: false; errors: CellError[] };

const text = (s: string): Parsed<string | null> => {
  const t = s.trim();
  return { ok: true, value: t === "" ? null : t };
};
/**
 * A one-line field (department, client, ref): a line break typed into the cell in Excel (Alt+Enter) or a tab becomes
 * a space, since the field cannot hold them. Anything else the field cannot hold is refused by the typed rule.
 */
const line = (s: string): Parsed<string | null> => text(s.replace(/[\t\r\n]+/g, " "));
/** Refs are compared as typed in any width: ＫＨ－００１ and KH-001 are one ref. */
const ref = (s: string): Parsed<string | null> => line(s.normalize("NFKC"));

const READERS: { [F in IncidentField]: (cell: string) => Parsed<IncidentInput[F] | null> } = {
  ref,
  occurred_at: parseImportDateTime,
  reported_at: parseImportDateTime,
  department: line,
  in_tokyo: parseYesNo,
  channel: (s) => parseCode("channel", s),
  client: line,
  counterparty_type: (s) => parseCode("counterparty_type", s),
  customer_identified: parseYesNo,
  validity: (s) => parseCode("validity", s),
  behaviours: (s) => parseCodes("behaviours", s),
  legal_flags: (s) => parseCodes("legal_flags", s),
  severity: parseSeverity,
  duration_min: (s) => parseWholeNumber(s, { minutes: true }),
  contact_count: (s) => parseWholeNumber(s),
  responders: (s) => parseWholeNumber(s),
  recorded: parseYesNo,
  summary: text,
  verbatim: text,
  determination: (s) => parseCode("determination", s),
  responses: (s) => parseCodes("responses", s),
  care: (s) => parseCodes("care", s),
  outcome: (s) => parseCode("outcome", s),
  status: parseStatus,
  closed_at: parseImportDate,
  report_submitted_at: parseImportDate,
  prevention: text,
};

const FIELDS = Object.keys(READERS) as IncidentField[];

/** What the app's own export writes in the close-date column of a case closed on a day nobody recorded (終了日不明). */
export const CLOSE_DATE_UNKNOWN_CELL = "不明";
/** What old ledgers write there for such a case, as normalizeName keys it (the export's word among them). */
const CLOSE_DATE_UNKNOWN = new Set([CLOSE_DATE_UNKNOWN_CELL, "終了日不明", "日付不明", "不詳", "unknown", "?"].map(normalizeName));
const LISTS = new Set<IncidentField>(["behaviours", "legal_flags", "responses", "care"]);
const COMMAS = /\s*[,，]\s*/g;

/** Where each field sits in a record, and the header to name in its errors. */
export interface RowLayout {
  index: Partial<Record<IncidentField, number>>;
  header: Record<IncidentField, string>;
  /** Cells already read, per field whose cells repeat (codes, yes/no, numbers, days, names): see `readCell`. */
  seen: Map<IncidentField, Map<string, Parsed<unknown>>>;
  /** Multi-value cells also split on commas (a preset's rule: Google Forms joins checkbox answers with ", "). */
  commaLists: boolean;
}

// Fields whose cells are rarely the same twice (free text, refs, times to the minute) are read every time; the others
// repeat from row to row (a few codes, yes/no, a few thousand days and names), and each distinct cell is read once.
const READ_EVERY_TIME = new Set<IncidentField>(["ref", "occurred_at", "reported_at", "summary", "verbatim", "prevention"]);
/** Distinct cells remembered per field; past this a field's cells are read every time. */
const SEEN_MAX = 4_096;

/** A cell read by its field's vocabulary, or the same reading as before for a cell seen before in this file. */
function readCell(field: IncidentField, cell: string, layout: RowLayout): Parsed<unknown> {
  const seen = layout.seen.get(field);
  if (seen === undefined) return READERS[field](cell);
  let r = seen.get(cell);
  if (r === undefined) {
    r = READERS[field](cell);
    if (seen.size < SEEN_MAX) seen.set(cell, r);
  }
  // A list is handed on, so each row gets its own copy.
  return r.ok && Array.isArray(r.value) ? { ok: true, value: [...r.value] } : r;
}

export function rowLayout(mapping: ColumnMapping, headers: readonly string[], opts: { commaLists?: boolean } = {}): RowLayout {
  const index: Partial<Record<IncidentField, number>> = {};
  mapping.fields.forEach((f, i) => {
    if (f) index[f] = i;
  });
  const header = Object.fromEntries(
    FIELDS.map((f) => [f, index[f] !== undefined ? headers[index[f]!] : canonicalHeader(f)]),
  ) as Record<IncidentField, string>;
  const seen = new Map(FIELDS.filter((f) => !READ_EVERY_TIME.has(f)).map((f) => [f, new Map<string, Parsed<unknown>>()]));
  return { index, header, seen, commaLists: opts.commaLists ?? false };
}

/** How much of a cell an error quotes: a 5 MB cell must not travel in every report, page and JSON. */
export const QUOTED_VALUE_MAX = 200;

/** The start of a long value, with an ellipsis (never half of a surrogate pair). */
export function quoteValue(value: string): string {
  if (value.length <= QUOTED_VALUE_MAX) return value;
  const cut = /[\uD800-\uDBFF]/.test(value[QUOTED_VALUE_MAX - 1]) ? QUOTED_VALUE_MAX - 1 : QUOTED_VALUE_MAX;
  return `${value.slice(0, cut)}…`;
}

/** Reads one record; `today` is the Tokyo day that "in the future" is measured against. */
export function readRow(cells: readonly string[], layout: RowLayout, today: string): RowResult {
  const errors: CellError[] = [];
  const values: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const i = layout.index[field];
    // A file we wrote (the error file) carries formulas neutralised as '=…; read them back as typed.
    let cell = i === undefined ? "" : unescapeFormula(cells[i] ?? "");
    if (layout.commaLists && LISTS.has(field)) cell = cell.replace(COMMAS, ";");
    if (cell.includes("\uFFFD")) {
      // A replacement character means the bytes were not in the encoding used: say so rather than store mojibake.
      errors.push({ column: layout.header[field], value: quoteValue(cell), message: { key: "import.garbled" } });
      continue;
    }
    const r = readCell(field, cell, layout);
    if (r.ok) values[field] = r.value ?? (LISTS.has(field) ? [] : null);
    // A close date that is no date may be a ledger's word for one nobody recorded: looked at only then, off the path
    // every dated row takes.
    else if (field === "closed_at" && CLOSE_DATE_UNKNOWN.has(normalizeName(cell))) {
      values.closed_at = null;
      values.closed_date_unknown = true;
    } else errors.push({ column: layout.header[field], value: quoteValue(cell), message: r.message });
  }
  if (values.occurred_at === null && !errors.some((e) => e.column === layout.header.occurred_at)) {
    errors.push({ column: layout.header.occurred_at, value: "", message: { key: "error.required" } });
  }
  if (values.channel === null && !errors.some((e) => e.column === layout.header.channel)) {
    errors.push({ column: layout.header.channel, value: "", message: { key: "error.required" } });
  }
  // An empty status follows the closed date: a row with a closing day (or one written as unknown) is a closed case.
  if (values.status === null) values.status = values.closed_at || values.closed_date_unknown ? "closed" : "open";
  // Old ledgers close cases without noting the day: such a case is closed on a day nobody knows (終了日不明), never
  // on a day made up here. A close date written as unknown on an open case is a contradiction, left to the rule below.
  if (values.status === "closed" && values.closed_at === null) values.closed_date_unknown = true;
  else if (values.status === "open" && values.closed_date_unknown) {
    errors.push({ column: layout.header.status, value: quoteValue(cells[layout.index.status ?? -1] ?? ""), message: { key: "import.value.unknownCloseWhileOpen" } });
  }
  if (errors.length) return { ok: false, errors };

  const checked = validateIncident(values as unknown as IncidentInput, today);
  if (checked.ok) return { ok: true, input: checked.value };
  return { ok: false, errors: fieldErrorsToCells(checked.errors, layout, cells) };
}

function fieldErrorsToCells(errors: FieldErrors, layout: RowLayout, cells: readonly string[]): CellError[] {
  return (Object.entries(errors) as [IncidentField, Message][]).map(([field, message]) => {
    const i = layout.index[field];
    return { column: layout.header[field], value: i === undefined ? "" : quoteValue(cells[i] ?? ""), message };
  });
}
