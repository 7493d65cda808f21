/**
 * The dashboard's figures come from an in-memory, column-wise copy of the incidents' coded facts, one partition per
 * month (docs/decisions/0006). A fiscal year at 1,000,000 incidents is ~330,000 rows: a dozen GROUP BY queries over
 * them cost seconds in SQLite, one pass over typed arrays costs milliseconds. The copy holds no names or free text.
 *
 * Freshness: triggers move `analytics_months.generation` on every write (migration 0005); each request compares the
 * generations (a ~40-row read) and reloads just the months it reads that moved, so a page always shows committed data.
 *
 * Loading (docs/decisions/0016): a month is read in slices of about 20 ms, one per event-loop turn, with SQLite
 * computing every value as an integer; a request's months are loaded before the warm-up's, and a finished month
 * replaces the old one in one step.
 */
import type Database from "better-sqlite3";
import type { Db } from "../../../db/client.server";
import { dayNumber } from "../incidents/dates";
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
  /** Day number of closed_at; -1 when not closed, CLOSED_DAY_UNKNOWN when closed on a day nobody recorded (終了日不明). */
  closedDay: Int32Array;
  duration: Int32Array;
  contacts: Int32Array;
  behaviours: Int32Array;
  responses: Int32Array;
  care: Int32Array;
  identified: Int8Array;
  recorded: Int8Array;
  responders: Int32Array;
  /** Step ③ (domain.md): reported on the same or the next calendar day (Asia/Tokyo) as it occurred: 1 yes, 0 no, -1 not reported. */
  reportedInTime: Int8Array;
  /** Days from the occurred day to report_submitted_at, -1 when none. */
  writtenDays: Int32Array;
}

/** A span of calendar days, both included (`YYYY-MM-DD`): what a request reads. Its months are the ones it needs. */
export type DayRange = readonly [from: string, to: string];

/** Every month, for commands and tests that want the whole cube. */
const EVERY_MONTH: readonly DayRange[] = [["0000-01-01", "9999-12-31"]];

/** A slice should keep the thread for about this long; the event loop runs between slices (target: ≤ 100 ms stalls). */
const SLICE_MS = 20;
const FIRST_SLICE_ROWS = 2_000;
const MIN_SLICE_ROWS = 200;
const MAX_SLICE_ROWS = 50_000;
/** A month written to during each of this many sliced loads is then read in one go, so that it is loaded at all. */
const SLICED_ATTEMPTS = 3;

const caseOf = (column: string, index: Map<string, number>) =>
  `case ${column} ${[...index].map(([code, i]) => `when '${code}' then ${i}`).join(" ")} else -1 end`;
/** Day number (days since 1970-01-01) of a stored date, or of the date part of a stored date-time. */
const dayOf = (column: string) => `unixepoch(substr(${column}, 1, 10)) / 86400`;

/**
 * The small coded values of a row in one integer (each stored + 1, so "no value" is 0): hour (5 bits), channel (4),
 * severity (3), determination (3), outcome (4), validity (3), open (1), reported within a day (2), recorded (2) and
 * customer identified (2; booleans as SQLite reads them: 0 is no, any other number yes).
 */
if (CHANNELS.length > 14 || OUTCOMES.length > 14 || DETERMINATIONS.length > 6 || VALIDITIES.length > 6) {
  throw new Error("cube.server.ts: a code list outgrew its bits in PACKED");
}
const bool = (column: string) => `case when ${column} is null then 0 when ${column} then 2 else 1 end`;
const PACKED = [
  "((case when length(occurred_at) > 10 then cast(substr(occurred_at, 12, 2) as integer) + 1 else 0 end) & 31)",
  `((${caseOf("channel", CHANNEL_INDEX)} + 1) << 5)`,
  "(((coalesce(severity, -1) + 1) & 7) << 9)",
  `((${caseOf("determination", DETERMINATION_INDEX)} + 1) << 12)`,
  `((${caseOf("outcome", OUTCOME_INDEX)} + 1) << 15)`,
  `((${caseOf("validity", VALIDITY_INDEX)} + 1) << 19)`,
  "((status = 'open') << 22)",
  // Stored times are Tokyo wall-clock text, so their first ten characters are the Tokyo calendar day.
  `((case when reported_at is null then -1 when ${dayOf("reported_at")} - ${dayOf("occurred_at")} <= 1 then 1 else 0 end + 1) << 23)`,
  `((${bool("recorded")}) << 25)`,
  `((${bool("customer_identified")}) << 27)`,
].join(" | ");

