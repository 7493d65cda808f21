/**
 * One colour per code, shared by every chart, so a behaviour, channel or severity looks the same wherever it appears
 * (a bar in one chart, a stack segment in another, the legend). Pure: no React, usable from tests and the server.
 *
 * The hues start from Okabe–Ito (distinguishable with the common colour-vision deficiencies) and are extended with
 * darker Tol / Tableau / ColorBrewer shades. Every colour keeps at least 3:1 contrast on white (WCAG 1.4.11, graphics),
 * which is why Okabe–Ito's orange, sky blue and yellow appear only in darkened form. No palette of 14+ hues stays
 * distinct for every reader, so colour is never the only cue: each chart labels its bars and has a table view.
 */
import { BEHAVIOURS, CHANNELS, OUTCOMES, SEVERITIES } from "~/modules/incidents/taxonomy";

export type ColorKind = "behaviour" | "group" | "severity" | "channel" | "outcome" | "department" | "client";

/** Unknown values and the folded "other" bucket: one grey everywhere, so "not a category" reads the same in every chart. */
export const NEUTRAL = "#868C96";

/** Keys that are not a category and always take the neutral grey. */
export const NEUTRAL_KEYS: readonly string[] = ["unknown", "other"];

/**
 * The palettes. Colours are assigned by a code's position in its taxonomy list; the taxonomy only ever appends codes,
 * so a code keeps its colour for good. Appending to a palette is safe; reordering it repaints existing charts.
 */
export const PALETTE = {
  neutral: NEUTRAL,
  /** Channels, outcomes, departments and clients. */
  qualitative: [
    "#0072B2", // blue (Okabe–Ito)
    "#D55E00", // vermillion (Okabe–Ito)
    "#009E73", // bluish green (Okabe–Ito)
    "#B5529A", // reddish purple, darkened
    "#9A6C00", // orange, darkened to dark gold
    "#332288", // indigo (Tol)
    "#2B8CBE", // sky blue, darkened
    "#8C564B", // brown
    "#6B7A1F", // olive
    "#C93A5A", // rose
  ],
  /** MA / MB, matching the first colour of each behaviour family below. */
  group: { MA: "#0072B2", MB: "#D55E00" } as Record<string, string>,
  /**
   * Behaviours: MA (harassing conduct) in cool hues and MB (excessive demands) in warm ones, so the group is visible
   * in the 18-bar chart and agrees with the MA/MB trend. Neighbouring codes alternate hue and lightness.
   */
  behaviourMA: [
    "#0072B2",
    "#009E73",
    "#6A3D9A",
    "#0E7C86",
    "#7570B3",
    "#117733",
    "#1F4E79",
    "#AA4499",
    "#2E8B7D",
    "#4B6FA8",
    "#3F8F4F",
    "#5F4B8B",
    "#8E6BBF",
    "#332288",
  ],
  behaviourMB: ["#D55E00", "#9A6C00", "#C2185B", "#8C564B"],
  /** Severity 1 → 4: a sequential red, light to dark, about 15 L* apart (the lightest is as light as 3:1 on white allows). */
  severity: ["#EF5A3C", "#CB181D", "#8E0A16", "#4A0012"],
} as const;

function indexMap(codes: readonly string[]): Map<string, number> {
  return new Map(codes.map((c, i) => [c, i]));
}

// Position within the group, not in BEHAVIOURS, so MB01 starts the warm palette however many MA codes there are.
const behaviourIndex = new Map<string, { group: "MA" | "MB"; i: number }>();
for (const group of ["MA", "MB"] as const) {
  BEHAVIOURS.filter((b) => b.group === group).forEach((b, i) => behaviourIndex.set(b.code, { group, i }));
}
const channelIndex = indexMap(CHANNELS.map((c) => c.code));
const outcomeIndex = indexMap(OUTCOMES.map((c) => c.code));
const severityIndex = indexMap(SEVERITIES.map((c) => c.code));

function pick(palette: readonly string[], i: number | undefined): string {
  if (i === undefined || i < 0) return NEUTRAL;
  return palette[i % palette.length];
}

/** The colour of the i-th item of a list without fixed codes (departments, clients): the qualitative palette in turn. */
export function colorByIndex(i: number): string {
  return pick(PALETTE.qualitative, Number.isInteger(i) ? i : undefined);
}

/**
 * The colour of one key of a chart. `index` is the key's position in its list and only matters for departments and
 * clients, whose ids have no fixed place. A code the taxonomy does not know is drawn grey, like "unknown".
 */
export function colorOf(kind: ColorKind, key: string, index = 0): string {
  if (NEUTRAL_KEYS.includes(key)) return NEUTRAL;
  switch (kind) {
    case "behaviour": {
      const b = behaviourIndex.get(key);
      if (!b) return NEUTRAL;
      return pick(b.group === "MA" ? PALETTE.behaviourMA : PALETTE.behaviourMB, b.i);
    }
    case "group":
      return PALETTE.group[key] ?? NEUTRAL;
    case "severity":
      return pick(PALETTE.severity, severityIndex.get(key));
    case "channel":
      return pick(PALETTE.qualitative, channelIndex.get(key));
    case "outcome":
      return pick(PALETTE.qualitative, outcomeIndex.get(key));
    case "department":
    case "client":
      return colorByIndex(index);
  }
}
