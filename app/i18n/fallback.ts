import type { Messages } from "./format";

/**
 * The error page when the root loader did not run (no route matched the URL) or failed: no messages came with the page,
 * so it shows these few Japanese texts, the default language, as it always did then. They ship in the browser bundle;
 * test/i18n.test.ts checks that they are the dictionary's.
 */
export const FALLBACK_MESSAGES = {
  "app.name": "カスハラ記録・分析",
  "nav.skip": "本文へ移動",
  "nav.language": "言語",
  "nav.switchTo": "English",
  "error.title": "エラーが発生しました",
  "error.home": "トップへ戻る",
  "error.unexpected": "予期しないエラーが発生しました。時間をおいて再度お試しください。",
  "error.notFound": "ページが見つかりません。",
  "error.badRequest": "リクエストが正しくありません。",
  "error.forbidden": "このページを表示する権限がありません。必要な場合は管理者に権限の付与を依頼してください。",
  "error.busy": "ただいま混み合っています(大きな取り込みなどの処理中です)。入力内容は保存されていません。少し待ってからもう一度お試しください。",
} as const satisfies Messages;
