/**
 * The demo company: its departments (with how many incidents each sees), its clients, and the few repeat offenders
 * whose incidents escalate from a warning to a ban over their span. Names only; the incidents come from incident.ts.
 */
import type { BehaviourCode, ChannelCode, CounterpartyCode } from "../incidents/taxonomy";
import type { Weighted } from "./random";

export interface DemoDepartment {
  name: string;
  in_tokyo: boolean;
}
export interface DemoClient {
  name: string;
  counterparty_type: CounterpartyCode;
}

// ---------- organisation ----------

export type DeptKind = "store" | "callcenter" | "sales" | "branch";
export interface Department extends DemoDepartment {
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
export const DEPARTMENT_WEIGHTS: Weighted<Department> = DEPARTMENTS.map((d) => [d, d.weight]);
export const departmentNamed = (name: string) => DEPARTMENTS.find((d) => d.name === name)!;

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

export type Stage = "warned" | "cut_off" | "banned";

export interface Offender {
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
export const OFFENDER_SHARE = 0.018;

export const OFFENDERS: readonly Offender[] = [
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
export const CLIENT_WEIGHTS = Object.fromEntries(
  Object.entries(CLIENT_NAMES).map(([type, names]) => [
    type,
    names.filter((n) => !OFFENDER_NAMES.has(n)).map((n, i) => [n, 1 / (i + 1) ** 0.7] as const),
  ]),
) as Partial<Record<CounterpartyCode, Weighted<string>>>;
