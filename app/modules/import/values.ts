/**
 * Coded values, yes/no, severity, numbers and status as people type them into spreadsheets
 * (docs/spec/csv-import.md, "Values"). Every lookup table is built once at load: this runs for every cell of large files.
 */
import type { Message } from "~/i18n";
import { normalizeName } from "../incidents/normalize";
import { CODE_SETS, type CodeDef } from "../incidents/taxonomy";
import type { Parsed } from "./dates";

export type { Parsed };

export type SingleCodeField = "channel" | "counterparty_type" | "validity" | "determination" | "outcome";
export type MultiCodeField = "behaviours" | "legal_flags" | "responses" | "care";
type LookupField = SingleCodeField | MultiCodeField | "severity" | "status";

// Words people use instead of a label, per field (so 脅迫 is MA02 as a behaviour and L03, its label, as a legal flag).
// The first of each field are the spec's (docs/spec/csv-import.md "Values"); the rest are the words found in real
// ledgers (issue 16). A compound such as 暴言・威圧 needs no entry: a multi-value cell is also split on ・ when the whole
// does not match and every part does (see `parseCodes`). Each word has a test in test/import-values.test.ts.
const SHORT_WORDS: Partial<Record<LookupField, Record<string, string>>> = {
  behaviours: {
    暴力: "MA01", 暴力行為: "MA01", 暴行: "MA01", 殴打: "MA01", 物を投げる: "MA01",
    暴言: "MA02", 脅迫: "MA02", 中傷: "MA02", 名誉毀損: "MA02", 侮辱: "MA02", 脅し: "MA02", 罵声: "MA02", 罵倒: "MA02",
    人格否定: "MA02", 誹謗中傷: "MA02",
    威圧: "MA03", 大声: "MA03", 怒鳴る: "MA03", 怒鳴り: "MA03", 怒号: "MA03", 威嚇: "MA03", 恫喝: "MA03",
    土下座: "MA04", 土下座要求: "MA04", 土下座の強要: "MA04",
    執拗: "MA05", しつこい: "MA05", 執拗な言動: "MA05", 繰り返しの電話: "MA05",
    長時間拘束: "MA06", 居座り: "MA06", 長時間の電話: "MA06", 不退去: "MA06", 監禁: "MA06", 長時間電話: "MA06", 長電話: "MA06",
    差別: "MA07", 差別発言: "MA07",
    セクハラ: "MA08", セクシャルハラスメント: "MA08", セクシュアルハラスメント: "MA08", 性的発言: "MA08",
    個人攻撃: "MA09",
    SNS: "MA10", SNS晒し: "MA10", ネット晒し: "MA10", 晒し: "MA10", SNS投稿: "MA10", ネット投稿: "MA10", ネット上の誹謗中傷: "MA10",
    無断撮影: "MA11", 無断録音: "MA11", 盗撮: "MA11",
    呼び出し: "MA12", 呼びつけ: "MA12", 呼び付け: "MA12",
    プライバシー侵害: "MA13",
    解雇要求: "MA14", 処分要求: "MA14",
    交換要求: "MB01",
    金銭要求: "MB02", 返金要求: "MB02", 賠償要求: "MB02", 慰謝料要求: "MB02", 補償要求: "MB02", 金品要求: "MB02",
    謝罪要求: "MB03",
    過剰要求: "MB04", 過度な要求: "MB04", 不当要求: "MB04", 無理な要求: "MB04", 値引き要求: "MB04", 時間外対応の要求: "MB04",
  },
  channel: {
    電話: "C2", 対面: "C1", 来店: "C1", 訪問: "C3", メール: "C4", email: "C4", SNS: "C5", インターネット: "C5",
    店頭: "C1", 窓口: "C1", 架電: "C2", 入電: "C2", コールセンター: "C2", Eメール: "C4", "e-mail": "C4", ネット: "C5",
    口コミサイト: "C5", Web会議: "C6", ウェブ会議: "C6", オンライン: "C6",
  },
  responses: {
    出禁: "R08", 複数対応: "R01", 複数人対応: "R01", 上司報告: "R02", 中止要請: "R03", 対応打ち切り: "R04", 打ち切り: "R04",
    退去要請: "R05", 退去依頼: "R05", 警察通報: "R06", "110番": "R06", 警察へ相談: "R07", 弁護士: "R10", 弁護士相談: "R10",
    法的措置: "R10", 契約解除: "R09", サービス停止: "R09", 削除依頼: "R11", 削除要請: "R11",
  },
  care: {
    面談: "W02", カウンセリング: "W02", メンタルケア: "W02", 産業医: "W03", EAP: "W03", 担当変更: "W04", 配置転換: "W04",
    休職: "W05", 労災: "W06",
  },
  outcome: {
    解決: "O1", 撤回: "O2", 謝罪: "O2", 打ち切り: "O3", 対応打ち切り: "O3", 出禁: "O4", 出入禁止: "O4", 取引停止: "O4",
    警察: "O5", 継続: "O7", 対応中: "O7",
  },
  determination: { カスハラ: "D1", カスハラ該当: "D1", 正当な申出: "D2", 正当なクレーム: "D2", 判断保留: "D9", 検討中: "D9" },
  status: {
    open: "open", 対応中: "open", 未完了: "open", 未対応: "open", 未解決: "open", 継続: "open",
    closed: "closed", 完了: "closed", 終了: "closed", 対応済: "closed", 対応済み: "closed", 解決: "closed", 解決済: "closed",
    解決済み: "closed", クローズ: "closed",
  },
};

