/**
 * The app's own incident export (docs/spec/csv-import.md, "The app's own export"): every importable field under the
 * importer's canonical Japanese header, in INCIDENT_FIELDS order, each value written the way the importer reads it
 * back exactly, so the file re-imports as it is. Read in pages by id (a million incidents are never in memory at once).
 */
import { and, asc, count, eq, gt, inArray, lte, max, type SQL } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { clients, departments, incidentCodes, incidents } from "../../../db/schema";
import type { CsvPager } from "../csv-download.server";
import { canonicalHeader } from "../import/columns";
import { CLOSE_DATE_UNKNOWN_CELL } from "../import/rows";
import type { IncidentScope } from "../auth/permissions";
import type { IncidentFilters } from "./filters";
import { filterConditions } from "./queries.server";
import { INCIDENT_FIELDS, type IncidentField, type IncidentInput } from "./schema";
import { CODE_SETS, type CodedField, type CodeDef, MULTI_FIELDS, type MultiField } from "./taxonomy";

export const EXPORT_HEADERS: readonly string[] = INCIDENT_FIELDS.map(canonicalHeader);
/** Incidents per page: one query for the rows and one for their codes. */
export const EXPORT_PAGE = 1000;

const LABELS = new Map<CodedField, Map<string, string>>(
  (Object.keys(CODE_SETS) as CodedField[]).map((f) => [f, new Map((CODE_SETS[f] as readonly CodeDef[]).map((d) => [d.code, d.ja]))]),
);

/**
 * A code as `CODE label` (`MA02 精神的な攻撃`, `3 重大`): readable in Excel, and read back by the code, checked against
 * the label. Status has no code of that shape (`open`), so it is its label alone (対応中 / 終了).
 */
function coded(field: CodedField, code: string | number | null): string {
  if (code === null) return "";
  const label = LABELS.get(field)!.get(String(code)) ?? "";
  return field === "status" ? label || String(code) : `${code} ${label}`.trim();
}

const yesNo = (v: boolean | null) => (v === null ? "" : v ? "はい" : "いいえ");
const num = (v: number | null) => (v === null ? "" : String(v));
const str = (v: string | null) => v ?? "";
/** Several codes in one cell, separated by `;` (the importer also splits on 、 | / and line breaks). */
const codes = (field: MultiField, list: readonly string[]) => list.map((c) => coded(field, c)).join(";");

const WRITERS: { [F in IncidentField]: (v: IncidentInput[F]) => string } = {
  ref: str,
  // Stored forms (YYYY-MM-DD, YYYY-MM-DDTHH:mm:ss+09:00): the importer takes them as they are.
  occurred_at: str,
  reported_at: str,
  department: str,
  in_tokyo: yesNo,
  channel: (v) => coded("channel", v),
  client: str,
  counterparty_type: (v) => coded("counterparty_type", v),
  customer_identified: yesNo,
  validity: (v) => coded("validity", v),
  behaviours: (v) => codes("behaviours", v),
  legal_flags: (v) => codes("legal_flags", v),
  severity: (v) => coded("severity", v),
  duration_min: num,
  contact_count: num,
  responders: num,
  recorded: yesNo,
  summary: str,
  verbatim: str,
  determination: (v) => coded("determination", v),
  responses: (v) => codes("responses", v),
  care: (v) => codes("care", v),
  outcome: (v) => coded("outcome", v),
  status: (v) => coded("status", v),
  closed_at: str,
  report_submitted_at: str,
  prevention: str,
};

/** One incident as the cells of its row, in EXPORT_HEADERS order (toCsv then guards formula-looking text). */
export function exportCells(input: IncidentInput): string[] {
  return INCIDENT_FIELDS.map((f) =>
    f === "closed_at" && input.closed_date_unknown ? CLOSE_DATE_UNKNOWN_CELL : (WRITERS[f] as (v: unknown) => string)(input[f]),
  );
}

