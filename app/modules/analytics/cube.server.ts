/**
 * The dashboard's figures come from an in-memory, column-wise copy of the incidents' coded facts, one partition per
 * month (docs/decisions/0006). A fiscal year at 1,000,000 incidents is ~330,000 rows: a dozen GROUP BY queries over
 * them cost seconds in SQLite, one pass over typed arrays costs milliseconds. The copy holds no names or free text.
 *
 * Freshness: triggers move `analytics_months.generation` on every write (migration 0005); each request compares the
 * generations (a ~40-row read) and reloads just the months that moved, so a page always shows committed data.
 */
import type { Db } from "../../../db/client.server";
import { DAY_MS, dayNumber } from "../incidents/dates";
import { BEHAVIOURS, CARE, CHANNELS, DETERMINATIONS, OUTCOMES, RESPONSES, VALIDITIES } from "../incidents/taxonomy";

const codeIndex = (list: readonly { code: string }[]) => new Map(list.map((c, i) => [c.code, i]));
export const BEHAVIOUR_INDEX = codeIndex(BEHAVIOURS);
export const RESPONSE_INDEX = codeIndex(RESPONSES);
export const CARE_INDEX = codeIndex(CARE);
export const CHANNEL_INDEX = codeIndex(CHANNELS);
export const OUTCOME_INDEX = codeIndex(OUTCOMES);
export const DETERMINATION_INDEX = codeIndex(DETERMINATIONS);
export const VALIDITY_INDEX = codeIndex(VALIDITIES);

/** Bit masks over BEHAVIOURS of the MA and MB groups. */
export const MA_MASK = BEHAVIOURS.reduce((m, b, i) => (b.code.startsWith("MA") ? m | (1 << i) : m), 0);
export const MB_MASK = BEHAVIOURS.reduce((m, b, i) => (b.code.startsWith("MB") ? m | (1 << i) : m), 0);

/** The columns of one month. -1 (or 0 for ids) means "no value". */
export interface Partition {
  month: string;
  generation: number;
  n: number;
  /** Its first and last calendar day (day numbers), and its largest client and department ids (for dense counters). */
  firstDay: number;
  lastDay: number;
  maxClient: number;
  maxDepartment: number;
  id: Int32Array;
  day: Int32Array;
  weekday: Int8Array;
  hour: Int8Array;
  department: Int32Array;
  client: Int32Array;
  channel: Int8Array;
  severity: Int8Array;
  determination: Int8Array;
  outcome: Int8Array;
  validity: Int8Array;
  open: Uint8Array;
  /** Day number of closed_at, -1 when not closed. */
  closedDay: Int32Array;
  duration: Int32Array;
  contacts: Int32Array;
  behaviours: Int32Array;
  responses: Int32Array;
  care: Int32Array;
  identified: Int8Array;
  recorded: Int8Array;
  responders: Int32Array;
  /** reported_at − occurred_at ≤ 1 day: 1 yes, 0 no, -1 not reported. */
  reportedInTime: Int8Array;
  /** Days from the occurred day to report_submitted_at, -1 when none. */
  writtenDays: Int32Array;
}

type Raw = [
  id: number, occurredOn: string, occurredAt: string, reportedAt: string | null, department: number | null,
  client: number | null, channel: string, severity: number | null, determination: string | null, outcome: string | null,
  status: string, duration: number | null, contacts: number | null, responders: number | null, recorded: number | null,
  identified: number | null, submitted: string | null, validity: string | null, closedAt: string | null,
];

/** An instant in ms of a stored date-time (Tokyo with offset) or date (its 00:00 in Tokyo). */
function instant(stored: string): number {
  return Date.parse(stored.length === 10 ? `${stored}T00:00:00+09:00` : stored);
}

const codeStatements = new WeakMap<Db, Map<string, ReturnType<Db["$client"]["prepare"]>>>();
function codeStatement(db: Db, field: string, codes: number) {
  let byField = codeStatements.get(db);
  if (!byField) codeStatements.set(db, (byField = new Map()));
  let stmt = byField.get(field);
  if (!stmt) {
    stmt = db.$client
      .prepare(
        `select incident_id, code from incident_codes indexed by incident_codes_field_code_idx
          where field = ? and code in (${Array(codes).fill("?").join(", ")}) and occurred_on >= ? and occurred_on < ?`,
      )
      .raw();
    byField.set(field, stmt);
  }
  return stmt;
}

