/** The incident form: its sections, hints, behaviour groups and form-level texts. */
import type { Texts } from "../texts";

const ja = {
  "hint.ref": "社内の管理番号。入力した場合は重複できません。",
  "hint.occurred_at": "東京時間。時刻が不明な場合は 00:00 のままで構いません。",
  "hint.client": "表記ゆれ(全角・半角、大文字・小文字)は同じ顧客として扱います。",
  "hint.responders": "電話以外は2名以上での対応が方針です。",
  "hint.verbatim": "顧客の実際の発言。個人情報として扱い、経営層には表示されません。",
  "hint.report_submitted_at": "是正処置計画書兼報告書を上長に提出した日。",
  "hint.behaviours": "1つ以上選択してください。MA:要求内容にかかわらず不相当 / MB:要求内容によっては不相当",
  "section.basic": "基本情報",
  "section.identify": "① 顧客等の特定",
  "section.grasp": "② 状況と要求内容の把握",
  "section.report": "③ 上長への報告",
  "section.respond": "④ 複数名での対応・記録",
  "section.close": "⑤ 報告書の提出・事後対応",
  "section.care": "就業者のケア",
  "group.MA": "MA 要求内容にかかわらず不相当な言動",
  "group.MB": "MB 要求内容によっては不相当となる言動",
  "form.newTitle": "事案を登録",
  "form.editTitle": "事案を編集",
  "form.errorSummary": "入力内容に誤りがあります({n}件)。各項目のメッセージを確認してください。",
  "form.required": "必須",
  "form.departmentLocked": "上長は担当部署の事案のみ登録・編集できます。",
} as const;

const en: Texts<typeof ja> = {
  "hint.ref": "Your internal reference. Must be unique when given.",
  "hint.occurred_at": "Tokyo time. Leave 00:00 when the time is unknown.",
  "hint.client": "Width and case variants of a name count as the same customer.",
  "hint.responders": "Policy: two or more responders except on the phone.",
  "hint.verbatim": "The customer's own words. Personal data; never shown to executives.",
  "hint.report_submitted_at": "Day the corrective-action plan and report reached the supervisor.",
  "hint.behaviours": "Choose one or more. MA: inappropriate whatever the demand / MB: depending on the demand",
  "section.basic": "Basics",
  "section.identify": "① Identify the customer",
  "section.grasp": "② What happened and what was demanded",
  "section.report": "③ Report to the supervisor",
  "section.respond": "④ Two or more responders, recorded",
  "section.close": "⑤ Written report and follow-up",
  "section.care": "Care for the employee",
  "group.MA": "MA Inappropriate whatever the demand",
  "group.MB": "MB Inappropriate depending on the demand",
  "form.newTitle": "New incident",
  "form.editTitle": "Edit incident",
  "form.errorSummary": "Please correct {n} field(s) below.",
  "form.required": "required",
  "form.departmentLocked": "Supervisors record and edit their own department's incidents only.",
};

export const incidentForm = { ja, en };
