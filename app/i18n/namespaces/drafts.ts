/** Typed text kept on the client until its post succeeds (app/components/forms/DraftKeeper.tsx): every form page. */
import type { Texts } from "../texts";

const ja = {
  "drafts.restored": "保存されていなかった入力内容を復元しました。内容を確認して、もう一度保存してください。",
  "drafts.discard": "復元した内容を破棄する",
  "drafts.busy": "ただいま混み合っているため、保存できませんでした(大きな取り込みなどの処理中です)。",
  "drafts.unavailable": "サーバーが一時的に保存を受け付けられないため、保存できませんでした。",
  "drafts.keptOnScreen": "入力した内容はこの画面に残っています。少し待ってから、もう一度保存してください。",
  "drafts.backToForm": "入力画面に戻る(入力内容は保存されています)",
} as const;

const en: Texts<typeof ja> = {
  "drafts.restored": "What you typed before was not saved and has been restored. Check it and save again.",
  "drafts.discard": "Discard the restored text",
  "drafts.busy": "The system is busy (a large import or similar is running), so this was not saved.",
  "drafts.unavailable": "The server cannot take changes at the moment, so this was not saved.",
  "drafts.keptOnScreen": "What you typed is still here. Wait a moment and save again.",
  "drafts.backToForm": "Back to the form (what you typed has been kept)",
};

export const drafts = { ja, en };
