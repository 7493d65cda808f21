/** Organisation settings. */
import type { Texts } from "../texts";

const ja = {
  "settings.title": "設定",
  "settings.saved": "設定を保存しました。",
  "settings.fiscalYearStartMonth": "年度の開始月",
  "settings.fiscalYearStartMonthHint": "集計の「年度」と四半期の区切りに使います。",
  "settings.month": "{n}月",
  "settings.suppressionThreshold": "秘匿の閾値(件)",
  "settings.suppressionThresholdHint": "経営層向けの集計では、この件数未満と、そこから計算できてしまう値を「χ」と表示します。",
  "settings.nationalObligationDate": "改正労働施策総合推進法の施行日",
  "settings.nationalObligationDateHint": "報告書の国の措置義務(N1〜N5)欄は、この日以降の期間について表示します。",
  "settings.writtenReportDeadlineDays": "報告書提出の期限(日)",
  "settings.writtenReportDeadlineDaysHint": "是正処置計画書兼報告書を、発生から何日以内に提出するか(対応フロー⑤)。",
  "settings.updatedAt": "最終更新: {at}",
  "settings.errors.month": "1〜12の月を選択してください。",
  "settings.errors.threshold": "1〜20の整数で入力してください。",
  "settings.errors.deadline": "0〜365の整数で入力してください。",
  "settings.retentionYears": "個人情報の保存期間(年)",
  "settings.retentionYearsHint": "事案の終了からこの年数が過ぎると、概要・具体的言動・顧客名・報告書の記述を消去できます(空欄: 消去しない)。",
  "settings.errors.retention": "1〜50の整数で入力するか、空欄にしてください。",
} as const;

const en: Texts<typeof ja> = {
  "settings.title": "Settings",
  "settings.saved": "Settings saved.",
  "settings.fiscalYearStartMonth": "Fiscal year starts in",
  "settings.fiscalYearStartMonthHint": "Used for fiscal years and quarters in figures and reports.",
  "settings.month": "month {n}",
  "settings.suppressionThreshold": "Suppression threshold",
  "settings.suppressionThresholdHint": "Executives see counts below this, and those that would give them away, as \"χ\".",
  "settings.nationalObligationDate": "National obligation in force from",
  "settings.nationalObligationDateHint": "Reports show the national measures (N1–N5) for the part of a period from this day.",
  "settings.writtenReportDeadlineDays": "Written report due within (days)",
  "settings.writtenReportDeadlineDaysHint": "Days after the incident by which the corrective-action report is due (response flow ⑤).",
  "settings.updatedAt": "Last changed: {at}",
  "settings.errors.month": "Choose a month, 1–12.",
  "settings.errors.threshold": "A whole number from 1 to 20.",
  "settings.errors.deadline": "A whole number from 0 to 365.",
  "settings.retentionYears": "Keep personal data for (years)",
  "settings.retentionYearsHint": "After this many years from closing, summaries, verbatim words, client names and report text can be erased (empty: never).",
  "settings.errors.retention": "A whole number from 1 to 50, or empty.",
};

export const settings = { ja, en };
