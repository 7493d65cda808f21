/**
 * Every figure of the dashboard in one pass over the cube's columns (cube.server.ts). Pure: partitions and filters in,
 * counts out; labels, links and suppression are added by dashboard.server.ts. Counting rules of reports.md: totals
 * count an incident once, multi-valued breakdowns once per value, and an empty field counts under "unknown".
 */
import { BEHAVIOURS, CARE, CHANNELS, OUTCOMES, VALIDITIES } from "../incidents/taxonomy";
import type { Partition } from "./cube.server";
import { CHANNEL_INDEX, CLOSED_DAY_UNKNOWN, DETERMINATION_INDEX, MA_MASK, MB_MASK, OUTCOME_INDEX, RESPONSE_INDEX } from "./cube.server";

/** Filters as the cube sees them; every list is "any of", and null in a list means "no value". */
export interface CubeFilters {
  from: number; // day numbers, both included
  to: number;
  departments: (number | null)[];
  channels: number[];
  /** Client ids allowed (resolved from the name search), or null for no client filter. */
  clients: Set<number> | null;
  /** Bit mask: any of these behaviours. 0 = no filter. */
  behaviours: number;
  severities: (number | null)[];
  determinations: (number | null)[];
}

export const NO_FILTERS: Omit<CubeFilters, "from" | "to"> = {
  departments: [], channels: [], clients: null, behaviours: 0, severities: [], determinations: [],
};

const bit = (code: string) => 1 << RESPONSE_INDEX.get(code)!;
/** Police or lawyer involved: 110番通報, 警察相談, 弁護士・法的措置 (outcomes 警察対応 / 法的措置 are checked by index). */
const POLICE_LAWYER_RESPONSES = bit("R06") | bit("R07") | bit("R10");
const R02 = bit("R02");
const D1 = DETERMINATION_INDEX.get("D1")!;

/**
 * A row test for the filters. The day range is only checked for a month the period cuts, and each filter only when
 * it is set: with no filters a whole month is taken without a test per row.
 */
function matcher(f: CubeFilters) {
  const dept = f.departments.length ? new Set(f.departments.map((d) => d ?? 0)) : null;
  const chan = f.channels.length ? new Set(f.channels) : null;
  const sev = f.severities.length ? new Set(f.severities.map((s) => s ?? -1)) : null;
  const det = f.determinations.length ? new Set(f.determinations.map((d) => d ?? -1)) : null;
  const clients = f.clients;
  const behaviours = f.behaviours;
  const filtered = !!(dept || chan || sev || det || clients || behaviours);
  return {
    /** null: every row of the month matches; otherwise the row test. */
    forMonth(p: Partition): ((i: number) => boolean) | null | false {
      if (p.lastDay < f.from || p.firstDay > f.to) return false;
      const cut = p.firstDay < f.from || p.lastDay > f.to;
      if (!cut && !filtered) return null;
      return (i: number) =>
        (!cut || (p.day[i] >= f.from && p.day[i] <= f.to)) &&
        (!dept || dept.has(p.department[i])) &&
        (!chan || chan.has(p.channel[i])) &&
        (!clients || clients.has(p.client[i])) &&
        (!behaviours || (p.behaviours[i] & behaviours) !== 0) &&
        (!sev || sev.has(p.severity[i])) &&
        (!det || det.has(p.determination[i]));
    },
  };
}

export interface Aggregates {
  total: number;
  kasuhara: number;
  open: number;
  /** Earliest day number among open incidents, or null. */
  oldestOpenDay: number | null;
  severe: number;
  policeOrLawyer: number;
  /** Handling time in minutes → how many incidents (a histogram: the median without sorting 400,000 numbers). */
  durations: Int32Array;
  repeatContacts: number;
  /** month (YYYY-MM) → counts of [MA, MB, no behaviour] and of severity [unknown, 1, 2, 3, 4]. */
  byMonthGroup: Map<string, Int32Array>;
  byMonthSeverity: Map<string, Int32Array>;
  /** Per behaviour index (multi-valued). */
  behaviours: number[];
  /** Incidents with at least one behaviour (the behaviour chart's coverage). */
  withBehaviour: number;
  /** Indexed by id; [0] = none. */
  clients: Int32Array;
  departments: Int32Array;
  channels: number[]; // by index; last slot = unknown
  outcomes: number[]; // by index; last slot = unknown
  severities: number[]; // [unknown, 1, 2, 3, 4]
  validities: number[]; // by index; last slot = unknown
  /** Per care code index (multi-valued), over all matching incidents. */
  care: number[];
  /** Severity ≥ 3 incidents per care code index (the report's employee-care section). */
  careSevere: number[];
  /** weekday * 24 + hour → count. */
  heat: number[];
  withoutTime: number;
  adherence: Record<"identify" | "report" | "two_responders_recorded" | "written_report" | "care", { applicable: number; met: number }>;
}

