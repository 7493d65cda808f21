/**
 * What the dashboard's loader hands to the page: every figure already aggregated (and, for executives, suppressed).
 * Pure types, shared by the server (analytics/dashboard.server.ts) and the chart components.
 */
import type { Shown } from "./suppression";

/** A number, or "χ" for a hidden count (executives). */
export type Count = Shown;

/** One bar, slice or row of a breakdown. `key` is a code, an id, or "unknown"/"other". */
export interface Bucket {
  key: string;
  label: string;
  count: Count;
  /** The incident list filtered to exactly these incidents; null when it cannot be listed (その他, executives). */
  href: string | null;
}

/** A breakdown chart: its buckets and how many incidents it covers. */
export interface Breakdown {
  id: ChartId;
  buckets: Bucket[];
  /** Incidents the chart covers (for a multi-valued field, its bars can add up to more). */
  covered: Count;
}

export type ChartId = "trend" | "behaviour" | "client" | "outcome" | "channel" | "department" | "severity" | "heatmap";

/** One month of the trend, its count per series (MA/MB group or severity). */
export interface TrendPoint {
  month: string; // YYYY-MM
  label: string;
  href: string | null;
  /** series key → count. */
  values: Record<string, Count>;
  total: Count;
}

export interface Trend {
  stack: "group" | "severity";
  /** Series in drawing order, with their labels (MA / MB / unknown, or severity 1–4 / unknown). */
  series: { key: string; label: string }[];
  points: TrendPoint[];
  covered: Count;
}

/** Weekday (0 = Sunday … 6) × hour (0–23) counts of incidents with a known time. */
export interface Heatmap {
  cells: { weekday: number; hour: number; count: Count; href: string | null }[];
  /** The largest count, for shading (0 when empty). */
  max: number;
  covered: Count;
  /** Incidents recorded with a date only (no time of day), not in the grid. */
  withoutTime: Count;
  /** The list of those incidents (null for executives or when there are none). */
  withoutTimeHref: string | null;
}

export interface Change {
  /** The other period's count. */
  base: Count;
  /** Difference (this − base); null when suppressed. */
  delta: number | null;
  /** Relative change; null when base is 0 or suppressed. */
  ratio: number | null;
}

export interface Headline {
  incidents: Count;
  /** Null where not shown at all (an executive's period without breakdowns, docs/decisions/0022). */
  kasuhara: Count | null;
  previous: Change;
  yearBefore: Change;
  /** Cases open at the as-of day (the earlier of the period's end and today), whenever they began. */
  open: Count;
  /** Age in days at the as-of day of the oldest of them (null when none is open). */
  oldestOpenDays: number | null;
  severe: { count: Count | null; share: number | null };
  policeOrLawyer: { count: Count | null; share: number | null };
  medianDurationMin: number | null;
  repeatContacts: { count: Count | null; share: number | null };
}

export interface AdherenceRate {
  step: "identify" | "report" | "two_responders_recorded" | "written_report" | "care";
  applicable: Count;
  met: Count;
  /** met / applicable; null when nothing applies (or suppressed). */
  rate: number | null;
  /** The incidents that missed the step (HR: the list; null for executives). */
  missedHref: string | null;
}

export interface RepeatOffender {
  /** Null for executives: they never see a name. */
  client: string | null;
  count: Count;
  lastIncident: string;
  worstSeverity: number | null;
  /** The strongest response so far: "none" | "warning" | "R03" | "R04" | "R08" | "police_legal". */
  strongest: "none" | "warning" | "R03" | "R04" | "R08" | "police_legal";
  href: string | null;
}

export interface DashboardData {
  headline: Headline;
  trend: Trend;
  behaviour: Breakdown;
  client: Breakdown;
  outcome: Breakdown;
  channel: Breakdown;
  department: Breakdown;
  severity: Breakdown;
  /** Null in an executive's view of one department: the grid is shown unfiltered only (docs/decisions/0022). */
  heatmap: Heatmap | null;
  adherence: AdherenceRate[];
  repeatOffenders: RepeatOffender[];
  /** The spans compared (reports/periods.ts comparisonPeriods) and the day open cases are counted at. */
  comparison: { inProgress: boolean; current: [string, string]; previous: [string, string]; yearBefore: [string, string]; asOf: string };
  /** True when small counts were hidden (executives). */
  suppressed: boolean;
  threshold: number;
}
