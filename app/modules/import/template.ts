/**
 * The template offered on the import page: every column under its canonical Japanese header and two example rows,
 * as UTF-8 with a BOM and CRLF so that Excel opens it with the Japanese intact.
 */
import { toCsv } from "../csv";
import { INCIDENT_FIELDS } from "../incidents/schema";
import { canonicalHeader } from "./columns";

const EXAMPLES: Record<string, string>[] = [
  {
    管理番号: "KH-2025-0001", 発生日時: "2025/04/10 14:30", 上長報告日時: "2025/04/10 16:00", 部署: "新宿店", 都内業務: "はい",
    発生場面: "対面", 顧客名: "(記入例)株式会社サンプル", 顧客等区分: "法人顧客", 顧客特定: "はい", 要求内容の妥当性: "瑕疵・過失なし",
    行為類型: "威圧的な言動;継続的・執拗な言動", 違法行為の疑い: "", 深刻度: "中程度", "対応時間(分)": "45", 接触回数: "3",
    対応人数: "2", "録音・記録": "はい", 概要: "窓口で大声を出し、同じ要求を繰り返した。", 具体的言動: "「責任者を出せ」",
    該当判断: "該当", 組織対応: "複数名対応;上長報告;中止の申入れ", 就業者ケア: "", 対応結果: "対応打切り", 状況: "終了",
    終了日: "2025/04/12", 報告書提出日: "2025/04/14", 再発防止策: "対応打切りの基準を店舗内で共有した。",
  },
  {
    管理番号: "KH-2025-0002", 発生日時: "令和7年5月8日", 上長報告日時: "", 部署: "カスタマーサポートセンター", 都内業務: "はい",
    発生場面: "電話", 顧客名: "", 顧客等区分: "個人顧客", 顧客特定: "いいえ", 要求内容の妥当性: "不明",
    行為類型: "MA06 拘束的な行動", 違法行為の疑い: "", 深刻度: "2", "対応時間(分)": "120分", 接触回数: "1",
    対応人数: "1", "録音・記録": "有", 概要: "2時間にわたり電話を切らせず、謝罪を求めた。", 具体的言動: "",
    該当判断: "保留", 組織対応: "上長報告", 就業者ケア: "面談・メンタルケア", 対応結果: "継続対応中", 状況: "対応中",
    終了日: "", 報告書提出日: "", 再発防止策: "",
  },
];

export function templateCsv(): string {
  const headers = INCIDENT_FIELDS.map(canonicalHeader);
  const rows = EXAMPLES.map((e) => headers.map((h) => e[h] ?? ""));
  return `\uFEFF${toCsv([headers, ...rows])}\r\n`;
}
