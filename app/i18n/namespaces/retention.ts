/** Retention: what is kept how long, and purging. */
import type { Texts } from "../texts";

const ja = {
  "retention.title": "個人情報の保存期間",
  "retention.intro": "終了から一定期間が過ぎた事案の個人情報(概要・具体的言動・顧客名・是正処置計画書兼報告書の記述)を消去します。日付や分類コードは統計のために残ります。確定済みの報告書は変わりません。",
  "retention.off": "保存期間が設定されていないため、消去は行いません。",
  "retention.rule": "保存期間は終了から{years}年です。{cutoff}より前に終了した事案が対象です。",
  "retention.dryRun": "消去の対象(試算): {n}件",
  "retention.none": "消去の対象となる事案はありません。",
  "retention.fields": "消去される項目",
  "retention.field.summary": "概要",
  "retention.field.verbatim": "具体的言動",
  "retention.field.client": "顧客名",
  "retention.field.report": "報告書の記述",
  "retention.more": "ほか{n}件",
  "retention.warning": "消去した個人情報は元に戻せません。実行は監査ログに記録されます。",
  "retention.erase": "{n}件の個人情報を消去する",
  "retention.done": "{n}件の事案の個人情報を消去しました(顧客{c}件を削除)。",
  "retention.field.evidence": "証拠資料",
} as const;

const en: Texts<typeof ja> = {
  "retention.title": "Retention of personal data",
  "retention.intro": "Erases the personal data of incidents closed long enough ago (summary, verbatim words, client name, report text). Dates and codes stay for statistics; issued reports do not change.",
  "retention.off": "No retention period is set, so nothing is erased.",
  "retention.rule": "Personal data is kept for {years} years after closing: incidents closed before {cutoff} are due.",
  "retention.dryRun": "Due for erasure (dry run): {n}",
  "retention.none": "Nothing is due for erasure.",
  "retention.fields": "Fields to erase",
  "retention.field.summary": "Summary",
  "retention.field.verbatim": "Verbatim",
  "retention.field.client": "Client",
  "retention.field.report": "Report text",
  "retention.more": "and {n} more",
  "retention.warning": "Erased personal data cannot be restored. The erasure is recorded in the audit log.",
  "retention.erase": "Erase the personal data of {n} incidents",
  "retention.done": "Erased the personal data of {n} incidents ({c} clients removed).",
  "retention.field.evidence": "Evidence files",
};

export const retention = { ja, en };
