/** Reading incidents: the filtered, sorted, paged list and one incident in full. */
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, notInArray, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { Conn, Db } from "../../../db/client.server";
import { clients, departments, incidentCodes, incidents } from "../../../db/schema";
import { type IncidentFilters, type ListQuery, PAGE_SIZE } from "./filters";
import { shiftDay } from "./dates";
import { normalizeName } from "./normalize";
import { ftsPhrase, likeContains, searchForms, usesIndex } from "./text-search";
import type { IncidentInput } from "./schema";
import { MULTI_FIELDS, type MultiField } from "./taxonomy";

/**
 * The text search: 管理番号, summary or prevention containing the text (text-search.ts). Forms of 3+ characters through the
 * FTS5 trigram index, shorter ones with LIKE on the same three columns.
 */
function textSearch(q: string, probe: boolean): SQL | undefined {
  const forms = searchForms(q);
  const indexed = forms.filter(usesIndex);
  const scanned = forms.filter((f) => !usesIndex(f));
  const parts: SQL[] = [];
  if (indexed.length) {
    const match = ftsMatch(indexed);
    parts.push(
      probe
        ? sql`exists (select 1 from incidents_fts where incidents_fts match ${match} and incidents_fts.rowid = ${incidents.id})`
        : sql`${incidents.id} in (select rowid from incidents_fts where incidents_fts match ${match})`,
    );
  }
  for (const f of scanned) {
    const pattern = likeContains(f);
    parts.push(
      sql`(${incidents.summary} like ${pattern} escape '\\' or ${incidents.prevention} like ${pattern} escape '\\' or ${incidents.ref} like ${pattern} escape '\\')`,
    );
  }
  return or(...parts);
}

const ftsMatch = (indexed: string[]) => indexed.map(ftsPhrase).join(" OR ");

/**
 * A text is common when it is in more than a tenth of the incidents (and more than COMMON_TEXT_MIN): 「繰り返し」 in 3/4
 * of a million. Its first page is then read in the list's order, asking the index about each row: a probe costs about
 * a quarter of a millisecond and a tenth of the rows match, so 50 are found within ~500 probes (7 ms for 「繰り返し」),
 * where gathering every match first takes most of a second. A rarer text is gathered first (about 1 µs a match):
 * probing row by row for 「土下座」 (1.7%) takes ~3,000 probes, 730 ms against 80 ms (docs/decisions/0026).
 */
const COMMON_TEXT_SHARE = 10;
const COMMON_TEXT_MIN = 1_000;

function isCommonText(db: Db, q: string, common: number | null): boolean {
  const indexed = searchForms(q).filter(usesIndex);
  if (!indexed.length) return false;
  // max(id) stands for the table's size: read from the end of the primary key, unlike count(*).
  const size = (db.$client.prepare("select coalesce(max(id), 0) as n from incidents").get() as { n: number }).n;
  const threshold = common ?? Math.max(COMMON_TEXT_MIN, Math.ceil(size / COMMON_TEXT_SHARE));
  const n = db.$client
    .prepare("select count(*) as n from (select rowid from incidents_fts where incidents_fts match ? limit ?)")
    .get(ftsMatch(indexed), threshold + 1) as { n: number };
  return n.n > threshold;
}

/** Any of the values, a null among them meaning "is null" (SQL `in` never matches null). */
function inOrNull<T extends string | number>(column: SQLWrapper, values: (T | null)[]): SQL {
  const known = values.filter((v): v is T => v !== null);
  return or(known.length ? inArray(column, known) : undefined, values.includes(null) ? isNull(column) : undefined)!;
}

// occurred_on is the Tokyo day, so strftime's weekday (0 = Sunday) is the Tokyo weekday, whatever the server's zone.
const occurredWeekday = sql`cast(strftime('%w', ${incidents.occurredOn}) as integer)`;
// occurred_at always holds Tokyo time (…T14:05:00+09:00), so characters 12–13 are the Tokyo hour; a bare date (10
// characters) has no time of day and gives null, which `hour=unknown` asks for.
const occurredHour = sql`(case when length(${incidents.occurredAt}) > 10 then cast(substr(${incidents.occurredAt}, 12, 2) as integer) end)`;