const TRAILING_PAREN = /\s*\([^()]*\)$/;
// A code, then optionally a separator, then a label: `MA02 精神的な攻撃`, `MA02:精神的な攻撃`, `3 重大`.
const CODE_AND_LABEL = /^([a-z]{0,2}\d{1,2})(?!\d)\s*[:.\-_]?\s*(.+)$/;
const SEPARATORS = /[;；、|｜/／\r\n]/;

/** Lookup key: NFKC, trimmed, spaces folded, case folded, a trailing parenthetical dropped. */
function keyOf(text: string): string {
  const k = normalizeName(text);
  const stripped = k.replace(TRAILING_PAREN, "");
  return stripped === "" ? k : stripped;
}

interface Lookup {
  /** Every accepted key → code. */
  words: Map<string, string>;
  /** Lower-cased code → code, for `code label` cells. */
  codes: Map<string, string>;
  defs: Map<string, CodeDef>;
  /** Every choice as `code label`, for the message of a value that matches none (Japanese, English). */
  choices: string;
  choicesEn: string;
}

function buildLookup(field: LookupField): Lookup {
  const defs = CODE_SETS[field] as readonly CodeDef[];
  const words = new Map<string, string>();
  const add = (word: string, code: string) => {
    const k = keyOf(word);
    const had = words.get(k);
    // Fail at load, in the tests, rather than let one word silently mean two codes.
    if (had !== undefined && had !== code) throw new Error(`import: "${word}" means both ${had} and ${code} for ${field}`);
    words.set(k, code);
  };
  for (const d of defs) {
    add(d.code, d.code);
    add(d.ja, d.code);
    add(d.en, d.code);
  }
  for (const [word, code] of Object.entries(SHORT_WORDS[field] ?? {})) add(word, code);
  return {
    words,
    codes: new Map(defs.map((d) => [d.code.toLowerCase(), d.code])),
    defs: new Map(defs.map((d) => [d.code, d])),
    choices: defs.map((d) => `${d.code} ${d.ja}`).join("、"),
    choicesEn: defs.map((d) => `${d.code} ${d.en}`).join(", "),
  };
}

const LOOKUPS = new Map<LookupField, Lookup>(
  (["channel", "counterparty_type", "validity", "determination", "outcome", "behaviours", "legal_flags", "responses", "care", "severity", "status"] as const).map(
    (f) => [f, buildLookup(f)],
  ),
);

/** One value against one field: the code, a label or short word, or `code label` (which must agree). */
function matchOne(lookup: Lookup, raw: string): Parsed<string> {
  const k = keyOf(raw);
  const hit = lookup.words.get(k);
  if (hit !== undefined) return { ok: true, value: hit };
  const m = CODE_AND_LABEL.exec(k);
  const code = m ? lookup.codes.get(m[1]) : undefined;
  if (m && code !== undefined) {
    const byLabel = lookup.words.get(keyOf(m[2]));
    if (byLabel === code) return { ok: true, value: code };
    // Trusting the code alone would read `MA01,MA02` as MA01 and drop MA02 without a word.
    if (byLabel !== undefined) {
      const d = lookup.defs.get(code)!;
      return { ok: false, message: { key: "import.value.codeLabelMismatch", params: { value: raw.trim(), code, label: d.ja, labelEn: d.en } } };
    }
  }
  return { ok: false, message: { key: "import.value.unknownCode", params: { value: raw.trim(), choices: lookup.choices, choicesEn: lookup.choicesEn } } };
}