/** `closedDay` of an incident closed on a day nobody recorded (終了日不明). */
export const CLOSED_DAY_UNKNOWN = -2;

/** The values of a row, every one an integer. */
const ROW = [
  "id",
  "unixepoch(occurred_on) / 86400",
  "coalesce(department_id, 0)",
  "coalesce(client_id, 0)",
  `case when closed_at is not null then ${dayOf("closed_at")} when closed_date_unknown = 1 then ${CLOSED_DAY_UNKNOWN} else -1 end`,
  "coalesce(duration_min, -1)",
  "coalesce(contact_count, -1)",
  "coalesce(responders, -1)",
  `case when report_submitted_at is null then -1 else ${dayOf("report_submitted_at")} - unixepoch(occurred_on) / 86400 end`,
  PACKED,
];

/**
 * One slice of a month: the incidents after a (day, id) cursor, in the order of the occurred_on index (day, then id),
 * every value computed by SQLite as an integer: no text reaches JavaScript, and ten values a row instead of nineteen
 * (turning SQLite's values into JavaScript costs about as much as computing them).
 */
const SLICE_SQL = `
  select ${ROW.join(", ")}
    from incidents
   where (occurred_on, id) > (?, ?) and occurred_on < ?
   order by occurred_on, id
   limit ?`;

/**
 * Integers written by group_concat, as numbers: a code's incident ids come back as one text (their order does not
 * matter), which costs a third less than one value per id (measured at 1,000,000 incidents).
 */
const numbers = (text: string | null): number[] => (text ? (JSON.parse(`[${text}]`) as number[]) : []);

/** The coded values kept as bit masks: per field, its codes in bit order. */
const CODE_FIELDS = [
  ["behaviours", [...BEHAVIOUR_INDEX.keys()]],
  ["responses", [...RESPONSE_INDEX.keys()]],
  ["care", [...CARE_INDEX.keys()]],
] as const;

interface Statements {
  slice: Statement;
  lastDay: Statement;
  generation: Statement;
  generations: Statement;
  /** The incident ids having one code of one field, in (day, id) order, between two cursors. */
  code: Statement;
}
type Statement = Database.Statement<unknown[]>;

const statements = new WeakMap<Db, Statements>();
function statementsOf(db: Db): Statements {
  let s = statements.get(db);
  if (!s) {
    const sqlite = db.$client;
    s = {
      slice: sqlite.prepare(SLICE_SQL).raw(),
      lastDay: sqlite.prepare("select occurred_on from incidents where id = ?").pluck(),
      generation: sqlite.prepare("select generation from analytics_months where month = ?").pluck(),
      generations: sqlite.prepare("select month, generation from analytics_months").raw(),
      // Per code, so each lookup is one range of the covering index (field, code, occurred_on, incident_id), and the ids
      // come back as one text. `indexed by` is SQLite-only (docs/decisions/0008).
      code: sqlite
        .prepare(
          `select group_concat(incident_id, ',') from incident_codes indexed by incident_codes_field_code_idx
            where field = ? and code = ? and (occurred_on, incident_id) > (?, ?) and (occurred_on, incident_id) <= (?, ?)`,
        )
        .pluck(),
    };
    statements.set(db, s);
  }
  return s;
}

/** Where a sliced load stands: after this (occurred_on, id); the first slice starts at the month's first day, id 0. */
type Cursor = readonly [occurredOn: string, id: number];

interface Slice {
  /** The month's generation, read in the same read transaction as the rows. */
  generation: number;
  columns: Partition;
  /** The last row read, or null when there was none. */
  last: Cursor | null;
  /** Fewer rows than asked: the month is complete. */
  done: boolean;
}

/** A partition of `n` rows with every column zeroed. */
function emptyPartition(month: string, generation: number, n: number): Partition {
  const first = `${month}-01`;
  const monthEnd = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  return {
    month, generation, n,
    firstDay: dayNumber(first), lastDay: dayNumber(monthEnd), maxClient: 0, maxDepartment: 0,
    id: new Int32Array(n), day: new Int32Array(n), weekday: new Int8Array(n), hour: new Int8Array(n),
    department: new Int32Array(n), client: new Int32Array(n), channel: new Int8Array(n), severity: new Int8Array(n),
    determination: new Int8Array(n), outcome: new Int8Array(n), validity: new Int8Array(n), open: new Uint8Array(n),
    closedDay: new Int32Array(n), duration: new Int32Array(n),
    contacts: new Int32Array(n), behaviours: new Int32Array(n), responses: new Int32Array(n), care: new Int32Array(n),
    identified: new Int8Array(n), recorded: new Int8Array(n), responders: new Int32Array(n),
    reportedInTime: new Int8Array(n), writtenDays: new Int32Array(n),
  };
}