/** `probeText`: the text search asks the index row by row (for a common text's first page, see isCommonText). */
export function filterConditions(f: IncidentFilters, { probeText = false }: { probeText?: boolean } = {}): SQL[] {
  const c: SQL[] = [];
  // On occurred_at, the list's sort key, so the first page is read from one index in order. Stored values start with
  // the Tokyo day, so every value of the last day sorts below the next day's bare date.
  if (f.period) c.push(gte(incidents.occurredAt, f.period.from), lt(incidents.occurredAt, shiftDay(f.period.to, 1)));
  if (f.departmentId.length) c.push(inOrNull(incidents.departmentId, f.departmentId));
  if (f.clientId.length) c.push(inOrNull(incidents.clientId, f.clientId));
  if (f.clientNot.length) c.push(isNotNull(incidents.clientId), notInArray(incidents.clientId, f.clientNot));
  if (f.client) {
    c.push(
      inArray(
        incidents.clientId,
        sql`(select ${clients.id} from ${clients} where ${clients.normalizedName} like ${likeContains(normalizeName(f.client))} escape '\\')`,
      ),
    );
  }
  if (f.behaviour.length) {
    // The codes index yields the matching ids directly; a correlated EXISTS would visit every incident.
    c.push(
      inArray(
        incidents.id,
        sql`(select ${incidentCodes.incidentId} from ${incidentCodes} where ${incidentCodes.field} = 'behaviours' and ${inArray(incidentCodes.code, f.behaviour)})`,
      ),
    );
  }
  if (f.channel.length) c.push(inArray(incidents.channel, f.channel));
  if (f.outcome.length) c.push(inOrNull(incidents.outcome, f.outcome));
  if (f.severity.length) c.push(inOrNull(incidents.severity, f.severity));
  if (f.status.length) c.push(inArray(incidents.status, f.status));
  if (f.determination.length) c.push(inOrNull(incidents.determination, f.determination));
  if (f.weekday.length) c.push(inArray(occurredWeekday, f.weekday));
  if (f.hour.length) c.push(inOrNull(occurredHour, f.hour));
  if (f.q) {
    const text = textSearch(f.q, probeText);
    if (text) c.push(text);
  }
  return c;
}

const ORDER = {
  occurred_desc: [desc(incidents.occurredAt), desc(incidents.id)],
  occurred_asc: [asc(incidents.occurredAt), asc(incidents.id)],
  // SQLite sorts NULL lowest, so unknown severity comes last here and the (severity, occurred_at) index serves the order.
  severity_desc: [desc(incidents.severity), desc(incidents.occurredAt), desc(incidents.id)],
  ref_asc: [sql`${incidents.ref} is null`, asc(incidents.ref), asc(incidents.id)],
  updated_desc: [desc(incidents.updatedAt), desc(incidents.id)],
} as const;

export interface IncidentListRow {
  id: number;
  ref: string | null;
  occurredAt: string;
  department: string | null;
  client: string | null;
  channel: string;
  behaviours: string[];
  severity: number | null;
  determination: string | null;
  outcome: string | null;
  status: "open" | "closed";
  /** Closed on a day nobody recorded (終了日不明). */
  closedDateUnknown: boolean;
  summary: string | null;
}

