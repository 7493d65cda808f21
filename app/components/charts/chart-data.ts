/**
 * Pure helpers behind the chart components: turning the loader's figures (dashboard-types.ts) into rows a chart or a
 * grid can draw. Kept free of React so they can be unit-tested and shared by the chart and its table view.
 */
import type { Breakdown, Count, Heatmap, Trend } from "~/modules/analytics/dashboard-types";
import { colorOf, type ColorKind } from "~/modules/analytics/colors";
import type { Lang } from "~/modules/incidents/taxonomy";

/** A hidden count ("χ"): shown as text, never drawn as a length. */
export function isSuppressed(count: Count): count is "χ" {
  return typeof count === "string";
}

/** The length to draw: a suppressed count is drawn as 0 so no bar hints at the hidden value. */
export function countValue(count: Count): number {
  return isSuppressed(count) ? 0 : count;
}

/** A count as text: digits grouped for the language, "χ" as it is. */
export function formatCount(count: Count, lang: Lang = "ja"): string {
  return isSuppressed(count) ? count : count.toLocaleString(lang === "ja" ? "ja-JP" : "en-GB");
}

export interface BreakdownRow {
  key: string;
  label: string;
  /** Bar length (0 when suppressed). */
  value: number;
  /** What the label and the table show ("χ" when hidden). */
  shown: string;
  href: string | null;
  fill: string;
}

export function breakdownRows(breakdown: Breakdown, kind: ColorKind, lang: Lang = "ja"): BreakdownRow[] {
  return breakdown.buckets.map((b, i) => ({
    key: b.key,
    label: b.label,
    value: countValue(b.count),
    shown: formatCount(b.count, lang),
    href: b.href,
    fill: colorOf(kind, b.key, i),
  }));
}

/** True when there is nothing to draw: no bucket, or every count is 0 (a suppressed count is not nothing). */
export function isEmptyBreakdown(breakdown: Breakdown): boolean {
  return breakdown.buckets.every((b) => b.count === 0);
}

/**
 * The most rows a breakdown box grows to; dashboard.css has one `rows-N` class per N up to it. Beyond it the bars
 * get thinner rather than the card taller, so one long client list cannot push the rest of the dashboard away.
 */
export const MAX_ROWS = 30;

/** The CSS class that gives a breakdown's box its height: a fixed height per bar, set by class (no inline style). */
export function rowsClass(n: number): string {
  return `rows-${Math.min(MAX_ROWS, Math.max(1, Math.floor(n)))}`;
}

/** Recharts data keys are prefixed so a series key can never collide with a row's own fields (label, href …). */
export function seriesDataKey(seriesKey: string): string {
  return `s_${seriesKey}`;
}

export interface TrendRow {
  month: string;
  label: string;
  href: string | null;
  total: string;
  /** series key → shown text ("χ" when hidden). */
  shown: Record<string, string>;
  /** seriesDataKey(key) → bar length. */
  [dataKey: `s_${string}`]: number;
}

export function trendRows(trend: Trend, lang: Lang = "ja"): TrendRow[] {
  return trend.points.map((p) => {
    const row: TrendRow = { month: p.month, label: p.label, href: p.href, total: formatCount(p.total, lang), shown: {} };
    for (const s of trend.series) {
      const c = p.values[s.key] ?? 0;
      row[`s_${s.key}`] = countValue(c);
      row.shown[s.key] = formatCount(c, lang);
    }
    return row;
  });
}

/** Rows of the heatmap: the working week first (Monday … Sunday), as a Japanese office reads its calendar. */
export const WEEKDAY_ROWS: readonly number[] = [1, 2, 3, 4, 5, 6, 0];

export const HOURS: readonly number[] = Array.from({ length: 24 }, (_, h) => h);

/** Number of shading steps above "none" (classes heat-1 … heat-5). */
export const HEAT_LEVELS = 5;

/**
 * The shading step of one cell: 0 only for no incident, 1…5 in proportion to the largest cell. Any incident gets at
 * least step 1 so a single case stays visible next to a busy hour. A hidden cell (χ) may hold few incidents or many
 * (it may hide to protect another): it gets no shade at all, only its symbol.
 */
export function heatLevel(count: Count, max: number): number {
  if (isSuppressed(count)) return 0;
  if (!(count > 0)) return 0;
  if (!(max > 0) || count >= max) return HEAT_LEVELS;
  return Math.min(HEAT_LEVELS, Math.max(1, Math.ceil((count / max) * HEAT_LEVELS)));
}

export interface HeatCell {
  weekday: number;
  hour: number;
  count: Count;
  href: string | null;
  level: number;
}

/**
 * The 7 × 24 grid in display order. The loader may leave out empty cells; they become 0 with no link, so the grid is
 * always complete and every row has the same columns.
 */
export function heatmapGrid(heatmap: Heatmap): { weekday: number; cells: HeatCell[] }[] {
  const byCell = new Map(heatmap.cells.map((c) => [`${c.weekday}:${c.hour}`, c]));
  return WEEKDAY_ROWS.map((weekday) => ({
    weekday,
    cells: HOURS.map((hour) => {
      const c = byCell.get(`${weekday}:${hour}`);
      const count: Count = c?.count ?? 0;
      return { weekday, hour, count, href: c?.href ?? null, level: heatLevel(count, heatmap.max) };
    }),
  }));
}

/**
 * The most a breakdown's axis label takes, in half-width units: 16 Japanese characters, or 30 Latin ones (a character
 * count alone cut English labels at half the room Japanese gets, e.g. 「Psychological a…」).
 */
export const AXIS_LABEL_UNITS = 32;

/** How wide a character sets, in half-width units: 2 for CJK and other full-width characters, else 1. */
function unitsOf(ch: string): number {
  return /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
}

/** The label as the axis shows it: whole when it fits AXIS_LABEL_UNITS, else cut with「…」 (the full text is its title). */
export function axisLabel(label: string, max = AXIS_LABEL_UNITS): string {
  const chars = Array.from(label);
  const total = chars.reduce((n, c) => n + unitsOf(c), 0);
  if (total <= max) return label;
  let used = 1; // the ellipsis
  let out = "";
  for (const c of chars) {
    if (used + unitsOf(c) > max) break;
    used += unitsOf(c);
    out += c;
  }
  return `${out.trimEnd()}…`;
}