/** Row positions by incident id: a dense table when the ids are close together (they usually are), else a Map. */
function positions(ids: Int32Array): (id: number) => number {
  const n = ids.length;
  if (n === 0) return () => -1;
  let min = ids[0];
  let max = ids[0];
  for (let i = 1; i < n; i++) {
    if (ids[i] < min) min = ids[i];
    else if (ids[i] > max) max = ids[i];
  }
  if (max - min < 4 * n + 1024) {
    const table = new Int32Array(max - min + 1).fill(-1);
    for (let i = 0; i < n; i++) table[ids[i] - min] = i;
    return (id) => (id < min || id > max ? -1 : table[id - min]);
  }
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) map.set(ids[i], i);
  return (id) => map.get(id) ?? -1;
}

/**
 * Up to `limit` incidents of `month` after `after`, with their codes, in one read transaction together with the
 * month's generation: a slice is always one committed state, and slices of the same generation are of the same state
 * (every write to a month moves its generation in the writing transaction).
 */
function readSlice(db: Db, month: string, after: Cursor, limit: number): Slice {
  const s = statementsOf(db);
  const sqlite = db.$client;
  // Inside a transaction the caller opened (a command), its snapshot is the one to read.
  const own = !sqlite.inTransaction;
  if (own) sqlite.exec("BEGIN");
  try {
    const generation = (s.generation.get(month) as number | undefined) ?? 0;
    const rows = s.slice.all(after[0], after[1], `${month}-32`, limit) as number[][];
    const n = rows.length;
    const p = emptyPartition(month, generation, n);
    let maxClient = 0;
    let maxDepartment = 0;
    for (let k = 0; k < n; k++) {
      const [id, day, department, client, closedDay, duration, contacts, responders, writtenDays, packed] = rows[k];
      p.id[k] = id;
      p.day[k] = day;
      p.weekday[k] = (day + 4) % 7; // 1970-01-01 was a Thursday
      p.department[k] = department;
      p.client[k] = client;
      if (client > maxClient) maxClient = client;
      if (department > maxDepartment) maxDepartment = department;
      p.closedDay[k] = closedDay;
      p.duration[k] = duration;
      p.contacts[k] = contacts;
      p.responders[k] = responders;
      p.writtenDays[k] = writtenDays;
      p.hour[k] = (packed & 31) - 1;
      p.channel[k] = ((packed >> 5) & 15) - 1;
      p.severity[k] = ((packed >> 9) & 7) - 1;
      p.determination[k] = ((packed >> 12) & 7) - 1;
      p.outcome[k] = ((packed >> 15) & 15) - 1;
      p.validity[k] = ((packed >> 19) & 7) - 1;
      p.open[k] = (packed >> 22) & 1;
      p.reportedInTime[k] = ((packed >> 23) & 3) - 1;
      p.recorded[k] = ((packed >> 25) & 3) - 1;
      p.identified[k] = ((packed >> 27) & 3) - 1;
    }
    p.maxClient = maxClient;
    p.maxDepartment = maxDepartment;
    const last: Cursor | null = n ? [s.lastDay.get(p.id[n - 1]) as string, p.id[n - 1]] : null;
    if (last) {
      const at = positions(p.id);
      const targets = { behaviours: p.behaviours, responses: p.responses, care: p.care };
      for (const [field, codes] of CODE_FIELDS) {
        const target = targets[field];
        codes.forEach((code, bit) => {
          for (const id of numbers(s.code.get(field, code, after[0], after[1], last[0], last[1]) as string | null)) {
            const i = at(id);
            if (i >= 0) target[i] |= 1 << bit;
          }
        });
      }
    }
    return { generation, columns: p, last, done: n < limit };
  } finally {
    if (own) sqlite.exec("COMMIT");
  }
}

const COLUMNS = [
  "id", "day", "weekday", "hour", "department", "client", "channel", "severity", "determination", "outcome", "validity",
  "open", "closedDay", "duration", "contacts", "behaviours", "responses", "care", "identified", "recorded", "responders",
  "reportedInTime", "writtenDays",
] as const satisfies readonly (keyof Partition)[];

