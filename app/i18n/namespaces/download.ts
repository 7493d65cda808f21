/**
 * CSV downloads (docs/decisions/0019): the page shown instead of a file that cannot be made as asked. Server-only: the
 * routes render it themselves, so no loader sends these. The two link labels are in `common` (every page offers them).
 */
import type { Texts } from "../texts";

const ja = {
  "download.title": "CSV を作れませんでした",
  "download.badEncoding": "文字コードの指定「{value}」には対応していません。utf-8 か shift_jis を指定してください。",
  "download.unencodable":
    "次の文字は Shift_JIS(CP932)では書けないため、Shift_JIS の CSV を作るとデータが失われます。ファイルは作っていません: {chars}",
  "download.utf8Instead": "同じデータを UTF-8 の CSV でダウンロードする(すべての文字を書けます。Excel でも開けます)",
  "download.back": "ブラウザの「戻る」で元のページに戻れます。",
} as const;

const en: Texts<typeof ja> = {
  "download.title": "The CSV could not be made",
  "download.badEncoding": "The encoding “{value}” is not offered. Use utf-8 or shift_jis.",
  "download.unencodable":
    "These characters cannot be written in Shift_JIS (CP932), so a Shift_JIS file would lose data. No file was made: {chars}",
  "download.utf8Instead": "Download the same data as UTF-8 CSV (holds every character; Excel opens it too)",
  "download.back": "Use your browser's Back button to return to the page.",
};

export const download = { ja, en };
