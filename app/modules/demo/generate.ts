/**
 * Deterministic demo data (docs/spec/reports.md `npm run seed`): departments, clients, incidents over whole fiscal
 * years with seasonal, weekly and daily rhythms and realistic code mixes, a few escalating repeat offenders, the
 * measures register and training sessions. Pure: no database, no clock (the caller passes `until`).
 *
 * Each day draws from its own generator keyed by (seed, day), so a day's incidents depend only on the seed, the day and
 * the rate; only the running ref number carries over from day to day.
 */
import type { IncidentInput } from "../incidents/schema";
import type {
  BehaviourCode,
  CareCode,
  ChannelCode,
  CounterpartyCode,
  LegalFlagCode,
  MeasureCode,
  MeasureStatus,
  OutcomeCode,
  ResponseCode,
  ValidityCode,
} from "../incidents/taxonomy";
import { createRng, type Rng, type Seed } from "./random";

export interface DemoOptions {
  seed: Seed;
  /** About how many incidents (the daily counts are random, so the total varies by a few percent). */
  incidents: number;
  /** Whole fiscal years (April–March) ending with the one that contains `until`. */
  years: number;
  /** The last day (`YYYY-MM-DD`, Tokyo) of the data; nothing is dated after it. */
  until: string;
}

export const DEMO_DEFAULTS = { seed: "kasuhara-demo", incidents: 3000, years: 3 } as const;

/** Above this, collecting into an array costs more memory than a demo is worth: stream with `incidentStream`. */
export const MAX_COLLECTED = 100_000;

export interface DemoDepartment {
  name: string;
  in_tokyo: boolean;
}
export interface DemoClient {
  name: string;
  counterparty_type: CounterpartyCode;
}
/** Spelled out because the taxonomy's code types widen to string, and the measures column wants the literals. */

export interface DemoMeasure {
  code: MeasureCode;
  status: MeasureStatus;
  evidence_text: string | null;
  evidence_url: string | null;
  in_place_on: string | null;
  reviewed_on: string | null;
}
export interface DemoTraining {
  held_on: string;
  title: string;
  invited: number;
  attendees: number;
}
export interface DemoData {
  departments: DemoDepartment[];
  clients: DemoClient[];
  incidents: IncidentInput[];
  measures: DemoMeasure[];
  training: DemoTraining[];
}

type Weighted<T> = readonly (readonly [T, number])[];

// ---------- calendar (Tokyo wall-clock; JST has no daylight saving, so UTC arithmetic on it is exact) ----------

const DAY_MS = 86_400_000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function dayNumber(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
}
function dayText(n: number): string {
  const d = new Date(n * DAY_MS);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}
/** Minutes since the epoch of Tokyo wall-clock time → stored date-time. */
function dateTimeText(minutes: number): string {
  const d = new Date(minutes * 60_000);
  return `${dayText(Math.floor(minutes / 1440))}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:00+09:00`;
}
function fiscalYearOf(day: string): number {
  const y = Number(day.slice(0, 4));
  return Number(day.slice(5, 7)) >= 4 ? y : y - 1;
}

/** The days the demo covers: April 1 of the first fiscal year through `until`. */
export function demoWindow(until: string, years: number): { from: string; to: string } {
  return { from: `${fiscalYearOf(until) - (years - 1)}-04-01`, to: until };
}

export function resolveDemoOptions(options: Partial<DemoOptions> & { until: string }): DemoOptions {
  // Explicit fallbacks rather than a spread, so that `{ seed: undefined }` from a caller still gets the default.
  const opts: DemoOptions = {
    seed: options.seed ?? DEMO_DEFAULTS.seed,
    incidents: options.incidents ?? DEMO_DEFAULTS.incidents,
    years: options.years ?? DEMO_DEFAULTS.years,
    until: options.until,
  };
  const realDay = /^\d{4}-\d{2}-\d{2}$/.test(opts.until) && dayText(dayNumber(opts.until)) === opts.until;
  if (!realDay) throw new RangeError(`until must be a day written YYYY-MM-DD, not "${opts.until}"`);
  if (!Number.isInteger(opts.incidents) || opts.incidents < 0) throw new RangeError("incidents must be an integer ≥ 0");
  if (!Number.isInteger(opts.years) || opts.years < 1) throw new RangeError("years must be an integer ≥ 1");
  return opts;
}

// ---------- organisation ----------

type DeptKind = "store" | "callcenter" | "sales" | "branch";
interface Department extends DemoDepartment {
  kind: DeptKind;
  weight: number;
}

const DEPARTMENTS: readonly Department[] = [
  { name: "東京本店", in_tokyo: true, kind: "store", weight: 16 },
  { name: "新宿店", in_tokyo: true, kind: "store", weight: 14 },
  { name: "渋谷店", in_tokyo: true, kind: "store", weight: 13 },
  { name: "カスタマーサポートセンター", in_tokyo: true, kind: "callcenter", weight: 22 },
  { name: "営業部", in_tokyo: true, kind: "sales", weight: 8 },
  { name: "大阪支店", in_tokyo: false, kind: "branch", weight: 12 },
  { name: "名古屋支店", in_tokyo: false, kind: "branch", weight: 9 },
  { name: "福岡営業所", in_tokyo: false, kind: "branch", weight: 6 },
];
const DEPARTMENT_WEIGHTS: Weighted<Department> = DEPARTMENTS.map((d) => [d, d.weight]);
const departmentNamed = (name: string) => DEPARTMENTS.find((d) => d.name === name)!;

export const DEMO_DEPARTMENTS: readonly DemoDepartment[] = DEPARTMENTS.map(({ name, in_tokyo }) => ({ name, in_tokyo }));