/** The slices of one generation as one partition (a single slice is taken as it is). */
function assemble(month: string, generation: number, slices: Slice[]): Partition {
  if (slices.length === 1) return slices[0].columns;
  const p = emptyPartition(month, generation, slices.reduce((n, s) => n + s.columns.n, 0));
  let at = 0;
  for (const { columns } of slices) {
    for (const c of COLUMNS) p[c].set(columns[c], at);
    p.maxClient = Math.max(p.maxClient, columns.maxClient);
    p.maxDepartment = Math.max(p.maxDepartment, columns.maxDepartment);
    at += columns.n;
  }
  return p;
}

const monthStart = (month: string): Cursor => [`${month}-01`, 0];

/** Rows per slice of a month read at once (a bound on the arrays of one read). */
const WHOLE_SLICE_ROWS = 100_000;

/** A whole month at once, in one read transaction: for commands, tests and the last resort of a sliced load. */
export function loadPartition(db: Db, month: string): Partition {
  const sqlite = db.$client;
  const own = !sqlite.inTransaction;
  if (own) sqlite.exec("BEGIN");
  try {
    const slices: Slice[] = [];
    for (let after = monthStart(month); ; ) {
      const slice = readSlice(db, month, after, WHOLE_SLICE_ROWS);
      slices.push(slice);
      if (slice.done || !slice.last) return assemble(month, slice.generation, slices);
      after = slice.last;
    }
  } finally {
    if (own) sqlite.exec("COMMIT");
  }
}