export function parseCode(field: SingleCodeField, text: string): Parsed<string | null> {
  if (text.trim() === "") return { ok: true, value: null };
  const lookup = LOOKUPS.get(field)!;
  const r = matchOne(lookup, text);
  if (r.ok || !SEPARATORS.test(text)) return r;
  // Say "one value only" when the cell is a list of valid values, rather than "unknown value".
  const parts = splitMulti(text);
  return parts.length > 1 && parts.every((p) => matchOne(lookup, p).ok)
    ? { ok: false, message: { key: "import.value.multipleValues", params: { value: text.trim() } } }
    : r;
}

export function parseCodes(field: MultiCodeField, text: string): Parsed<string[]> {
  const lookup = LOOKUPS.get(field)!;
  // The whole cell first: English labels such as "Lawyer / legal action" contain a separator.
  const whole = lookup.words.get(keyOf(text));
  if (whole !== undefined) return { ok: true, value: [whole] };
  const out: string[] = [];
  for (const part of splitMulti(text)) {
    const r = matchOne(lookup, part);
    const codes = r.ok ? [r.value] : compound(lookup, part);
    if (codes === null) return r as Parsed<never>;
    for (const c of codes) if (!out.includes(c)) out.push(c);
  }
  return { ok: true, value: out };
}

/**
 * A ledger's category that joins two words with ・ (暴言・威圧, 金銭要求・土下座): the codes of its parts, when every
 * part is a known word. Labels containing ・ (SNS・インターネット上の誹謗中傷) matched whole before this is tried.
 */
function compound(lookup: Lookup, part: string): string[] | null {
  if (!part.includes("・")) return null;
  const codes: string[] = [];
  for (const piece of part.split("・")) {
    if (piece.trim() === "") continue;
    const r = matchOne(lookup, piece);
    if (!r.ok) return null;
    if (!codes.includes(r.value)) codes.push(r.value);
  }
  return codes.length ? codes : null;
}

/** Splits a multi-value cell on ; ； 、 | ／ / and line breaks; pieces trimmed, empty ones dropped. */
export function splitMulti(text: string): string[] {
  const out: string[] = [];
  for (const p of text.split(SEPARATORS)) {
    const t = p.trim();
    if (t !== "") out.push(t);
  }
  return out;
}

const YES_NO = new Map<string, boolean>();
for (const w of ["はい", "有", "有り", "あり", "○", "〇", "◯", "yes", "true", "1", "y"]) YES_NO.set(w, true);
for (const w of ["いいえ", "無", "無し", "なし", "×", "✕", "no", "false", "0", "n"]) YES_NO.set(w, false);

export function parseYesNo(text: string): Parsed<boolean | null> {
  const k = normalizeName(text);
  if (k === "") return { ok: true, value: null };
  const v = YES_NO.get(k);
  return v === undefined ? fail("import.value.yesNo", text) : { ok: true, value: v };
}

export function parseSeverity(text: string): Parsed<number | null> {
  if (text.trim() === "") return { ok: true, value: null };
  const r = matchOne(LOOKUPS.get("severity")!, text);
  return r.ok ? { ok: true, value: Number(r.value) } : fail("import.value.severity", text);
}

export function parseStatus(text: string): Parsed<"open" | "closed" | null> {
  if (text.trim() === "") return { ok: true, value: null };
  const r = matchOne(LOOKUPS.get("status")!, text);
  return r.ok ? { ok: true, value: r.value as "open" | "closed" } : fail("import.value.status", text);
}

const WHOLE = /^(?:\d+|\d{1,3}(?:,\d{3})+)$/;
// 90, 90分, 1時間, 1時間30分 — the hours part is optional, and so is the 分 after it.
const DURATION = /^(?:(\d+|\d{1,3}(?:,\d{3})+) ?時間)? ?(?:(\d+|\d{1,3}(?:,\d{3})+) ?分?)?$/;

export function parseWholeNumber(text: string, opts: { minutes?: boolean } = {}): Parsed<number | null> {
  const s = normalizeName(text);
  if (s === "") return { ok: true, value: null };
  let n: number | undefined;
  if (WHOLE.test(s)) n = toInt(s);
  else if (opts.minutes) {
    const m = DURATION.exec(s);
    if (m && (m[1] !== undefined || m[2] !== undefined)) n = (m[1] === undefined ? 0 : toInt(m[1]) * 60) + (m[2] === undefined ? 0 : toInt(m[2]));
  }
  if (n === undefined || !Number.isSafeInteger(n)) return fail(opts.minutes ? "import.value.minutes" : "import.value.wholeNumber", text);
  return { ok: true, value: n };
}

function toInt(s: string): number {
  return Number(s.replace(/,/g, ""));
}

function fail(key: Message["key"], text: string): Parsed<never> {
  return { ok: false, message: { key, params: { value: text.trim() } } };
}