const CLIENT_NAMES: Record<Exclude<CounterpartyCode, "P9">, readonly string[]> = {
  P1: [
    "個人顧客A-0123", "佐藤 様", "個人顧客C-0789", "個人顧客B-0457", "個人顧客D-1024", "個人顧客E-1366",
    "個人顧客F-1590", "個人顧客G-2048", "個人顧客H-2311", "個人顧客J-2765", "個人顧客K-3102", "個人顧客L-3498",
    "個人顧客M-3921", "鈴木 様", "高橋 様", "田中 様",
  ],
  P2: [
    "株式会社はやて運輸", "株式会社みなと商事", "有限会社さくら物産", "株式会社あおば物流", "株式会社ひかり建設",
    "合同会社つばさシステム", "株式会社かもめフーズ", "株式会社いろは不動産", "株式会社やまびこ電機",
    "有限会社こまち工務店", "株式会社しらかば医療サービス", "株式会社あけぼの印刷",
  ],
  P3: [
    "株式会社まつかぜ商会", "株式会社ほしぞら企画", "有限会社ゆうなぎ製作所", "株式会社わかば設備",
    "株式会社つむぎデザイン", "合同会社すずらん流通",
  ],
  P4: ["施設利用者F-0031", "施設利用者F-0058", "施設利用者F-0112", "施設利用者F-0274", "施設利用者F-0390", "施設利用者F-0415"],
};

export const DEMO_CLIENTS: readonly DemoClient[] = Object.entries(CLIENT_NAMES).flatMap(([type, names]) =>
  names.map((name) => ({ name, counterparty_type: type as CounterpartyCode })),
);

// ---------- repeat offenders ----------

type Stage = "warned" | "cut_off" | "banned";

interface Offender {
  client: string;
  type: CounterpartyCode;
  department: string;
  channels: Weighted<ChannelCode>;
  behaviours: Weighted<BehaviourCode>;
  /** Active span as fractions of the whole window; `to` beyond 1 means still escalating at `until`. */
  from: number;
  to: number;
  /** Corporate customers are cut off from business (R09) rather than banned from the premises (R08). */
  ban: "R08" | "R09";
}

/** Share of all incidents that each offender accounts for over its active span. */
const OFFENDER_SHARE = 0.018;

const OFFENDERS: readonly Offender[] = [
  {
    client: "個人顧客A-0123", type: "P1", department: "新宿店", from: 0.04, to: 0.36, ban: "R08",
    channels: [["C1", 60], ["C2", 40]],
    behaviours: [["MA02", 3], ["MA03", 4], ["MA06", 3], ["MB03", 2], ["MA04", 1]],
  },
  {
    client: "佐藤 様", type: "P1", department: "カスタマーサポートセンター", from: 0.15, to: 0.55, ban: "R08",
    channels: [["C2", 80], ["C4", 20]],
    behaviours: [["MA06", 4], ["MA02", 3], ["MB02", 3], ["MA14", 2], ["MA09", 2]],
  },
  {
    client: "株式会社はやて運輸", type: "P2", department: "営業部", from: 0.3, to: 0.7, ban: "R09",
    channels: [["C3", 35], ["C2", 30], ["C4", 20], ["C6", 15]],
    behaviours: [["MB04", 5], ["MA03", 3], ["MA12", 2], ["MB02", 2], ["MA09", 1]],
  },
  {
    client: "施設利用者F-0031", type: "P4", department: "渋谷店", from: 0.5, to: 0.9, ban: "R08",
    channels: [["C1", 90], ["C2", 10]],
    behaviours: [["MA03", 4], ["MA06", 3], ["MA08", 2], ["MA11", 2], ["MA02", 2]],
  },
  {
    client: "個人顧客C-0789", type: "P1", department: "大阪支店", from: 0.75, to: 1.25, ban: "R08",
    channels: [["C2", 60], ["C1", 30], ["C5", 10]],
    behaviours: [["MA02", 4], ["MA09", 3], ["MA13", 2], ["MA10", 2]],
  },
];
const OFFENDER_NAMES = new Set(OFFENDERS.map((o) => o.client));

/** Ordinary clients by type, with a skew so that a "top 10" means something. */
const CLIENT_WEIGHTS = Object.fromEntries(
  Object.entries(CLIENT_NAMES).map(([type, names]) => [
    type,
    names.filter((n) => !OFFENDER_NAMES.has(n)).map((n, i) => [n, 1 / (i + 1) ** 0.7] as const),
  ]),
) as Partial<Record<CounterpartyCode, Weighted<string>>>;

// ---------- rhythms and mixes ----------

/** Index 1–12: more in December (year-end) and March (fiscal year-end), fewer in February and August. */
const MONTH_WEIGHT = [0, 0.95, 0.75, 1.3, 1.05, 0.95, 0.95, 1.0, 0.75, 0.95, 1.0, 1.05, 1.35];
/** Sunday first. */
const WEEKDAY_WEIGHT = [0.45, 1.15, 1.05, 1.0, 1.0, 1.05, 0.6];
/** Each later fiscal year records a little more, as the reporting habit takes hold after the ordinance. */
const YEARLY_GROWTH = 0.12;