export interface AggregateOptions {
  channelCount: number;
  outcomeCount: number;
  validityCount: number;
  careCount: number;
  behaviourCount: number;
  /** Index of channel C2 (phone): step ④ does not ask for two responders on the phone. */
  phoneChannel: number;
  /** Outcome indexes that mean police or legal action (O5, O6). */
  policeOutcomes: number[];
  /** Days allowed for the written report (settings). */
  writtenReportDays: number;
}

/** The options every caller passes: the taxonomy's sizes and codes, and the written-report deadline (a setting). */
export function aggregateOptions(writtenReportDays: number): AggregateOptions {
  return {
    channelCount: CHANNELS.length,
    outcomeCount: OUTCOMES.length,
    validityCount: VALIDITIES.length,
    careCount: CARE.length,
    behaviourCount: BEHAVIOURS.length,
    phoneChannel: CHANNEL_INDEX.get("C2")!,
    policeOutcomes: [OUTCOME_INDEX.get("O5")!, OUTCOME_INDEX.get("O6")!],
    writtenReportDays,
  };
}

/** part / whole, or null when the whole is 0 (reports.md: a rate with nothing applicable is null). */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

const nonZero = (counts: Int32Array): [number, number][] => [...counts.entries()].filter(([, n]) => n > 0);

/** Departments with incidents as [id, count], by count, "no department" (id 0) last. */
export function departmentCounts(a: Aggregates): [number, number][] {
  return nonZero(a.departments).sort((x, y) => (x[0] === 0 ? 1 : 0) - (y[0] === 0 ? 1 : 0) || y[1] - x[1]);
}

/** Clients: the top `n` as [id, count] by count, the rest summed (その他), and incidents without a client. */
export function clientRanking(a: Aggregates, n = 10): { top: [number, number][]; others: number; none: number } {
  const ranked = nonZero(a.clients).filter(([id]) => id !== 0).sort((x, y) => y[1] - x[1]);
  return { top: ranked.slice(0, n), others: ranked.slice(n).reduce((sum, [, c]) => sum + c, 0), none: a.clients[0] ?? 0 };
}

