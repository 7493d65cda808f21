/**
 * Every code of the domain (docs/spec/domain.md) with its Japanese and English label.
 * Codes are stable: never reuse or renumber one; new codes go at the end of their group.
 * Forms, the importer, charts and reports all read labels from here.
 */

export type Lang = "ja" | "en";

export interface CodeDef {
  code: string;
  ja: string;
  en: string;
  /** Extra detail shown after the label, e.g. the examples in a behaviour's parenthesis. */
  jaNote?: string;
  /** Sub-group inside a code set (MA / MB for behaviours). */
  group?: string;
}

// Generic in the code so each set's codes stay literal types (ChannelCode = "C1" | "C2" | …), not plain strings.
const def = <C extends string>(code: C, ja: string, en: string, extra: Partial<Omit<CodeDef, "code">> = {}) => ({
  code,
  ja,
  en,
  ...extra,
});

export const CHANNELS = [
  def("C1", "対面", "In person"),
  def("C2", "電話", "Phone"),
  def("C3", "訪問", "Visit"),
  def("C4", "メール", "E-mail"),
  def("C5", "SNS・インターネット", "Social media / internet"),
  def("C6", "オンライン会議", "Online meeting"),
  def("C9", "その他", "Other"),
] as const satisfies readonly CodeDef[];

export const COUNTERPARTY_TYPES = [
  def("P1", "個人顧客", "Individual customer"),
  def("P2", "法人顧客", "Corporate customer"),
  def("P3", "取引先・提携先", "Business partner"),
  def("P4", "施設利用者", "Facility user"),
  def("P9", "その他", "Other"),
] as const satisfies readonly CodeDef[];

export const VALIDITIES = [
  def("V0", "妥当", "Valid demand"),
  def("V1", "瑕疵・過失なし", "No defect or fault on our side"),
  def("V2", "サービスと無関係", "Unrelated to our service"),
  def("V9", "不明", "Unclear"),
] as const satisfies readonly CodeDef[];

export const BEHAVIOURS = [
  def("MA01", "身体的な攻撃", "Physical attack", { group: "MA" }),
  def("MA02", "精神的な攻撃", "Psychological attack", {
    group: "MA",
    jaNote: "脅迫・中傷・名誉毀損・侮辱・暴言",
  }),
  def("MA03", "威圧的な言動", "Intimidating conduct", { group: "MA" }),
  def("MA04", "土下座の要求", "Demanding a kneeling apology (dogeza)", { group: "MA" }),
  def("MA05", "継続的・執拗な言動", "Persistent, repeated conduct", { group: "MA" }),
  def("MA06", "拘束的な行動", "Detaining conduct", {
    group: "MA",
    jaNote: "不退去・居座り・監禁・長時間の電話",
  }),
  def("MA07", "差別的な言動", "Discriminatory conduct", { group: "MA" }),
  def("MA08", "性的な言動", "Sexual conduct", { group: "MA" }),
  def("MA09", "従業員個人への攻撃・要求", "Attacks or demands on an individual employee", { group: "MA" }),
  def("MA10", "SNS・インターネット上の誹謗中傷", "Defamation on social media / internet", { group: "MA" }),
  def("MA11", "無断撮影・録音", "Filming or recording without consent", { group: "MA" }),
  def("MA12", "就業場所以外への呼び出し", "Summoning staff outside the workplace", { group: "MA" }),
  def("MA13", "プライバシーの侵害", "Invasion of privacy", { group: "MA" }),
  def("MA14", "解雇等の社内処罰の要求", "Demanding dismissal or internal punishment", { group: "MA" }),
  def("MB01", "商品交換・代替サービスの要求", "Demanding exchange or substitute service", { group: "MB" }),
  def("MB02", "金銭補償の要求", "Demanding monetary compensation", { group: "MB" }),
  def("MB03", "謝罪の要求", "Demanding an apology", { group: "MB", jaNote: "土下座を除く" }),
  def("MB04", "契約外・過度な要求", "Excessive or out-of-contract demands", {
    group: "MB",
    jaNote: "不当な値引き・時間外対応の強要など",
  }),
] as const satisfies readonly CodeDef[];