/** The months (`YYYY-MM`) that overlap any of the ranges. */
function overlaps(month: string, ranges: readonly DayRange[]): boolean {
  return ranges.some(([from, to]) => month >= from.slice(0, 7) && month <= to.slice(0, 7));
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Task {
  month: string;
  urgent: boolean;
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface CubeOptions {
  /** Rows of a first slice (later slices are sized to take about SLICE_MS); small values are for tests. */
  sliceRows?: number;
  /** Adapt the slice size to the time slices take (default true; tests turn it off to count slices). */
  adaptive?: boolean;
}

/**
 * The partitions of one database, kept fresh by generation. Months are loaded by one loader at a time, in slices
 * between event-loop turns: the months a request waits for first, then the warm-up's, newest first. A finished month
 * replaces the old partition in one step, so a reader sees either the old month or the new one, never a part.
 */
export class Cube {
  private readonly partitions = new Map<string, Partition>();
  /** Months waiting to be loaded, and the one loading, by month. */
  private readonly tasks = new Map<string, Task>();
  private readonly queue: Task[] = [];
  private loading = false;
  private sliceRows: number;
  private readonly adaptive: boolean;

  constructor(
    private readonly db: Db,
    options: CubeOptions = {},
  ) {
    this.sliceRows = options.sliceRows ?? FIRST_SLICE_ROWS;
    this.adaptive = options.adaptive ?? true;
  }

  /** analytics_months as it is now (a ~40-row read); forgets the months that no longer exist. */
  private generations(): Map<string, number> {
    const generations = new Map(statementsOf(this.db).generations.all() as [string, number][]);
    for (const month of this.partitions.keys()) if (!generations.has(month)) this.partitions.delete(month);
    return generations;
  }

  /**
   * The months overlapping `ranges` (every month when none) whose partition is missing or older than the month's
   * generation, newest first.
   */
  stale(ranges: readonly DayRange[] = EVERY_MONTH): [month: string, generation: number][] {
    return [...this.generations()]
      .filter(([month, generation]) => overlaps(month, ranges) && this.partitions.get(month)?.generation !== generation)
      .sort((a, b) => (a[0] < b[0] ? 1 : -1));
  }

  /** Whether every month of `ranges` holds its committed data (a ~40-row read). */
  fresh(ranges: readonly DayRange[]): boolean {
    return this.stale(ranges).length === 0;
  }

  /** Keeps a loaded month unless a newer one is already there (generations only grow). */
  private install(p: Partition): void {
    const current = this.partitions.get(p.month);
    if (!current || current.generation <= p.generation) this.partitions.set(p.month, p);
  }

  /**
   * Brings the months of `ranges` (every month when none) up to date at once; returns how many were (re)loaded. For
   * commands and tests, and the last resort of a request (cubeFor): pages load with `prepare` first.
   */
  refresh(ranges?: readonly DayRange[]): number {
    const stale = this.stale(ranges);
    for (const [month] of stale) this.install(loadPartition(this.db, month));
    return stale.length;
  }

  /**
   * Loads the stale months of `ranges` in slices between event-loop turns, before any month the warm-up queued;
   * resolves with how many months were stale. A month written again meanwhile is stale again afterwards.
   */
  prepare(ranges: readonly DayRange[]): Promise<number> {
    return this.load(this.stale(ranges), true);
  }

  /**
   * Every stale month, the same way but after what requests wait for, newest first: the warm-up at start. Concurrent
   * callers share the loads.
   */
  refreshGradually(): Promise<number> {
    return this.load(this.stale(), false);
  }

  private async load(stale: [string, number][], urgent: boolean): Promise<number> {
    await Promise.all(stale.map(([month]) => this.enqueue(month, urgent)));
    return stale.length;
  }

  private enqueue(month: string, urgent: boolean): Promise<void> {
    let task = this.tasks.get(month);
    if (!task) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      done.catch(() => {}); // a failure reaches every caller that awaits it; none is left unhandled
      task = { month, urgent, done, resolve, reject };
      this.tasks.set(month, task);
      this.queue.push(task);
    } else if (urgent) {
      task.urgent = true;
    }
    void this.run();
    return task.done;
  }

  /** Loads the queued months one after the other: the oldest urgent one first, else the next of the warm-up. */
  private async run(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      for (;;) {
        const urgent = this.queue.findIndex((t) => t.urgent);
        const [task] = this.queue.splice(urgent >= 0 ? urgent : 0, 1);
        if (!task) return;
        try {
          await this.loadInSlices(task.month);
          this.tasks.delete(task.month);
          task.resolve();
        } catch (e) {
          this.tasks.delete(task.month);
          task.reject(e);
        }
      }
    } finally {
      this.loading = false;
    }
  }

  /**
   * One month, slice by slice, each in its own event-loop turn; installed once complete. When the month's generation
   * moves between two slices (a write committed meanwhile), the slices are thrown away and the load starts over.
   */
  private async loadInSlices(month: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await nextTurn();
      const generation = statementsOf(this.db).generation.get(month) as number | undefined;
      if (generation === undefined || this.partitions.get(month)?.generation === generation) return; // gone, or loaded meanwhile
      if (attempt > SLICED_ATTEMPTS) {
        this.install(loadPartition(this.db, month));
        return;
      }
      const slices: Slice[] = [];
      for (let after = monthStart(month); ; ) {
        const started = performance.now();
        const slice = readSlice(this.db, month, after, this.sliceRows);
        this.adapt(slice.columns.n, performance.now() - started);
        if (slice.generation !== generation) break;
        slices.push(slice);
        if (slice.done || !slice.last) {
          this.install(assemble(month, generation, slices));
          return;
        }
        after = slice.last;
        await nextTurn();
      }
    }
  }

  /** Sizes the next slice to take about SLICE_MS at the speed of the last one. */
  private adapt(rows: number, ms: number): void {
    if (!this.adaptive || rows < MIN_SLICE_ROWS) return;
    const next = Math.round((rows * SLICE_MS) / Math.max(ms, 0.1));
    this.sliceRows = Math.min(MAX_SLICE_ROWS, Math.max(MIN_SLICE_ROWS, next));
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

/**
 * The cube of a connection with the months of `ranges` (every month when none) up to date, loading what is stale at
 * once. Commands and tests call it as it is; the figures of a request are built inside `withFreshMonths`, which has
 * loaded them in slices before, so that here nothing is left to load.
 */
export function cubeFor(db: Db, ranges?: readonly DayRange[]): Cube {
  const cube = cubeOf(db);
  cube.refresh(ranges);
  return cube;
}

/**
 * Runs `build` (which reads the cube through cubeFor) once the months of `ranges` hold the committed data: the stale
 * ones are loaded first, in slices between event-loop turns and before the warm-up's. The last check of the generations
 * and `build` run in the same turn, so no write can come between them; a month written again while it loaded is loaded
 * again. After a few rounds of that, `build` runs anyway and cubeFor loads what is still stale at once.
 */
export async function withFreshMonths<T>(db: Db, ranges: readonly DayRange[], build: () => T): Promise<T> {
  const cube = cubeOf(db);
  for (let round = 0; round < SLICED_ATTEMPTS && cube.stale(ranges).length > 0; round++) await cube.prepare(ranges);
  const figures = build();
  // The figures (about 50 ms for a fiscal year at 1,000,000 incidents) and what the request does next (rendering the
  // page) are two turns of the event loop, not one.
  await nextTurn();
  return figures;
}

/**
 * Loads every stale month in slices, after what requests wait for, newest first; the server's warm-up at start.
 * Resolves with how many months were loaded.
 */
export function prepareCube(db: Db): Promise<number> {
  return cubeOf(db).refreshGradually();
}
