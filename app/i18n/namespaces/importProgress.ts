/** The progress bar of a long import: on the import page and on the terminal of `npm run import` (docs/decisions/0020). */
import type { Texts } from "../texts";

const ja = {
  "importProgress.label": "取り込みの進み具合",
  "importProgress.uploading": "ファイルを送信しています…",
  "importProgress.stage.reading": "ファイルを読み込み、各行を検査しています",
  "importProgress.stage.indexing": "検査結果をまとめています",
  "importProgress.stage.checking": "その間に登録された事案との重複を確認しています",
  "importProgress.stage.storing": "保存しています",
  "importProgress.stage.done": "完了しました",
  "importProgress.short.reading": "読込・検査",
  "importProgress.short.indexing": "集計",
  "importProgress.short.checking": "重複の再確認",
  "importProgress.short.storing": "保存",
  "importProgress.short.done": "完了",
  "importProgress.rows": "{done}行",
  "importProgress.rowsOf": "{done} / {total}行",
  "importProgress.rowsOfAbout": "{done} / 約{total}行",
  "importProgress.storedOf": "保存 {done} / {total}件",
  "importProgress.rate": "{rate}行/秒",
  "importProgress.eta": "残り約{time}",
  "importProgress.seconds": "{s}秒",
  "importProgress.minutes": "{m}分{s}秒",
  "importProgress.separator": " · ",
};

const en: Texts<typeof ja> = {
  "importProgress.label": "Import progress",
  "importProgress.uploading": "Uploading the file…",
  "importProgress.stage.reading": "Reading the file and checking each row",
  "importProgress.stage.indexing": "Summing up the check",
  "importProgress.stage.checking": "Checking for duplicates of incidents entered meanwhile",
  "importProgress.stage.storing": "Storing",
  "importProgress.stage.done": "Done",
  "importProgress.short.reading": "Reading",
  "importProgress.short.indexing": "Summing up",
  "importProgress.short.checking": "Re-checking",
  "importProgress.short.storing": "Storing",
  "importProgress.short.done": "Done",
  "importProgress.rows": "{done} rows",
  "importProgress.rowsOf": "{done} / {total} rows",
  "importProgress.rowsOfAbout": "{done} / about {total} rows",
  "importProgress.storedOf": "{done} / {total} stored",
  "importProgress.rate": "{rate} rows/s",
  "importProgress.eta": "about {time} left",
  "importProgress.seconds": "{s} s",
  "importProgress.minutes": "{m} min {s} s",
  "importProgress.separator": " · ",
};

export const importProgress = { ja, en };
