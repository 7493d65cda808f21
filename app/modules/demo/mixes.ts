/**
 * The rhythms (month, weekday, hour, growth from one fiscal year to the next) and the code mixes (channels,
 * counterparties, severities, behaviours) that make the demo look like a company's records rather than noise.
 */
import type { BehaviourCode, ChannelCode, CounterpartyCode, ValidityCode } from "../incidents/taxonomy";
import type { DeptKind } from "./catalogue";
import type { Weighted } from "./random";

/** Index 1–12: more in December (year-end) and March (fiscal year-end), fewer in February and August. */
export const MONTH_WEIGHT = [0, 0.95, 0.75, 1.3, 1.05, 0.95, 0.95, 1.0, 0.75, 0.95, 1.0, 1.05, 1.35];
/** Sunday first. */
export const WEEKDAY_WEIGHT = [0.45, 1.15, 1.05, 1.0, 1.0, 1.05, 0.6];
/** Each later fiscal year records a little more, as the reporting habit takes hold after the ordinance. */
export const YEARLY_GROWTH = 0.12;

export const CHANNELS_BY_KIND: Record<DeptKind, Weighted<ChannelCode>> = {
  store: [["C1", 60], ["C2", 25], ["C4", 6], ["C5", 4], ["C9", 5]],
  callcenter: [["C2", 75], ["C4", 17], ["C5", 4], ["C6", 1], ["C9", 3]],
  sales: [["C3", 30], ["C2", 25], ["C4", 20], ["C6", 15], ["C1", 5], ["C9", 5]],
  branch: [["C1", 35], ["C2", 35], ["C3", 10], ["C4", 10], ["C5", 3], ["C6", 4], ["C9", 3]],
};
export const COUNTERPARTY_BY_KIND: Record<DeptKind, Weighted<CounterpartyCode>> = {
  store: [["P1", 70], ["P4", 15], ["P2", 10], ["P9", 5]],
  callcenter: [["P1", 80], ["P2", 12], ["P9", 8]],
  sales: [["P2", 65], ["P3", 30], ["P9", 5]],
  branch: [["P1", 45], ["P2", 30], ["P3", 15], ["P4", 10]],
};

const HOURS_OFFICE: Weighted<number> = [
  [9, 4], [10, 9], [11, 10], [12, 7], [13, 8], [14, 10], [15, 10], [16, 9], [17, 8], [18, 5], [19, 3],
];
const HOURS_PHONE: Weighted<number> = [
  [8, 2], [9, 8], [10, 10], [11, 10], [12, 6], [13, 8], [14, 9], [15, 9], [16, 9], [17, 8], [18, 4], [19, 2], [20, 1],
];
/** Mail and posts arrive around the clock, still mostly in the day and the evening. */
const HOURS_ANY: Weighted<number> = Array.from({ length: 24 }, (_, h) => [h, h < 7 ? 1 : h < 9 ? 3 : h < 21 ? 6 : 4] as const);
export const HOURS_BY_CHANNEL: Record<ChannelCode, Weighted<number>> = {
  C1: HOURS_OFFICE, C2: HOURS_PHONE, C3: HOURS_OFFICE, C4: HOURS_ANY, C5: HOURS_ANY, C6: HOURS_OFFICE, C9: HOURS_ANY,
};

export const SEVERITY: Weighted<number> = [[1, 42], [2, 40], [3, 14], [4, 4]];
export const VALIDITY: Weighted<ValidityCode> = [["V1", 45], ["V2", 17], ["V9", 28], ["V0", 10]];
export const BEHAVIOUR_COUNT: Weighted<number> = [[1, 45], [2, 40], [3, 15]];
/** MHLW 令和5年度 survey: 継続的・執拗な言動 in 72.1% of cases. */
export const PERSISTENT_SHARE = 0.68;

export const IN_PERSON: ReadonlySet<ChannelCode> = new Set(["C1", "C3"]);
export const FACE_TO_FACE: ReadonlySet<ChannelCode> = new Set(["C1", "C3", "C6"]);
/** Detaining needs someone to detain: a counter, a visit, a call, a meeting. */
export const LIVE: ReadonlySet<ChannelCode> = new Set(["C1", "C2", "C3", "C6"]);

const OTHER_BEHAVIOURS: Weighted<BehaviourCode> = [
  ["MA02", 30], ["MA03", 25], ["MA06", 18], ["MB03", 14], ["MB04", 12], ["MB02", 10], ["MB01", 6], ["MA09", 6],
  ["MA14", 4], ["MA04", 3], ["MA11", 3], ["MA10", 2], ["MA13", 2], ["MA07", 2], ["MA08", 2], ["MA12", 1],
];
export const BEHAVIOURS_BY_CHANNEL = Object.fromEntries(
  (["C1", "C2", "C3", "C4", "C5", "C6", "C9"] as const).map((ch) => [
    ch,
    OTHER_BEHAVIOURS.filter(([b]) => (b !== "MA06" || LIVE.has(ch)) && (b !== "MA11" || FACE_TO_FACE.has(ch))).map(
      ([b, w]) => [b, b === "MA10" && ch === "C5" ? 60 : w] as const,
    ),
  ]),
  // Every channel is listed above, so no key is missing.
) as Partial<Record<ChannelCode, Weighted<BehaviourCode>>> as Record<ChannelCode, Weighted<BehaviourCode>>;
export const LEGITIMATE_BEHAVIOURS: Weighted<BehaviourCode> = [["MB01", 5], ["MB03", 3], ["MB02", 2]];

export const CONTACTS_PERSISTENT: Weighted<number> = [
  [2, 20], [3, 25], [4, 15], [5, 12], [6, 8], [8, 8], [10, 6], [15, 4], [20, 2],
];