export interface IncidentListPage {
  rows: IncidentListRow[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
}

/** `commonTextMatches`: above how many matches a text search counts as common (tests set it to reach either path). */
export function listIncidents(db: Db, query: ListQuery, { commonTextMatches = null as number | null } = {}): IncidentListPage {
  const where = and(...filterConditions(query.filters));
  const total = db.select({ n: sql<number>`count(*)` }).from(incidents).where(where).get()!.n;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const rowsWhere = query.filters.q && isCommonText(db, query.filters.q, commonTextMatches) ? and(...filterConditions(query.filters, { probeText: true })) : where;
  const rows = db
    .select({
      id: incidents.id,
      ref: incidents.ref,
      occurredAt: incidents.occurredAt,
      department: departments.name,
      client: clients.name,
      channel: incidents.channel,
      behaviours: sql<string | null>`(select group_concat(${incidentCodes.code}, ',') from ${incidentCodes} where ${incidentCodes.incidentId} = ${incidents.id} and ${incidentCodes.field} = 'behaviours')`,
      severity: incidents.severity,
      determination: incidents.determination,
      outcome: incidents.outcome,
      status: incidents.status,
      closedDateUnknown: incidents.closedDateUnknown,
      summary: sql<string | null>`substr(${incidents.summary}, 1, 80)`,
    })
    .from(incidents)
    .leftJoin(departments, eq(departments.id, incidents.departmentId))
    .leftJoin(clients, eq(clients.id, incidents.clientId))
    .where(rowsWhere)
    .orderBy(...ORDER[query.sort])
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .all();
  return {
    rows: rows.map((r) => ({ ...r, behaviours: r.behaviours ? r.behaviours.split(",").sort() : [] })),
    total,
    page,
    pages,
    pageSize: PAGE_SIZE,
  };
}

export interface IncidentDetail extends IncidentInput {
  id: number;
  departmentId: number | null;
  clientId: number | null;
  batchId: string | null;
  createdAt: string;
  updatedAt: string;
  /** Moves on with every update: the edit form posts the one it was opened at (optimistic concurrency). */
  version: number;
}

export function getIncident(db: Conn, id: number): IncidentDetail | null {
  const r = db
    .select({ i: incidents, department: departments.name, client: clients.name })
    .from(incidents)
    .leftJoin(departments, eq(departments.id, incidents.departmentId))
    .leftJoin(clients, eq(clients.id, incidents.clientId))
    .where(eq(incidents.id, id))
    .get();
  if (!r) return null;
  const codes = db
    .select({ field: incidentCodes.field, code: incidentCodes.code })
    .from(incidentCodes)
    .where(eq(incidentCodes.incidentId, id))
    .orderBy(asc(incidentCodes.code))
    .all();
  const lists = Object.fromEntries(MULTI_FIELDS.map((f) => [f, [] as string[]])) as Record<MultiField, string[]>;
  for (const c of codes) lists[c.field].push(c.code);
  const i = r.i;
  return {
    id: i.id, ref: i.ref, occurred_at: i.occurredAt, reported_at: i.reportedAt, department: r.department,
    departmentId: i.departmentId, in_tokyo: i.inTokyo, channel: i.channel, client: r.client, clientId: i.clientId,
    counterparty_type: i.counterpartyType, customer_identified: i.customerIdentified, validity: i.validity,
    behaviours: lists.behaviours, legal_flags: lists.legal_flags, severity: i.severity, duration_min: i.durationMin,
    contact_count: i.contactCount, responders: i.responders, recorded: i.recorded, summary: i.summary,
    verbatim: i.verbatim, determination: i.determination, responses: lists.responses, care: lists.care,
    outcome: i.outcome, status: i.status, closed_at: i.closedAt, ...(i.closedDateUnknown ? { closed_date_unknown: true } : {}), report_submitted_at: i.reportSubmittedAt,
    prevention: i.prevention, batchId: i.batchId, createdAt: i.createdAt, updatedAt: i.updatedAt, version: i.version,
  };
}

/** The typed input of a stored incident, e.g. to compare before and after an edit. */
export function toInput(d: IncidentDetail): IncidentInput {
  const { id: _i, departmentId: _d, clientId: _c, batchId: _b, createdAt: _ca, updatedAt: _u, version: _v, ...input } = d;
  return input;
}

export { listDepartments } from "../departments/lookup.server";

/** Clients met in one department's incidents (what a supervisor may see of clients); no condition for null. */
function clientsOfDepartment(db: Db, departmentId: number | null): SQL | undefined {
  return departmentId === null
    ? undefined
    : inArray(clients.id, db.select({ id: incidents.clientId }).from(incidents).where(eq(incidents.departmentId, departmentId)));
}

/** The ids of the clients whose normalised name contains this text: the list's `client` filter, for the dashboard. */
export function clientIdsMatching(db: Db, text: string): number[] {
  return db
    .select({ id: clients.id })
    .from(clients)
    .where(sql`${clients.normalizedName} like ${likeContains(normalizeName(text))} escape '\\'`)
    .all()
    .map((r) => r.id);
}

/** Client names for suggestions: all of them, or (for a supervisor) those met in one department's incidents. */
export function listClientNames(db: Db, limit = 500, departmentId: number | null = null): string[] {
  const inDepartment = clientsOfDepartment(db, departmentId);
  return db
    .select({ name: clients.name })
    .from(clients)
    .where(inDepartment)
    .orderBy(asc(clients.normalizedName))
    .limit(limit)
    .all()
    .map((r) => r.name);
}

/** The names of some clients by id (the list's client_id filter); for a supervisor, only of clients met in their department. */
export function clientNamesById(db: Db, ids: number[], departmentId: number | null = null): { id: number; name: string }[] {
  if (!ids.length) return [];
  const inDepartment = clientsOfDepartment(db, departmentId);
  return db.select({ id: clients.id, name: clients.name }).from(clients).where(and(inArray(clients.id, ids), inDepartment)).all();
}

export function countIncidents(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(incidents).get()!.n;
}

/**
 * Cases open at the end of `asOf` among those of the list filters `f` that occurred before `before` (domain.md's open
 * cases; the same rule as analytics openAt): occurred by then, not closed by then, and not closed on a day nobody
 * recorded. Their number and the day the oldest occurred. The dashboard counts the months it has not loaded yet so.
 */
export function openCasesBefore(db: Db, f: IncidentFilters, before: string, asOf: string): { count: number; oldestDay: string | null } {
  const end = before <= asOf ? before : shiftDay(asOf, 1);
  const row = db
    .select({ n: sql<number>`count(*)`, oldest: sql<string | null>`min(${incidents.occurredOn})` })
    .from(incidents)
    .where(
      and(
        ...filterConditions({ ...f, period: null }),
        lt(incidents.occurredOn, end),
        sql`${incidents.closedDateUnknown} = 0`,
        sql`(${incidents.status} = 'open' or substr(${incidents.closedAt}, 1, 10) > ${asOf})`,
      ),
    )
    .get()!;
  return { count: row.n, oldestDay: row.oldest };
}

/** Incidents that occurred from one day to another, both included: one range of the occurred_on index. */
export function countIncidentsBetween(db: Db, from: string, to: string): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(incidents)
    .where(and(gte(incidents.occurredOn, from), lte(incidents.occurredOn, to)))
    .get()!.n;
}