export function aggregate(partitions: Partition[], f: CubeFilters, o: AggregateOptions): Aggregates {
  const m = matcher(f);
  const maxClient = Math.max(0, ...partitions.map((p) => p.maxClient));
  const maxDepartment = Math.max(0, ...partitions.map((p) => p.maxDepartment));
  let durations = new Int32Array(1024);
  const a: Aggregates = {
    total: 0, kasuhara: 0, open: 0, oldestOpenDay: null, severe: 0, policeOrLawyer: 0, durations, repeatContacts: 0,
    byMonthGroup: new Map(), byMonthSeverity: new Map(), behaviours: new Array(o.behaviourCount).fill(0), withBehaviour: 0,
    clients: new Int32Array(maxClient + 1), departments: new Int32Array(maxDepartment + 1),
    channels: new Array(o.channelCount + 1).fill(0), outcomes: new Array(o.outcomeCount + 1).fill(0),
    severities: [0, 0, 0, 0, 0], validities: new Array(o.validityCount + 1).fill(0), care: new Array(o.careCount).fill(0),
    careSevere: new Array(o.careCount).fill(0), heat: new Array(7 * 24).fill(0), withoutTime: 0,
    adherence: {
      identify: { applicable: 0, met: 0 }, report: { applicable: 0, met: 0 }, two_responders_recorded: { applicable: 0, met: 0 },
      written_report: { applicable: 0, met: 0 }, care: { applicable: 0, met: 0 },
    },
  };
  const police = new Set(o.policeOutcomes);
  const ad = a.adherence;
  const { behaviourCount, channelCount, outcomeCount, phoneChannel, writtenReportDays } = o;
  for (const p of partitions) {
    const test = m.forMonth(p);
    if (test === false) continue;
    const group = new Int32Array(3);
    const sevs = new Int32Array(5);
    let any = false;
    let oldest = a.oldestOpenDay ?? Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < p.n; i++) {
      if (test && !test(i)) continue;
      any = true;
      a.total++;
      if (p.determination[i] === D1) a.kasuhara++;
      if (p.open[i]) {
        a.open++;
        if (p.day[i] < oldest) oldest = p.day[i];
      }
      const severity = p.severity[i];
      const sevSlot = severity > 0 ? severity : 0;
      if (severity >= 3) a.severe++;
      const responses = p.responses[i];
      const outcome = p.outcome[i];
      if ((responses & POLICE_LAWYER_RESPONSES) !== 0 || police.has(outcome)) a.policeOrLawyer++;
      const d = p.duration[i];
      if (d >= 0) {
        if (d >= durations.length) {
          const grown = new Int32Array(Math.max(d + 1, durations.length * 2));
          grown.set(durations);
          durations = grown;
        }
        durations[d]++;
      }
      if (p.contacts[i] >= 2) a.repeatContacts++;

      const b = p.behaviours[i];
      group[b & MA_MASK ? 0 : b & MB_MASK ? 1 : 2]++;
      sevs[sevSlot]++;
      if (b) {
        a.withBehaviour++;
        for (let k = 0; k < behaviourCount; k++) if (b & (1 << k)) a.behaviours[k]++;
      }
      a.clients[p.client[i]]++;
      a.departments[p.department[i]]++;
      const channel = p.channel[i];
      a.channels[channel >= 0 ? channel : channelCount]++;
      a.outcomes[outcome >= 0 ? outcome : outcomeCount]++;
      a.severities[sevSlot]++;
      const validity = p.validity[i];
      a.validities[validity >= 0 ? validity : o.validityCount]++;
      const care = p.care[i];
      if (care) {
        for (let k = 0; k < o.careCount; k++) {
          if (care & (1 << k)) {
            a.care[k]++;
            if (severity >= 3) a.careSevere[k]++;
          }
        }
      }
      const hour = p.hour[i];
      if (hour >= 0) a.heat[p.weekday[i] * 24 + hour]++;
      else a.withoutTime++;

      // The five checks of the response flow (domain.md); steps ①–⑤ apply to every incident, care to severity ≥ 3.
      if (p.identified[i] === 1) ad.identify.met++;
      const reported = p.reportedInTime[i];
      if (reported === 1 || (reported === -1 && (responses & R02) !== 0)) ad.report.met++;
      if (p.recorded[i] === 1 && (channel === phoneChannel || p.responders[i] >= 2)) ad.two_responders_recorded.met++;
      const written = p.writtenDays[i];
      if (written >= 0 && written <= writtenReportDays) ad.written_report.met++;
      if (severity >= 3) {
        ad.care.applicable++;
        if (care !== 0) ad.care.met++;
      }
    }
    if (oldest !== Number.MAX_SAFE_INTEGER) a.oldestOpenDay = oldest;
    if (any) {
      a.byMonthGroup.set(p.month, group);
      a.byMonthSeverity.set(p.month, sevs);
    }
  }
  ad.identify.applicable = ad.report.applicable = ad.two_responders_recorded.applicable = ad.written_report.applicable = a.total;
  a.durations = durations;
  return a;
}

export type StepKey = "identify" | "report" | "two_responders_recorded" | "written_report" | "care";

/**
 * The incidents that missed each step of the response flow (the HR report lists them): how many, and the ids of the
 * first `limit`, oldest first. The same rules as the adherence rates in aggregate().
 */
export function missedSteps(
  partitions: Partition[],
  f: CubeFilters,
  o: Pick<AggregateOptions, "phoneChannel" | "writtenReportDays">,
  limit: number,
): Record<StepKey, { count: number; ids: number[] }> {
  const m = matcher(f);
  const out: Record<StepKey, { count: number; ids: number[] }> = {
    identify: { count: 0, ids: [] }, report: { count: 0, ids: [] }, two_responders_recorded: { count: 0, ids: [] },
    written_report: { count: 0, ids: [] }, care: { count: 0, ids: [] },
  };
  const miss = (step: StepKey, id: number) => {
    out[step].count++;
    if (out[step].ids.length < limit) out[step].ids.push(id);
  };
  for (const p of partitions) {
    const test = m.forMonth(p);
    if (test === false) continue;
    for (let i = 0; i < p.n; i++) {
      if (test && !test(i)) continue;
      const id = p.id[i];
      if (p.identified[i] !== 1) miss("identify", id);
      const reported = p.reportedInTime[i];
      if (!(reported === 1 || (reported === -1 && (p.responses[i] & R02) !== 0))) miss("report", id);
      if (!(p.recorded[i] === 1 && (p.channel[i] === o.phoneChannel || p.responders[i] >= 2))) miss("two_responders_recorded", id);
      const written = p.writtenDays[i];
      if (!(written >= 0 && written <= o.writtenReportDays)) miss("written_report", id);
      if (p.severity[i] >= 3 && p.care[i] === 0) miss("care", id);
    }
  }
  return out;
}

