/**
 * The registers a demo company keeps beside its incidents: the measures (in place, partial, not yet, one left
 * unreviewed) and the training sessions of each fiscal year in the window.
 */
import { dayNumber, dayText, pad } from "../incidents/dates";
import type { MeasureCode, MeasureStatus } from "../incidents/taxonomy";
import { fiscalYearOf } from "../reports/periods";
import { DEMO_DEFAULTS, demoWindow, type DemoOptions } from "./options";
import { createRng } from "./random";

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
  const fiscalStart = opts.fiscalYearStartMonth ?? DEMO_DEFAULTS.fiscalYearStartMonth;
  const window = demoWindow(opts.until, opts.years, fiscalStart);
  const sessions: DemoTraining[] = [];
  for (let fy = fiscalYearOf(window.from, fiscalStart); fy <= fiscalYearOf(window.to, fiscalStart); fy++) {
    for (const t of TRAINING_PLANS) {
      // A session in a month before the fiscal year's start month falls in the next calendar year.
      const heldOn = `${t.month >= fiscalStart ? fy : fy + 1}-${pad(t.month)}-${pad(t.day)}`;
      const rng = createRng(opts.seed, "training", heldOn);
      if (heldOn > window.to || (!t.always && !rng.chance(0.6))) continue;
      const invited = rng.int(t.invited[0], t.invited[1]);
      sessions.push({ held_on: heldOn, title: t.title, invited, attendees: Math.round(invited * (0.72 + rng.next() * 0.26)) });
    }
  }
  return sessions;
}

export interface DemoPolicy {
  title: string;
  version: string;
  adoptedOn: string;
  announcedOn: string | null;
  places: string[];
  url: string | null;
}

/**
 * The policy register (issue 20): the basic policy adopted with G01 (the wording of /work/shared/seeds 003, 「カスタマー
 * ハラスメントに対する基本方針」), and its revision for the national obligation (N1) once the demo reaches it. A version
 * adopted after `until` is not there yet; an announcement after it is not made yet.
 */
export function demoPolicies(opts: DemoOptions): DemoPolicy[] {
  const plans: DemoPolicy[] = [
    { title: "カスタマーハラスメントに対する基本方針", version: "第1版", adoptedOn: MEASURE_PLANS.G01.on!, announcedOn: "2025-04-01", places: ["社内イントラ", "全店舗の店頭掲示", "自社ウェブサイト"], url: `${INTRANET}/policy/kasuhara` },
    { title: "カスタマーハラスメントに対する基本方針(改正労働施策総合推進法対応)", version: "第2版", adoptedOn: MEASURE_PLANS.N1.on!, announcedOn: "2026-09-15", places: ["社内イントラ", "全店舗の店頭掲示", "自社ウェブサイト", "利用規約"], url: `${INTRANET}/policy/kasuhara` },
  ];
  return plans
    .filter((p) => p.adoptedOn <= opts.until)
    .map((p) => ({ ...p, announcedOn: p.announcedOn && p.announcedOn <= opts.until ? p.announcedOn : null }));
}

/**
 * Employees of each demo department in the first fiscal year of the window (issue 20), part-timers included: sized so
 * the demo's ~1,000 incidents a year come to some 25 per 100 employees, the call centre the largest.
 */
const HEADCOUNT_BASE: Record<string, number> = {
  東京本店: 720, 新宿店: 520, 渋谷店: 470, カスタマーサポートセンター: 880, 営業部: 280, 大阪支店: 550, 名古屋支店: 410, 福岡営業所: 200,
};

export interface DemoHeadcount {
  department: string;
  fiscal_year: number;
  headcount: number;
}

/** A headcount per demo department and fiscal year of the window, growing a little each year; deterministic per seed. */
export function demoHeadcounts(opts: DemoOptions, departments: readonly string[]): DemoHeadcount[] {
  const fiscalStart = opts.fiscalYearStartMonth ?? DEMO_DEFAULTS.fiscalYearStartMonth;
  const window = demoWindow(opts.until, opts.years, fiscalStart);
  const first = fiscalYearOf(window.from, fiscalStart);
  const out: DemoHeadcount[] = [];
  for (let fy = first; fy <= fiscalYearOf(window.to, fiscalStart); fy++) {
    for (const department of departments) {
      const rng = createRng(opts.seed, "headcount", `${department}|${fy}`);
      const base = HEADCOUNT_BASE[department] ?? 50;
      out.push({ department, fiscal_year: fy, headcount: Math.max(1, Math.round(base * (1 + 0.03 * (fy - first))) + rng.int(-12, 12)) });
    }
  }
  return out;
}