const CHANNELS_BY_KIND: Record<DeptKind, Weighted<ChannelCode>> = {
  store: [["C1", 60], ["C2", 25], ["C4", 6], ["C5", 4], ["C9", 5]],
  callcenter: [["C2", 75], ["C4", 17], ["C5", 4], ["C6", 1], ["C9", 3]],
  sales: [["C3", 30], ["C2", 25], ["C4", 20], ["C6", 15], ["C1", 5], ["C9", 5]],
  branch: [["C1", 35], ["C2", 35], ["C3", 10], ["C4", 10], ["C5", 3], ["C6", 4], ["C9", 3]],
};
const COUNTERPARTY_BY_KIND: Record<DeptKind, Weighted<CounterpartyCode>> = {
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
const HOURS_BY_CHANNEL: Record<ChannelCode, Weighted<number>> = {
  C1: HOURS_OFFICE, C2: HOURS_PHONE, C3: HOURS_OFFICE, C4: HOURS_ANY, C5: HOURS_ANY, C6: HOURS_OFFICE, C9: HOURS_ANY,
};

const SEVERITY: Weighted<number> = [[1, 42], [2, 40], [3, 14], [4, 4]];
const VALIDITY: Weighted<ValidityCode> = [["V1", 45], ["V2", 17], ["V9", 28], ["V0", 10]];
const BEHAVIOUR_COUNT: Weighted<number> = [[1, 45], [2, 40], [3, 15]];
/** MHLW 令和5年度 survey: 継続的・執拗な言動 in 72.1% of cases. */
const PERSISTENT_SHARE = 0.68;

const IN_PERSON: ReadonlySet<ChannelCode> = new Set(["C1", "C3"]);
const FACE_TO_FACE: ReadonlySet<ChannelCode> = new Set(["C1", "C3", "C6"]);
/** Detaining needs someone to detain: a counter, a visit, a call, a meeting. */
const LIVE: ReadonlySet<ChannelCode> = new Set(["C1", "C2", "C3", "C6"]);

const OTHER_BEHAVIOURS: Weighted<BehaviourCode> = [
  ["MA02", 30], ["MA03", 25], ["MA06", 18], ["MB03", 14], ["MB04", 12], ["MB02", 10], ["MB01", 6], ["MA09", 6],
  ["MA14", 4], ["MA04", 3], ["MA11", 3], ["MA10", 2], ["MA13", 2], ["MA07", 2], ["MA08", 2], ["MA12", 1],
];
const BEHAVIOURS_BY_CHANNEL = Object.fromEntries(
  (["C1", "C2", "C3", "C4", "C5", "C6", "C9"] as const).map((ch) => [
    ch,
    OTHER_BEHAVIOURS.filter(([b]) => (b !== "MA06" || LIVE.has(ch)) && (b !== "MA11" || FACE_TO_FACE.has(ch))).map(
      ([b, w]) => [b, b === "MA10" && ch === "C5" ? 60 : w] as const,
    ),
  ]),
  // Every channel is listed above, so no key is missing.
) as Partial<Record<ChannelCode, Weighted<BehaviourCode>>> as Record<ChannelCode, Weighted<BehaviourCode>>;
const LEGITIMATE_BEHAVIOURS: Weighted<BehaviourCode> = [["MB01", 5], ["MB03", 3], ["MB02", 2]];

const CONTACTS_PERSISTENT: Weighted<number> = [
  [2, 20], [3, 25], [4, 15], [5, 12], [6, 8], [8, 8], [10, 6], [15, 4], [20, 2],
];

// ---------- texts ----------

const PLACE: Record<ChannelCode, string> = {
  C1: "窓口で", C2: "電話で", C3: "訪問先で", C4: "メールで", C5: "SNS上で", C6: "オンライン会議で", C9: "書面で",
};

/** `{place}` is filled in for the main behaviour and dropped for a second one ("また、…"); `:phone` variants win on C2. */
const SUMMARY: Record<string, readonly string[]> = {
  MA01: ["{place}担当者の肩を突き飛ばすなどの暴力行為があった。", "{place}商品を投げつけ、担当者の腕に当たった。"],
  MA02: [
    "{place}担当者に対し「無能」「辞めてしまえ」などの暴言を繰り返した。",
    "{place}「ネットに晒す」などと脅す発言があった。",
    "{place}担当者の人格を否定する侮辱的な発言を続けた。",
  ],
  MA03: ["{place}大声で威圧的な口調を続け、即時の回答を迫った。", "{place}語気を荒げて担当者を威圧し、責任者による対応を求めた。"],
  MA04: ["{place}謝罪として土下座を要求した。"],
  MA05: [
    "{place}同じ内容の問い合わせを繰り返し、担当者の説明を聞き入れず長時間にわたり対応を求めた。",
    "{place}回答済みの事項について連日のように同じ要求を繰り返した。",
    "{place}当方の説明後も、同じ主張を何度も繰り返した。",
  ],
  MA06: ["{place}要求が受け入れられるまで帰らないと居座り、退去の求めに応じなかった。"],
  "MA06:phone": ["{place}2時間以上にわたり通話を続け、切電に応じなかった。", "{place}要求が通るまで電話を切らせないと長時間拘束した。"],
  MA07: ["{place}担当者の性別や年齢を理由に対応を拒み、差別的な発言をした。"],
  MA08: ["{place}担当者の容姿に関する発言や私的な連絡先の要求を繰り返した。"],
  MA09: ["{place}特定の担当者を名指しで非難し、個人としての謝罪を求めた。"],
  MA10: ["SNS上で当社および担当者を名指しで誹謗中傷する投稿を繰り返した。"],
  MA11: ["{place}担当者の顔を無断で撮影し、インターネットに公開すると発言した。"],
  MA12: ["{place}勤務時間外に駅前の喫茶店まで来るよう担当者に求めた。"],
  MA13: ["{place}担当者の自宅の場所や家族構成を執拗に尋ねた。"],
  MA14: ["{place}担当者の解雇や処分を繰り返し要求した。"],
  MB01: ["{place}使用済みの商品について新品との交換を強く求めた。"],
  MB02: ["{place}根拠の乏しい損害について高額な金銭補償を要求した。"],
  MB03: ["{place}役員による謝罪と謝罪文の提出を繰り返し求めた。"],
  MB04: ["{place}契約外の作業を無償で行うよう要求した。", "{place}営業時間外の対応や不当な値引きを強要した。"],
};
const LEGITIMATE_SUMMARY = [
  "{place}商品の初期不良について交換を求める申出があった。",
  "{place}請求金額の誤りについて説明と訂正を求める申出があった。",
  "{place}担当者の説明不足について改善を求める申出があった。",
];
const LEGITIMATE_CLOSING = "正当な申出として通常の手順で対応した。";
const OFFENDER_NOTE: Record<Stage, string> = {
  warned: "同一顧客からの同様の申出が続いている。",
  cut_off: "中止を申し入れたが改善が見られず、対応を打ち切った。",
  banned: "出入禁止を通知済みであるにもかかわらず再び接触があった。",
};
const OFFENDER_NOTE_CORPORATE = "取引停止を通知済みであるにもかかわらず再び要求があった。";

const VERBATIM: Record<string, readonly string[]> = {
  MA01: ["ふざけるな!", "どけ!"],
  MA02: ["お前じゃ話にならない", "こんな会社つぶれてしまえ", "無能な担当者だな"],
  MA03: ["責任者を出せ", "今すぐやれと言っているんだ", "いいから早くしろ"],
  MA04: ["土下座して謝れ"],
  MA05: ["何度言えばわかるんだ", "納得いくまで毎日電話するからな", "前にも言ったはずだ"],
  MA06: ["答えが出るまで帰らない", "ここから一歩も動かないからな"],
  "MA06:phone": ["電話は切らせないぞ", "こっちの話が終わるまで切るな"],
  MA07: ["女じゃ話にならない、男を出せ", "若い奴じゃだめだ"],
  MA08: ["個人の連絡先を教えてよ", "今度二人で食事に行こう"],
  MA09: ["あの担当者を出せ", "あいつに直接謝らせろ"],
  MA10: ["SNSで拡散してやる", "口コミに全部書いてやる"],
  MA11: ["今の対応、全部撮ってるからな"],
  MA12: ["仕事が終わったら駅前まで来い"],
  MA13: ["お前どこに住んでるんだ", "家族は何人だ"],
  MA14: ["あいつをクビにしろ", "担当者を処分しろ"],
  MB01: ["新品と交換しろ", "別の商品を無料でよこせ"],
  MB02: ["誠意を見せろ", "慰謝料を払え", "迷惑料を払え"],
  MB03: ["社長が謝りに来い", "謝罪文を書いて持ってこい"],
  MB04: ["タダでやるのが当然だろう", "今日中に全部やれ", "値引きしないなら取引をやめる"],
};
const LEGITIMATE_VERBATIM = ["届いた商品が動かないので交換してほしい", "請求額が違うので確認してほしい"];

const PREVENTION = [
  "対応マニュアルの該当箇所を見直し、朝礼で事例を共有した。",
  "同種の申出には上長が初期対応する運用とした。",
  "窓口に「録音・録画を行っています」の掲示を追加した。",
  "通話時間の目安(30分)を定め、超過時は打切りを案内する運用とした。",
  "事例を匿名化して研修教材に追加した。",
  "複数名で対応する体制を再確認し、応援要請の手順を周知した。",
];
const PREVENTION_BAN = "出入禁止(取引停止)を文書で通知し、全拠点で顧客情報を共有した。";
const PREVENTION_POLICE = "最寄りの警察署と連絡体制を確認した。";
const PREVENTION_CONTRACT = "契約範囲と時間外対応の条件を書面で取引先に再通知した。";

// ---------- the plan: daily rates ----------

interface ActiveOffender extends Offender {
  start: number;
  end: number;
  perDay: number;
}

interface Plan {
  opts: DemoOptions;
  from: number;
  to: number;
  /** Expected ordinary incidents per unit of day weight. */
  perWeight: number;
  offenders: ActiveOffender[];
}

function dayWeight(n: number, firstFiscalYear: number): number {
  const d = new Date(n * DAY_MS);
  const fy = fiscalYearOf(dayText(n));
  return MONTH_WEIGHT[d.getUTCMonth() + 1] * WEEKDAY_WEIGHT[d.getUTCDay()] * (1 + YEARLY_GROWTH * (fy - firstFiscalYear));
}

function makePlan(opts: DemoOptions): Plan {
  const window = demoWindow(opts.until, opts.years);
  const from = dayNumber(window.from);
  const to = dayNumber(window.to);
  const span = to - from + 1;
  const firstFy = fiscalYearOf(window.from);
  let total = 0;
  for (let n = from; n <= to; n++) total += dayWeight(n, firstFy);
  const offenders = OFFENDERS.map((o) => {
    const start = from + Math.floor(o.from * span);
    const end = Math.max(start, from + Math.floor(o.to * span) - 1);
    return { ...o, start, end, perDay: (opts.incidents * OFFENDER_SHARE) / (end - start + 1) };
  });
  // An offender still active at `until` has only part of its share in the window; ordinary incidents make up the rest.
  const byOffenders = offenders.reduce((sum, o) => sum + o.perDay * (Math.min(o.end, to) - o.start + 1), 0);
  const ordinary = Math.max(0, opts.incidents - byOffenders);
  return { opts, from, to, perWeight: ordinary / total, offenders };
}

interface DaySlot {
  n: number;
  day: string;
  rng: Rng;
  ordinary: number;
  /** Incidents of each offender that day, in the order of `plan.offenders`. */
  byOffender: number[];
}

function* daySlots(plan: Plan): Generator<DaySlot> {
  const firstFy = fiscalYearOf(dayText(plan.from));
  for (let n = plan.from; n <= plan.to; n++) {
    const day = dayText(n);
    const rng = createRng(plan.opts.seed, day);
    const ordinary = rng.poisson(plan.perWeight * dayWeight(n, firstFy));
    const byOffender = plan.offenders.map((o) => (n >= o.start && n <= o.end ? rng.poisson(o.perDay) : 0));
    yield { n, day, rng, ordinary, byOffender };
  }
}

/** The exact number of incidents `incidentStream` yields, without building them (for progress reports). */
export function countDemoIncidents(opts: DemoOptions): number {
  let count = 0;
  for (const slot of daySlots(makePlan(opts))) count += slot.ordinary + slot.byOffender.reduce((a, b) => a + b, 0);
  return count;
}

// ---------- one incident ----------

type Draft = Omit<IncidentInput, "ref">;

interface Profile {
  department: Department;
  channel: ChannelCode;
  client: string | null;
  counterparty: CounterpartyCode;
  identified: boolean;
  legitimate: boolean;
  severity: number;
  behaviours: BehaviourCode[];
  validity: ValidityCode;
  offender?: { stage: Stage; ban: "R08" | "R09" };
}

function ordinaryProfile(rng: Rng): Profile {
  const department = rng.weighted(DEPARTMENT_WEIGHTS);
  const channel = rng.weighted(CHANNELS_BY_KIND[department.kind]);
  const counterparty = rng.weighted(COUNTERPARTY_BY_KIND[department.kind]);
  const candidates = CLIENT_WEIGHTS[counterparty];
  // Companies come back; most individual complainants are one-off and go unnamed in the client register, so a
  // named individual with dozens of incidents is one of the escalating offenders, not noise.
  const namedShare = counterparty === "P2" || counterparty === "P3" ? 0.9 : 0.1;
  const client = candidates && rng.chance(namedShare) ? rng.weighted(candidates) : null;
  const legitimate = rng.chance(0.07);
  const severity = legitimate ? 1 : rng.weighted(SEVERITY);
  return {
    department,
    channel,
    client,
    counterparty,
    identified: client ? rng.chance(0.97) : rng.chance(0.55),
    legitimate,
    severity,
    behaviours: legitimate ? legitimateBehaviours(rng) : harassingBehaviours(rng, channel, severity),
    validity: legitimate ? "V0" : rng.weighted(VALIDITY),
  };
}

function legitimateBehaviours(rng: Rng): BehaviourCode[] {
  const main = rng.weighted(LEGITIMATE_BEHAVIOURS);
  return rng.chance(0.3) ? [main, "MA05"] : [main];
}

function harassingBehaviours(rng: Rng, channel: ChannelCode, severity: number): BehaviourCode[] {
  const set = new Set<BehaviourCode>();
  if (severity === 4) set.add(IN_PERSON.has(channel) && rng.chance(0.7) ? "MA01" : "MA02");
  if (rng.chance(PERSISTENT_SHARE)) set.add("MA05");
  const wanted = Math.max(set.size, rng.weighted(BEHAVIOUR_COUNT));
  const options = BEHAVIOURS_BY_CHANNEL[channel];
  while (set.size < wanted) set.add(rng.weighted(options));
  return [...set];
}

const OFFENDER_SEVERITY: Record<Stage, Weighted<number>> = {
  warned: [[1, 50], [2, 45], [3, 5]],
  cut_off: [[1, 5], [2, 60], [3, 35]],
  banned: [[2, 35], [3, 45], [4, 20]],
};

function offenderProfile(rng: Rng, o: ActiveOffender, n: number): Profile {
  const progress = (n - o.start) / (o.end - o.start + 1);
  const stage: Stage = progress < 0.45 ? "warned" : progress < 0.75 ? "cut_off" : "banned";
  const channel = rng.weighted(o.channels);
  const severity = rng.weighted(OFFENDER_SEVERITY[stage]);
  const behaviours = new Set<BehaviourCode>(["MA05"]);
  const extra = rng.int(1, 2);
  while (behaviours.size < 1 + extra) behaviours.add(rng.weighted(o.behaviours));
  if (severity === 4 && IN_PERSON.has(channel)) behaviours.add("MA01");
  // A detaining or filming complaint needs the channel for it; the offender's other habits cover the rest.
  if (!LIVE.has(channel)) behaviours.delete("MA06");
  if (!FACE_TO_FACE.has(channel)) behaviours.delete("MA11");
  return {
    department: departmentNamed(o.department),
    channel,
    client: o.client,
    counterparty: o.type,
    identified: true,
    legitimate: false,
    severity,
    behaviours: [...behaviours],
    validity: rng.chance(0.6) ? "V1" : "V2",
    offender: { stage, ban: o.ban },
  };
}

function legalFlags(rng: Rng, p: Profile): LegalFlagCode[] {
  const has = (b: BehaviourCode) => p.behaviours.includes(b);
  const scale = [0, 0.3, 0.6, 1, 1.5][p.severity];
  const maybe = (q: number) => rng.chance(q * scale);
  const flags = new Set<LegalFlagCode>();
  if (has("MA01")) {
    flags.add("L01");
    if (p.severity === 4 && rng.chance(0.35)) flags.add("L02");
  }
  if (has("MA02")) {
    if (maybe(0.15)) flags.add("L03");
    if (maybe(0.08)) flags.add("L06");
  }
  if (has("MA10") && maybe(0.35)) flags.add("L05");
  if ((has("MA04") || has("MB02")) && has("MA03") && maybe(0.15)) flags.add("L04");
  if (has("MA06")) {
    if (IN_PERSON.has(p.channel) && maybe(0.3)) flags.add("L08");
    else if (maybe(0.15)) flags.add("L07");
  }
  if (has("MA05") && p.severity >= 3 && maybe(0.15)) flags.add("L07");
  if (p.severity === 4 && flags.size === 0 && rng.chance(0.9)) flags.add(rng.pick(["L03", "L07"] as const));
  return [...flags];
}

function durationOf(rng: Rng, p: Profile): number {
  const detaining = p.behaviours.includes("MA06");
  switch (p.channel) {
    case "C2":
      return detaining ? rng.int(60, 240) : rng.int(5, 45);
    case "C1":
    case "C3":
      return detaining ? rng.int(60, 180) : rng.int(10, 60);
    case "C6":
      return rng.int(30, 90);
    default:
      return rng.int(10, 60);
  }
}

function respondersOf(rng: Rng, p: Profile): number {
  if (p.channel === "C2") return rng.weighted([[1, 70], [2, 30]]);
  if (p.channel === "C4" || p.channel === "C5" || p.channel === "C9") return rng.weighted([[1, 50], [2, 50]]);
  return rng.weighted([[1, 15], [2, 60], [3, 20], [4, 5]]);
}

/** The outcome the case is heading for (or ended with), and the organisational responses that go with it. */
function resolve(rng: Rng, p: Profile, responders: number, reported: boolean): { outcome: OutcomeCode; responses: ResponseCode[] } {
  const r = new Set<ResponseCode>();
  if (responders >= 2 && rng.chance(0.9)) r.add("R01");
  if (reported ? rng.chance(0.65) : rng.chance(0.9)) r.add("R02");
  const has = (b: BehaviourCode) => p.behaviours.includes(b);
  if (has("MA10") && rng.chance(0.7)) r.add("R11");
  if (has("MA06") && IN_PERSON.has(p.channel) && rng.chance(0.6)) r.add("R05");

  if (p.offender) {
    const { stage, ban } = p.offender;
    if (stage === "warned") {
      r.add("R03");
      return { outcome: rng.weighted([["O1", 40], ["O2", 45], ["O9", 15]]), responses: [...r] };
    }
    if (stage === "cut_off") {
      r.add("R04");
      if (rng.chance(0.5)) r.add("R03");
      return { outcome: "O3", responses: [...r] };
    }
    r.add(ban);
    if (p.severity === 4 && IN_PERSON.has(p.channel)) {
      r.add("R06");
      return { outcome: "O5", responses: [...r] };
    }
    if (rng.chance(0.2)) r.add("R07");
    if (ban === "R09" && rng.chance(0.3)) r.add("R10");
    return { outcome: "O4", responses: [...r] };
  }

  if (p.legitimate) return { outcome: rng.weighted([["O1", 85], ["O2", 10], ["O9", 5]]), responses: [...r] };
  if (p.severity >= 2 && rng.chance(0.45)) r.add("R03");
  if (p.severity === 4 && IN_PERSON.has(p.channel) && rng.chance(0.7)) {
    r.add("R06");
    return { outcome: "O5", responses: [...r] };
  }
  // Threats at a distance go to the police consultation line rather than 110.
  if (p.severity >= 3 && rng.chance(p.severity === 4 ? 0.6 : 0.2)) r.add("R07");
  const outcome = rng.weighted<OutcomeCode>([["O1", 30], ["O2", 28], ["O3", 25], ["O4", 4], ["O6", 1.5], ["O9", 4]]);
  if (outcome === "O3") r.add("R04");
  if (outcome === "O4") r.add(p.counterparty === "P2" || p.counterparty === "P3" ? "R09" : "R08");
  if (outcome === "O6") r.add("R10");
  return { outcome, responses: [...r] };
}

function careOf(rng: Rng, p: Profile, flags: LegalFlagCode[]): CareCode[] {
  if (p.severity < 3) return rng.chance(0.08) ? ["W02"] : [];
  // Some serious cases go without recorded care, so the care adherence rate has something to show.
  if (!rng.chance(0.85)) return [];
  const care = new Set<CareCode>();
  if ((IN_PERSON.has(p.channel) || p.behaviours.includes("MA01")) && rng.chance(0.7)) care.add("W01");
  if (rng.chance(0.8)) care.add("W02");
  if (rng.chance(0.35)) care.add("W03");
  if ((p.offender?.stage === "banned" && rng.chance(0.5)) || rng.chance(0.1)) care.add("W04");
  if (flags.includes("L02")) {
    if (rng.chance(0.5)) care.add("W05");
    if (rng.chance(0.4)) care.add("W06");
  }
  if (care.size === 0) care.add("W02");
  return [...care];
}

function pickText(rng: Rng, table: Record<string, readonly string[]>, code: string, phone: boolean): string {
  return rng.pick((phone && table[`${code}:phone`]) || table[code]);
}

function summaryOf(rng: Rng, p: Profile): string {
  const place = PLACE[p.channel];
  const phone = p.channel === "C2";
  if (p.legitimate) return rng.pick(LEGITIMATE_SUMMARY).replace("{place}", place) + LEGITIMATE_CLOSING;
  // The most telling behaviour leads; MA05 is so common that it reads better as the second sentence.
  const [main, second] = p.behaviours.length > 1 && p.behaviours[0] === "MA05" ? [p.behaviours[1], "MA05" as const] : p.behaviours;
  let text = pickText(rng, SUMMARY, main, phone).replace("{place}", place);
  if (second) text += "また、" + pickText(rng, SUMMARY, second, phone).replace("{place}", "");
  if (p.offender) text += p.offender.stage === "banned" && p.offender.ban === "R09" ? OFFENDER_NOTE_CORPORATE : OFFENDER_NOTE[p.offender.stage];
  return text;
}

function verbatimOf(rng: Rng, p: Profile): string | null {
  if (rng.chance(0.08)) return null;
  if (p.legitimate) return `「${rng.pick(LEGITIMATE_VERBATIM)}」`;
  const phone = p.channel === "C2";
  return rng
    .sample(p.behaviours, rng.int(1, 2))
    .map((b) => `「${pickText(rng, VERBATIM, b, phone)}」`)
    .join("");
}

function preventionOf(rng: Rng, p: Profile, responses: ResponseCode[]): string | null {
  if (p.legitimate || !rng.chance(0.4)) return null;
  if (responses.includes("R08") || responses.includes("R09")) return PREVENTION_BAN;
  if (responses.includes("R06") || responses.includes("R07")) return PREVENTION_POLICE;
  if (p.behaviours.includes("MB04") && (p.counterparty === "P2" || p.counterparty === "P3")) return PREVENTION_CONTRACT;
  return rng.pick(PREVENTION);
}

/** Written reports (policy step ⑤): the deadline is 7 days, so "late" and "missing" show up in adherence. */
const REPORT_DELAY: Weighted<"prompt" | "late" | "missing"> = [["prompt", 75], ["late", 12], ["missing", 13]];
const CLOSE_DELAY: Weighted<readonly [number, number]> = [[[0, 0], 30], [[1, 3], 25], [[4, 14], 25], [[15, 45], 15], [[46, 120], 5]];

function buildIncident(rng: Rng, n: number, untilN: number, p: Profile): Draft {
  const occurred = n * 1440 + rng.weighted(HOURS_BY_CHANNEL[p.channel]) * 60 + rng.int(0, 59);
  const age = untilN - n;

  const reportKind = rng.weighted([["hours", 78], ["next_day", 10], ["late", 5], ["missing", 7]] as const);
  const delay =
    reportKind === "hours" ? rng.int(10, 180) : reportKind === "next_day" ? rng.int(600, 1440) : rng.int(1441, 8640);
  const reportedAt = reportKind === "missing" || (occurred + delay) / 1440 >= untilN + 1 ? null : dateTimeText(occurred + delay);

  const responders = respondersOf(rng, p);
  const flags = legalFlags(rng, p);
  const { outcome, responses } = resolve(rng, p, responders, reportedAt !== null);

  const closed = age > 60 || rng.chance(0.25 + (0.65 * age) / 60);
  let determination = p.legitimate ? "D2" : "D1";
  if (!closed && !p.offender && !p.legitimate && age <= 45 && rng.chance(0.4)) determination = "D9";
  const [minClose, maxClose] = rng.weighted(CLOSE_DELAY);
  const closedAt = closed ? dayText(n + Math.min(age, rng.int(minClose, maxClose))) : null;

  const submission = rng.weighted(REPORT_DELAY);
  const submitDay = submission === "prompt" ? n + rng.int(0, 7) : submission === "late" ? n + rng.int(8, 30) : null;

  const persistent = p.behaviours.includes("MA05");
  const recorded = rng.chance(p.channel === "C4" || p.channel === "C5" ? 0.97 : p.channel === "C2" ? 0.9 : 0.7);

  return {
    occurred_at: dateTimeText(occurred),
    reported_at: reportedAt,
    department: p.department.name,
    in_tokyo: p.department.in_tokyo,
    channel: p.channel,
    client: p.client,
    counterparty_type: p.counterparty,
    customer_identified: p.identified,
    validity: p.validity,
    behaviours: p.behaviours,
    legal_flags: flags,
    severity: p.severity,
    duration_min: durationOf(rng, p),
    contact_count: persistent ? rng.weighted(CONTACTS_PERSISTENT) + (p.offender ? 2 : 0) : rng.weighted([[1, 80], [2, 20]]),
    responders,
    recorded,
    summary: summaryOf(rng, p),
    verbatim: verbatimOf(rng, p),
    determination,
    responses,
    care: careOf(rng, p, flags),
    outcome: closed ? outcome : rng.chance(0.85) ? "O7" : null,
    status: closed ? "closed" : "open",
    closed_at: closedAt,
    report_submitted_at: submitDay !== null && submitDay <= untilN ? dayText(submitDay) : null,
    prevention: closed ? preventionOf(rng, p, responses) : null,
  };
}

// ---------- streams and registers ----------

/** The incidents in time order, one at a time, with refs `KH-<fiscal year>-<serial>` numbered per fiscal year. */
export function* incidentStream(options: DemoOptions): Generator<IncidentInput> {
  const plan = makePlan(resolveDemoOptions(options));
  const untilN = plan.to;
  let fiscalYear = -1;
  let serial = 0;
  for (const slot of daySlots(plan)) {
    const drafts: Draft[] = [];
    for (let i = 0; i < slot.ordinary; i++) drafts.push(buildIncident(slot.rng, slot.n, untilN, ordinaryProfile(slot.rng)));
    slot.byOffender.forEach((count, k) => {
      for (let i = 0; i < count; i++) {
        drafts.push(buildIncident(slot.rng, slot.n, untilN, offenderProfile(slot.rng, plan.offenders[k], slot.n)));
      }
    });
    drafts.sort((a, b) => (a.occurred_at < b.occurred_at ? -1 : a.occurred_at > b.occurred_at ? 1 : 0));
    const fy = fiscalYearOf(slot.day);
    if (fy !== fiscalYear) {
      fiscalYear = fy;
      serial = 0;
    }
    for (const draft of drafts) {
      serial++;
      yield { ref: `KH-${fy}-${String(serial).padStart(5, "0")}`, ...draft };
    }
  }
}

interface MeasurePlan {
  status: MeasureStatus;
  /** When it was (or is planned to be) put in place; a measure planned after `until` is not yet in place. */
  on: string | null;
  evidence: string;
  url: string | null;
  /** Never reviewed since it was put in place, so a long-running demo shows a stale measure. */
  stale?: true;
}

const INTRANET = "https://intranet.example.jp";
const MEASURE_PLANS: Record<MeasureCode, MeasurePlan> = {
  G01: { status: "in_place", on: "2025-03-14", url: `${INTRANET}/policy/kasuhara`, evidence: "カスタマーハラスメント対策基本方針を策定し、ウェブサイトと全店舗に掲示({date})" },
  G02: { status: "in_place", on: "2025-04-01", url: `${INTRANET}/policy/kasuhara/notice`, stale: true, evidence: "ウェブサイト・店頭ポスター・利用規約でカスタマーハラスメントを行ってはならない旨を周知({date})" },
  G03: { status: "in_place", on: "2025-04-01", url: `${INTRANET}/hr/soudan`, evidence: "人事部にカスタマーハラスメント相談窓口を設置し、社内ポータルで連絡先を周知({date})" },
  G04: { status: "in_place", on: "2025-05-12", url: `${INTRANET}/hr/soudan/manual`, evidence: "相談対応マニュアルを整備し、窓口担当者が外部研修を受講({date})" },
  G05: { status: "partial", on: "2025-05-12", url: null, evidence: "相談記録の閲覧権限を人事部に限定({date})。記録保存規程は改定中" },
  G06: { status: "in_place", on: "2025-04-01", url: `${INTRANET}/rules/shugyo-kisoku`, stale: true, evidence: "就業規則と相談窓口案内に不利益取扱いの禁止を明記({date})" },
  G07: { status: "in_place", on: "2025-04-15", url: `${INTRANET}/manual/kasuhara-genba`, evidence: "現場対応マニュアル(初期対応・複数名対応・録音)を全拠点に配布({date})" },
  G08: { status: "in_place", on: "2025-04-15", url: `${INTRANET}/forms/zesei-hokoku`, evidence: "上長報告の手順と是正処置計画書兼報告書の様式・提出期限(7日)を規定({date})" },
  G09: { status: "in_place", on: "2025-06-02", url: `${INTRANET}/manual/jijitsu-kakunin`, evidence: "事実確認シートと該当判断の基準(要求内容の妥当性・手段の相当性)を整備({date})" },
  G10: { status: "partial", on: "2025-07-01", url: null, evidence: "防犯ブザーを全店舗に配備({date})。通話録音装置は一部拠点のみ" },
  G11: { status: "in_place", on: "2025-06-02", url: `${INTRANET}/hr/care`, evidence: "産業医・EAPによる被害者面談の流れを整備し、重大事案での面談を必須化({date})" },
  G12: { status: "in_place", on: "2025-06-16", url: `${INTRANET}/training/kasuhara`, evidence: "全従業員向けeラーニングと管理職向け集合研修を開始({date})" },
  G13: { status: "partial", on: "2025-10-01", url: null, evidence: "四半期ごとに事案を分析し再発防止策を検討する会議を試行中({date}開始)" },
  N1: { status: "in_place", on: "2026-09-01", url: `${INTRANET}/policy/kasuhara`, evidence: "改正労働施策総合推進法に合わせて基本方針を改定し、全従業員に周知({date})" },
  N2: { status: "in_place", on: "2026-09-15", url: `${INTRANET}/hr/soudan`, evidence: "相談窓口の対象をグレーゾーン事案に広げ、外部相談窓口を追加({date})" },
  N3: { status: "in_place", on: "2026-09-15", url: `${INTRANET}/manual/jigo-taio`, evidence: "事案の報告・判断・ケアまでの標準処理期間を規定({date})" },
  N4: { status: "partial", on: "2026-09-30", url: null, evidence: "対応打切り・出入禁止・警察連携の判断基準を策定({date})。全拠点への展開は準備中" },
  N5: { status: "not_yet", on: null, url: null, evidence: "就業規則の改定案(プライバシー保護・不利益取扱いの禁止)を作成中" },
};

const monthLabel = (day: string) => `${Number(day.slice(0, 4))}年${Number(day.slice(5, 7))}月`;

export function demoMeasures(opts: DemoOptions): DemoMeasure[] {
  const untilN = dayNumber(opts.until);
  return (Object.entries(MEASURE_PLANS) as [MeasureCode, MeasurePlan][]).map(([code, m]) => {
    if (!m.on || m.on > opts.until) {
      return { code, status: "not_yet", evidence_text: m.on ? null : m.evidence, evidence_url: null, in_place_on: null, reviewed_on: null };
    }
    const rng = createRng(opts.seed, "measure", code);
    const reviewed = m.stale ? m.on : dayText(Math.max(dayNumber(m.on), untilN - rng.int(20, 150)));
    return {
      code,
      status: m.status,
      evidence_text: m.evidence.replace("{date}", monthLabel(m.on)),
      evidence_url: m.url,
      in_place_on: m.on,
      reviewed_on: reviewed,
    };
  });
}

const TRAINING_PLANS = [
  { month: 5, day: 20, title: "カスタマーハラスメント対応研修(初任者向け)", invited: [40, 70], always: true },
  { month: 7, day: 10, title: "管理職向けカスタマーハラスメント対応研修", invited: [20, 30], always: true },
  { month: 10, day: 15, title: "全従業員向けeラーニング「カスタマーハラスメントの基礎」", invited: [280, 340], always: true },
  { month: 2, day: 5, title: "カスタマーハラスメント事例検討会(店舗・コールセンター)", invited: [25, 45], always: false },
] as const;

export function demoTraining(opts: DemoOptions): DemoTraining[] {
  const window = demoWindow(opts.until, opts.years);
  const sessions: DemoTraining[] = [];
  for (let fy = fiscalYearOf(window.from); fy <= fiscalYearOf(window.to); fy++) {
    for (const t of TRAINING_PLANS) {
      const heldOn = `${t.month >= 4 ? fy : fy + 1}-${pad2(t.month)}-${pad2(t.day)}`;
      const rng = createRng(opts.seed, "training", heldOn);
      if (heldOn > window.to || (!t.always && !rng.chance(0.6))) continue;
      const invited = rng.int(t.invited[0], t.invited[1]);
      sessions.push({ held_on: heldOn, title: t.title, invited, attendees: Math.round(invited * (0.72 + rng.next() * 0.26)) });
    }
  }
  return sessions;
}

/** Everything at once, for tests and small demos; large volumes go through `incidentStream`. */
export function generateDemo(options: Partial<DemoOptions> & { until: string }): DemoData {
  const opts = resolveDemoOptions(options);
  if (opts.incidents > MAX_COLLECTED) {
    throw new RangeError(`generateDemo collects at most ${MAX_COLLECTED} incidents; use incidentStream for more`);
  }
  return {
    departments: DEMO_DEPARTMENTS.map((d) => ({ ...d })),
    clients: DEMO_CLIENTS.map((c) => ({ ...c })),
    incidents: [...incidentStream(opts)],
    measures: demoMeasures(opts),
    training: demoTraining(opts),
  };
}