/**
 * Cases open at the end of a day: occurred by then (filters apply, the period's start does not) and not closed by then.
 * Returns their number and the day number of the oldest.
 */
/** Upper bounds (days, inclusive) of the age groups of open cases; the last group is everything older. */
export const OPEN_AGE_GROUPS = [30, 90, 180] as const;

export function openAt(
  partitions: Partition[],
  f: CubeFilters,
  endDay: number,
): { count: number; oldestDay: number | null; byAge: number[]; closedDateUnknown: number } {
  const m = matcher({ ...f, from: 0, to: endDay });
  let count = 0;
  // Closed on a day nobody recorded: perhaps still open at endDay, perhaps not. Not counted as open (no age can be
  // given), but counted apart, so a report says how many such cases its open figure cannot account for.
  let closedDateUnknown = 0;
  let oldest: number | null = null;
  const byAge = new Array(OPEN_AGE_GROUPS.length + 1).fill(0);
  for (const p of partitions) {
    const test = m.forMonth(p);
    if (test === false) continue;
    for (let i = 0; i < p.n; i++) {
      if (test && !test(i)) continue;
      if (p.closedDay[i] === CLOSED_DAY_UNKNOWN) closedDateUnknown++;
      else if (p.open[i] || p.closedDay[i] > endDay) {
        count++;
        const age = endDay - p.day[i];
        const group = OPEN_AGE_GROUPS.findIndex((limit) => age <= limit);
        byAge[group < 0 ? OPEN_AGE_GROUPS.length : group]++;
        if (oldest === null || p.day[i] < oldest) oldest = p.day[i];
      }
    }
  }
  return { count, oldestDay: oldest, byAge, closedDateUnknown };
}

/** Only the number of matching incidents (previous period, a year before). */
export function countMatching(partitions: Partition[], f: CubeFilters): number {
  const m = matcher(f);
  let n = 0;
  for (const p of partitions) {
    const test = m.forMonth(p);
    if (test === false) continue;
    if (test === null) n += p.n;
    else for (let i = 0; i < p.n; i++) if (test(i)) n++;
  }
  return n;
}

export interface ClientHistory {
  client: number;
  count: number;
  lastDay: number;
  worstSeverity: number;
  responses: number;
  outcomes: Set<number>;
}

/** Per client (ignoring incidents without one): count, last day, worst severity, responses and outcomes seen. */
export function clientHistories(partitions: Partition[], f: CubeFilters): Map<number, ClientHistory> {
  const m = matcher(f);
  const out = new Map<number, ClientHistory>();
  for (const p of partitions) {
    const test = m.forMonth(p);
    if (test === false) continue;
    for (let i = 0; i < p.n; i++) {
      if (p.client[i] === 0 || (test && !test(i))) continue;
      let h = out.get(p.client[i]);
      if (!h) {
        h = { client: p.client[i], count: 0, lastDay: 0, worstSeverity: 0, responses: 0, outcomes: new Set() };
        out.set(p.client[i], h);
      }
      h.count++;
      h.lastDay = Math.max(h.lastDay, p.day[i]);
      h.worstSeverity = Math.max(h.worstSeverity, p.severity[i]);
      h.responses |= p.responses[i];
      if (p.outcome[i] >= 0) h.outcomes.add(p.outcome[i]);
    }
  }
  return out;
}

/** The median of a histogram (value → how many), null when it is empty. */
export function medianOfHistogram(histogram: Int32Array): number | null {
  let n = 0;
  for (const c of histogram) n += c;
  if (n === 0) return null;
  // The values at positions ⌊(n−1)/2⌋ and ⌊n/2⌋ (0-based) of the sorted list; equal when n is odd.
  const at = (k: number) => {
    let seen = 0;
    for (let v = 0; v < histogram.length; v++) {
      seen += histogram[v];
      if (seen > k) return v;
    }
    return histogram.length - 1;
  };
  return (at((n - 1) >> 1) + at(n >> 1)) / 2;
}