/** The conditions of the export: the list's filters, within what the user may reach. */
function exportConditions(filters: IncidentFilters, scope: IncidentScope): SQL[] {
  const c = filterConditions(filters);
  if (scope.kind === "department") c.push(eq(incidents.departmentId, scope.departmentId));
  return c;
}

/** A page of incidents with id above `afterId` (and at most `lastId`), in id order, as typed inputs. */
export function exportPage(db: Db, conditions: SQL[], afterId: number, lastId: number, limit = EXPORT_PAGE): { id: number; input: IncidentInput }[] {
  const rows = db
    .select({ i: incidents, department: departments.name, client: clients.name })
    .from(incidents)
    .leftJoin(departments, eq(departments.id, incidents.departmentId))
    .leftJoin(clients, eq(clients.id, incidents.clientId))
    .where(and(...conditions, gt(incidents.id, afterId), lte(incidents.id, lastId)))
    .orderBy(asc(incidents.id))
    .limit(limit)
    .all();
  if (!rows.length) return [];
  const lists = new Map<number, Record<MultiField, string[]>>(
    rows.map((r) => [r.i.id, Object.fromEntries(MULTI_FIELDS.map((f) => [f, [] as string[]])) as Record<MultiField, string[]>]),
  );
  const codeRows = db
    .select({ id: incidentCodes.incidentId, field: incidentCodes.field, code: incidentCodes.code })
    .from(incidentCodes)
    .where(inArray(incidentCodes.incidentId, [...lists.keys()]))
    .orderBy(asc(incidentCodes.incidentId), asc(incidentCodes.field), asc(incidentCodes.code))
    .all();
  for (const c of codeRows) lists.get(c.id)![c.field].push(c.code);
  return rows.map(({ i, department, client }) => {
    const l = lists.get(i.id)!;
    return {
      id: i.id,
      input: {
        ref: i.ref, occurred_at: i.occurredAt, reported_at: i.reportedAt, department, in_tokyo: i.inTokyo, channel: i.channel,
        client, counterparty_type: i.counterpartyType, customer_identified: i.customerIdentified, validity: i.validity,
        behaviours: l.behaviours, legal_flags: l.legal_flags, severity: i.severity, duration_min: i.durationMin,
        contact_count: i.contactCount, responders: i.responders, recorded: i.recorded, summary: i.summary, verbatim: i.verbatim,
        determination: i.determination, responses: l.responses, care: l.care, outcome: i.outcome, status: i.status,
        closed_at: i.closedAt, ...(i.closedDateUnknown ? { closed_date_unknown: true as const } : {}),
        report_submitted_at: i.reportSubmittedAt, prevention: i.prevention,
      },
    };
  });
}

export interface IncidentExport {
  pager: CsvPager<number>;
  /** How many incidents the file holds (for its audit entry). */
  count(): number;
}

/**
 * The export of the incidents matching the list's filters (within the user's scope), in id order, up to the highest id
 * at this moment: an incident added while the file is read stays out, so the check pass of a Shift_JIS file and the
 * file itself read the same incidents.
 */
export function incidentExport(db: Db, filters: IncidentFilters, scope: IncidentScope, opts: { pageSize?: number } = {}): IncidentExport {
  const conditions = exportConditions(filters, scope);
  const lastId = db.select({ n: max(incidents.id) }).from(incidents).get()?.n ?? 0;
  const size = opts.pageSize ?? EXPORT_PAGE;
  return {
    pager: {
      header: [[...EXPORT_HEADERS]],
      page(afterId) {
        const page = exportPage(db, conditions, afterId ?? 0, lastId, size);
        return { rows: page.map((r) => exportCells(r.input)), next: page.length < size ? null : page[page.length - 1].id };
      },
    },
    count: () => db.select({ n: count() }).from(incidents).where(and(...conditions, lte(incidents.id, lastId))).get()!.n,
  };
}
