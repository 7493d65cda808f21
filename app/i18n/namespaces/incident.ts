/** One incident's page: the detail view, deletion and evidence files. */
import type { Texts } from "../texts";

const ja = {
  "detail.title": "事案 {id}",
  "detail.pageTitle": "事案の詳細",
  "detail.noRef": "管理番号なし",
  "detail.createdAt": "登録日時",
  "detail.updatedAt": "更新日時",
  "delete.title": "事案の削除",
  "delete.confirm": "この事案を削除しますか?この操作は取り消せません。",
  "delete.submit": "削除する",
  "evidence.title": "証拠資料(録音・メール・画像など)",
  "evidence.none": "登録された証拠資料はありません。",
  "evidence.file": "ファイル",
  "evidence.size": "サイズ",
  "evidence.uploaded": "登録",
  "evidence.add": "証拠資料を追加",
  "evidence.upload": "アップロード",
  "evidence.limits": "{mb} MBまで。受け付ける形式: {types}",
  "evidence.notFound": "証拠資料が見つかりません。",
  "evidence.errors.type": "この形式のファイルは登録できません(音声・画像・PDF・テキスト・メール(.eml)のみ)。",
  "evidence.errors.empty": "空のファイルは登録できません。",
  "evidence.errors.tooLarge": "ファイルが大きすぎます(上限 20 MB)。",
  "evidence.errors.noFile": "ファイルを選択してください。",
  "evidence.added": "証拠資料を登録しました。",
} as const;

const en: Texts<typeof ja> = {
  "detail.title": "Incident {id}",
  "detail.pageTitle": "Incident details",
  "detail.noRef": "No reference",
  "detail.createdAt": "Created",
  "detail.updatedAt": "Updated",
  "delete.title": "Delete incident",
  "delete.confirm": "Delete this incident? This cannot be undone.",
  "delete.submit": "Delete",
  "evidence.title": "Evidence (recordings, e-mails, images)",
  "evidence.none": "No evidence has been added.",
  "evidence.file": "File",
  "evidence.size": "Size",
  "evidence.uploaded": "Added",
  "evidence.add": "Add evidence",
  "evidence.upload": "Upload",
  "evidence.limits": "Up to {mb} MB. Accepted: {types}",
  "evidence.notFound": "Evidence not found.",
  "evidence.errors.type": "This kind of file cannot be added (audio, images, PDF, text and e-mail (.eml) only).",
  "evidence.errors.empty": "An empty file cannot be added.",
  "evidence.errors.tooLarge": "The file is too large (up to 20 MB).",
  "evidence.errors.noFile": "Choose a file.",
  "evidence.added": "The evidence was added.",
};

export const incident = { ja, en };