function loadPartition(db: Db, month: string, generation: number): Partition {
  const from = `${month}-01`;
  const to = `${month}-32`; // every day of the month sorts below it
  const rows = db.$client
    .prepare(
      `select id, occurred_on, occurred_at, reported_at, department_id, client_id, channel, severity, determination,
              outcome, status, duration_min, contact_count, responders, recorded, customer_identified, report_submitted_at,
              validity, closed_at
         from incidents where occurred_on >= ? and occurred_on < ?`,
    )
    .raw()
    .all(from, to) as Raw[];
  const n = rows.length;
  const p: Partition = {
    month, generation, n,
    firstDay: dayNumber(from), lastDay: dayNumber(from) + 30, maxClient: 0, maxDepartment: 0,
    id: new Int32Array(n), day: new Int32Array(n), weekday: new Int8Array(n), hour: new Int8Array(n),
    department: new Int32Array(n), client: new Int32Array(n), channel: new Int8Array(n), severity: new Int8Array(n),
    determination: new Int8Array(n), outcome: new Int8Array(n), validity: new Int8Array(n), open: new Uint8Array(n),
    closedDay: new Int32Array(n), duration: new Int32Array(n),
    contacts: new Int32Array(n), behaviours: new Int32Array(n), responses: new Int32Array(n), care: new Int32Array(n),
    identified: new Int8Array(n), recorded: new Int8Array(n), responders: new Int32Array(n),
    reportedInTime: new Int8Array(n), writtenDays: new Int32Array(n),
  };
  const monthEnd = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  p.lastDay = dayNumber(monthEnd);
  const position = new Map<number, number>();
  rows.forEach((r, i) => {
    const [id, on, at, reportedAt, department, client, channel, severity, determination, outcome, status, duration, contacts,
      responders, recorded, identified, submitted, validity, closedAt] = r;
    position.set(id, i);
    const day = dayNumber(on);
    p.id[i] = id;
    p.day[i] = day;
    p.weekday[i] = (day + 4) % 7; // 1970-01-01 was a Thursday
    p.hour[i] = at.length > 10 ? Number(at.slice(11, 13)) : -1;
    p.department[i] = department ?? 0;
    p.client[i] = client ?? 0;
    if ((client ?? 0) > p.maxClient) p.maxClient = client!;
    if ((department ?? 0) > p.maxDepartment) p.maxDepartment = department!;
    p.channel[i] = CHANNEL_INDEX.get(channel) ?? -1;
    p.severity[i] = severity ?? -1;
    p.determination[i] = determination === null ? -1 : (DETERMINATION_INDEX.get(determination) ?? -1);
    p.outcome[i] = outcome === null ? -1 : (OUTCOME_INDEX.get(outcome) ?? -1);
    p.open[i] = status === "open" ? 1 : 0;
    p.validity[i] = validity === null ? -1 : (VALIDITY_INDEX.get(validity) ?? -1);
    p.closedDay[i] = closedAt === null ? -1 : dayNumber(closedAt);
    p.duration[i] = duration ?? -1;
    p.contacts[i] = contacts ?? -1;
    p.responders[i] = responders ?? -1;
    p.recorded[i] = recorded ?? -1;
    p.identified[i] = identified ?? -1;
    p.reportedInTime[i] = reportedAt === null ? -1 : instant(reportedAt) - instant(at) <= DAY_MS ? 1 : 0;
    p.writtenDays[i] = submitted === null ? -1 : dayNumber(submitted) - day;
  });
  // Per field and code, so each lookup is a range of the covering index (field, code, occurred_on, incident_id):
  // a month's codes are read without touching the table.
  const fields: [string, Map<string, number>, Int32Array][] = [
    ["behaviours", BEHAVIOUR_INDEX, p.behaviours],
    ["responses", RESPONSE_INDEX, p.responses],
    ["care", CARE_INDEX, p.care],
  ];
  for (const [field, index, target] of fields) {
    const stmt = codeStatement(db, field, index.size);
    const rows = stmt.all([field, ...index.keys(), from, to]) as [number, string][];
    for (const [incidentId, code] of rows) {
      const i = position.get(incidentId);
      if (i !== undefined) target[i] |= 1 << index.get(code)!;
    }
  }
  return p;
}

/** The partitions of one database, kept fresh by generation. */
export class Cube {
  private readonly partitions = new Map<string, Partition>();
  constructor(private readonly db: Db) {}

  private gradual: Promise<number> | null = null;

  /** The months whose generation moved since they were loaded (and drops the months that no longer exist). */
  private staleMonths(): [string, number][] {
    const generations = this.db.$client.prepare("select month, generation from analytics_months").raw().all() as [string, number][];
    const seen = new Set(generations.map(([month]) => month));
    for (const month of this.partitions.keys()) if (!seen.has(month)) this.partitions.delete(month);
    return generations.filter(([month, generation]) => this.partitions.get(month)?.generation !== generation);
  }

  /** Brings every month up to date; returns how many months were (re)loaded. */
  refresh(): number {
    const stale = this.staleMonths();
    for (const [month, generation] of stale) this.partitions.set(month, loadPartition(this.db, month, generation));
    return stale.length;
  }

  /**
   * The same, one month per event-loop turn, so that other requests are answered in between: after a large import
   * (every month moved) or at start (about 12 s at 1,000,000 incidents) the server never stops for the whole load.
   * Concurrent callers share one pass. A month written again meanwhile is picked up by the next `refresh`.
   */
  refreshGradually(): Promise<number> {
    this.gradual ??= (async () => {
      let loaded = 0;
      try {
        for (const [month, generation] of this.staleMonths()) {
          if (this.partitions.get(month)?.generation === generation) continue; // a synchronous refresh got there first
          this.partitions.set(month, loadPartition(this.db, month, generation));
          loaded++;
          await new Promise((resolve) => setImmediate(resolve));
        }
        return loaded;
      } finally {
        this.gradual = null;
      }
    })();
    return this.gradual;
  }

  /** The months overlapping [from, to] (calendar days), oldest first. */
  monthsBetween(from: string, to: string): Partition[] {
    const first = from.slice(0, 7);
    const last = to.slice(0, 7);
    return [...this.partitions.values()]
      .filter((p) => p.month >= first && p.month <= last && p.n > 0)
      .sort((a, b) => (a.month < b.month ? -1 : 1));
  }
}

const cubes = new WeakMap<Db, Cube>();

function cubeOf(db: Db): Cube {
  let cube = cubes.get(db);
  if (!cube) {
    cube = new Cube(db);
    cubes.set(db, cube);
  }
  return cube;
}

/** The cube of a connection, refreshed: what every dashboard request starts with. */
export function cubeFor(db: Db): Cube {
  const cube = cubeOf(db);
  cube.refresh();
  return cube;
}

/**
 * Loads what changed one month per event-loop turn. Pages await it before building (the dashboard, the report), so
 * that the synchronous `cubeFor` they call then has little or nothing left to load; the server's warm-up uses it too.
 */
export function prepareCube(db: Db): Promise<number> {
  return cubeOf(db).refreshGradually();
}