export const LEGAL_FLAGS = [
  def("L01", "暴行", "Assault"),
  def("L02", "傷害", "Bodily injury"),
  def("L03", "脅迫", "Intimidation (threats)"),
  def("L04", "強要", "Coercion"),
  def("L05", "名誉毀損", "Defamation"),
  def("L06", "侮辱", "Insult"),
  def("L07", "業務妨害", "Obstruction of business"),
  def("L08", "不退去", "Refusal to leave"),
  def("L99", "その他", "Other"),
] as const satisfies readonly CodeDef[];

export const DETERMINATIONS = [
  def("D1", "該当", "Customer harassment"),
  def("D2", "非該当(正当な申出)", "Not harassment (legitimate complaint)"),
  def("D9", "保留", "Pending"),
] as const satisfies readonly CodeDef[];

export const RESPONSES = [
  def("R01", "複数名対応", "Handled by two or more staff"),
  def("R02", "上長報告", "Reported to supervisor"),
  def("R03", "中止の申入れ", "Demand to stop"),
  def("R04", "対応打切り", "Ended the interaction"),
  def("R05", "退去要求", "Asked to leave"),
  def("R06", "110番通報", "Called the police (110)"),
  def("R07", "警察相談(#9110)", "Police consultation (#9110)"),
  def("R08", "出入禁止", "Banned from premises"),
  def("R09", "契約解除・サービス停止", "Contract terminated / service stopped"),
  def("R10", "弁護士・法的措置", "Lawyer / legal action"),
  def("R11", "投稿削除依頼", "Takedown request for posts"),
] as const satisfies readonly CodeDef[];

export const CARE = [
  def("W01", "安全確保", "Ensured safety"),
  def("W02", "面談・メンタルケア", "Interview / mental-health care"),
  def("W03", "産業医・EAP", "Occupational physician / EAP"),
  def("W04", "担当変更・配置転換", "Change of assignment"),
  def("W05", "休業", "Leave from work"),
  def("W06", "労災相談", "Workers' compensation consultation"),
] as const satisfies readonly CodeDef[];

export const OUTCOMES = [
  def("O1", "通常対応で解決", "Resolved by normal handling"),
  def("O2", "顧客の撤回・謝罪", "Customer withdrew / apologised"),
  def("O3", "対応打切り", "Interaction ended"),
  def("O4", "出入禁止・取引停止", "Banned / business stopped"),
  def("O5", "警察対応", "Police involved"),
  def("O6", "法的措置", "Legal action"),
  def("O7", "継続対応中", "Still being handled"),
  def("O9", "その他", "Other"),
] as const satisfies readonly CodeDef[];

export const SEVERITIES = [
  def("1", "軽微", "Minor"),
  def("2", "中程度", "Moderate"),
  def("3", "重大", "Serious (harm or work stopped)"),
  def("4", "重篤", "Grave (violence, injury, crime)"),
] as const satisfies readonly CodeDef[];

export const STATUSES = [
  def("open", "対応中", "Open"),
  def("closed", "終了", "Closed"),
] as const satisfies readonly CodeDef[];

export const MEASURES = [
  def("G01", "基本方針の明確化と周知", "Clarify and publicise the basic policy", { group: "G" }),
  def("G02", "カスハラを行ってはならない旨の周知", "Make known that harassment must not be done", { group: "G" }),
  def("G03", "相談窓口の設置", "Set up a consultation desk", { group: "G" }),
  def("G04", "適切な相談対応", "Handle consultations appropriately", { group: "G" }),
  def("G05", "相談者のプライバシー保護", "Protect the privacy of those consulting", { group: "G" }),
  def("G06", "不利益取扱い禁止の周知", "Make known that no detrimental treatment follows", { group: "G" }),
  def("G07", "現場での初期対応の手順", "First-response procedure on site", { group: "G" }),
  def("G08", "内部手続(報告・指示)の手順", "Internal procedure (reporting, instructions)", { group: "G" }),
  def("G09", "事実確認と事案への対応", "Establish facts and respond to the case", { group: "G" }),
  def("G10", "就業者の安全確保", "Ensure workers' safety", { group: "G" }),
  def("G11", "精神面・身体面への配慮", "Care for mental and physical health", { group: "G" }),
  def("G12", "教育・研修", "Education and training", { group: "G" }),
  def("G13", "再発防止", "Prevent recurrence", { group: "G" }),
  def("N1", "方針の明確化・周知啓発", "Clarify and publicise the policy", { group: "N" }),
  def("N2", "相談体制の整備(グレーゾーンも受け付ける)", "Consultation system (grey zone included)", { group: "N" }),
  def("N3", "事後の迅速かつ適切な対応", "Prompt and appropriate response after the fact", { group: "N" }),
  def("N4", "抑止のための措置(対応打切り・出入禁止・警察連携の基準)", "Deterrence (criteria to end, ban, involve police)", {
    group: "N",
  }),
  def("N5", "プライバシー保護・不利益取扱いの禁止", "Privacy protection, no detrimental treatment", { group: "N" }),
] as const satisfies readonly CodeDef[];

