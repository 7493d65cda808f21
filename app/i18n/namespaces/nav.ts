/** The application's name and the header's navigation: on every page. */
import type { Texts } from "../texts";

const ja = {
  "app.name": "カスハラ記録・分析",
  "app.tagline": "カスタマーハラスメント事案の記録・分析・報告",
  "nav.incidents": "事案一覧",
  "nav.newIncident": "事案を登録",
  "nav.language": "言語",
  "nav.switchTo": "English",
  "nav.skip": "本文へ移動",
  "nav.main": "メインメニュー",
  "nav.menu": "メニュー",
  "nav.import": "取り込み",
  "nav.overview": "ダッシュボード",
  "nav.users": "ユーザー管理",
  "nav.departments": "部署の管理",
  "nav.audit": "監査ログ",
  "nav.settings": "設定",
  "nav.signOut": "サインアウト",
  "nav.reports": "報告書",
  "nav.measures": "措置の登録簿",
  "nav.training": "研修記録",
  "nav.consultations": "相談窓口",
  "nav.retention": "保存期間",
  "nav.backups": "バックアップ",
} as const;

const en: Texts<typeof ja> = {
  "app.name": "Kasuhara Records",
  "app.tagline": "Recording, analysing and reporting customer-harassment incidents",
  "nav.incidents": "Incidents",
  "nav.newIncident": "New incident",
  "nav.language": "Language",
  "nav.switchTo": "日本語",
  "nav.skip": "Skip to content",
  "nav.main": "Main menu",
  "nav.menu": "Menu",
  "nav.import": "Import",
  "nav.overview": "Dashboard",
  "nav.users": "Users",
  "nav.departments": "Departments",
  "nav.audit": "Audit log",
  "nav.settings": "Settings",
  "nav.signOut": "Sign out",
  "nav.reports": "Reports",
  "nav.measures": "Measures",
  "nav.training": "Training",
  "nav.consultations": "Consultation desk",
  "nav.retention": "Retention",
  "nav.backups": "Backups",
};

export const nav = { ja, en };
