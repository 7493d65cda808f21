/** A form saved after someone else saved the same record (optimistic concurrency, app/modules/concurrency.ts). */
import type { Texts } from "../texts";

const ja = {
  "concurrency.conflict": "他の人が先に更新しました",
  "concurrency.explain": "この画面を開いた後に、別の人(または取り込み・保存期間の処理)がこの内容を更新しました。あなたの入力はまだ保存されていません。下のフォームに残っています。",
  "concurrency.differs": "保存されている内容と、あなたの入力が異なる項目:",
  "concurrency.same": "保存されている内容は、あなたの入力と同じです。",
  "concurrency.field": "項目",
  "concurrency.mine": "あなたの入力",
  "concurrency.stored": "保存されている内容",
  "concurrency.blank": "(空欄)",
  "concurrency.next": "保存されている内容を残したい項目はフォームで直してから、もう一度保存してください。もう一度保存すると、フォームの内容で上書きされます。",
  "concurrency.discard": "自分の入力を破棄して、保存されている内容を開き直す",
  "concurrency.errors.versionMissing": "フォームの版(version)が送られてこなかったため、保存しませんでした。画面を開き直してから、もう一度入力してください。",
} as const;

const en: Texts<typeof ja> = {
  "concurrency.conflict": "Someone else saved this first",
  "concurrency.explain":
    "After you opened this page, someone else (or an import or the retention run) changed this record. Your entries are not saved yet; they are still in the form below.",
  "concurrency.differs": "Fields where what is stored differs from your entries:",
  "concurrency.same": "What is stored is the same as your entries.",
  "concurrency.field": "Field",
  "concurrency.mine": "Your entry",
  "concurrency.stored": "Stored now",
  "concurrency.blank": "(blank)",
  "concurrency.next": "Correct in the form any field whose stored value you want to keep, then save again. Saving again replaces what is stored with the form's contents.",
  "concurrency.discard": "Discard my entries and open what is stored",
  "concurrency.errors.versionMissing": "The form did not send its version, so nothing was saved. Reload the page and enter your changes again.",
} as const;

export const concurrency = { ja, en };