export const MEASURE_STATUSES = [
  def("in_place", "実施済", "In place"),
  def("partial", "一部実施", "Partial"),
  def("not_yet", "未実施", "Not yet"),
] as const satisfies readonly CodeDef[];

type CodesOf<T extends readonly CodeDef[]> = T[number]["code"];
export type ChannelCode = CodesOf<typeof CHANNELS>;
export type CounterpartyCode = CodesOf<typeof COUNTERPARTY_TYPES>;
export type ValidityCode = CodesOf<typeof VALIDITIES>;
export type BehaviourCode = CodesOf<typeof BEHAVIOURS>;
export type LegalFlagCode = CodesOf<typeof LEGAL_FLAGS>;
export type DeterminationCode = CodesOf<typeof DETERMINATIONS>;
export type ResponseCode = CodesOf<typeof RESPONSES>;
export type CareCode = CodesOf<typeof CARE>;
export type OutcomeCode = CodesOf<typeof OUTCOMES>;
export type StatusCode = CodesOf<typeof STATUSES>;
export type MeasureCode = CodesOf<typeof MEASURES>;
export type MeasureStatus = CodesOf<typeof MEASURE_STATUSES>;

/** The code sets by the incident field that holds them. */
export const CODE_SETS = {
  channel: CHANNELS,
  counterparty_type: COUNTERPARTY_TYPES,
  validity: VALIDITIES,
  behaviours: BEHAVIOURS,
  legal_flags: LEGAL_FLAGS,
  determination: DETERMINATIONS,
  responses: RESPONSES,
  care: CARE,
  outcome: OUTCOMES,
  severity: SEVERITIES,
  status: STATUSES,
} as const;
export type CodedField = keyof typeof CODE_SETS;

/** Fields that hold zero or more codes; stored one row per code in `incident_codes`. */
export const MULTI_FIELDS = ["behaviours", "legal_flags", "responses", "care"] as const;
export type MultiField = (typeof MULTI_FIELDS)[number];

const indexes = new Map<CodedField, Map<string, CodeDef>>();
function indexOf(field: CodedField): Map<string, CodeDef> {
  let m = indexes.get(field);
  if (!m) {
    m = new Map((CODE_SETS[field] as readonly CodeDef[]).map((d) => [d.code, d]));
    indexes.set(field, m);
  }
  return m;
}

export function codesOf(field: CodedField): string[] {
  return (CODE_SETS[field] as readonly CodeDef[]).map((d) => d.code);
}

export function isCode(field: CodedField, code: string): boolean {
  return indexOf(field).has(code);
}

/** The label of a code in a language; an unknown code is returned as it is, so nothing is hidden. */
export function labelOf(field: CodedField, code: string | null | undefined, lang: Lang = "ja"): string {
  if (code == null || code === "") return "";
  const d = indexOf(field).get(String(code));
  return d ? d[lang] : String(code);
}

/** Label with its parenthetical note, e.g. 精神的な攻撃(脅迫・中傷・名誉毀損・侮辱・暴言). */
export function fullLabelOf(field: CodedField, code: string, lang: Lang = "ja"): string {
  const d = indexOf(field).get(code);
  if (!d) return code;
  return lang === "ja" && d.jaNote ? `${d.ja}(${d.jaNote})` : d[lang];
}

