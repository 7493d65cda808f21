/**
 * The Japanese wording of the demo incidents: summaries by behaviour, what the customer said, and the prevention
 * notes. incident.ts picks from these; keeping them apart leaves the logic readable.
 */
import type { ChannelCode } from "../incidents/taxonomy";
import type { Stage } from "./catalogue";

export const PLACE: Record<ChannelCode, string> = {
  C1: "窓口で", C2: "電話で", C3: "訪問先で", C4: "メールで", C5: "SNS上で", C6: "オンライン会議で", C9: "書面で",
};

/** `{place}` is filled in for the main behaviour and dropped for a second one ("また、…"); `:phone` variants win on C2. */
export const SUMMARY: Record<string, readonly string[]> = {
  MA01: ["{place}担当者の肩を突き飛ばすなどの暴力行為があった。", "{place}商品を投げつけ、担当者の腕に当たった。"],
  MA02: [
    "{place}担当者に対し「無能」「辞めてしまえ」などの暴言を繰り返した。",
    "{place}「ネットに晒す」などと脅す発言があった。",
    "{place}担当者の人格を否定する侮辱的な発言を続けた。",
  ],
  MA03: ["{place}大声で威圧的な口調を続け、即時の回答を迫った。", "{place}語気を荒げて担当者を威圧し、責任者による対応を求めた。"],
  MA04: ["{place}謝罪として土下座を要求した。"],
  MA05: [
    "{place}同じ内容の問い合わせを繰り返し、担当者の説明を聞き入れず長時間にわたり対応を求めた。",
    "{place}回答済みの事項について連日のように同じ要求を繰り返した。",
    "{place}当方の説明後も、同じ主張を何度も繰り返した。",
  ],
  MA06: ["{place}要求が受け入れられるまで帰らないと居座り、退去の求めに応じなかった。"],
  "MA06:phone": ["{place}2時間以上にわたり通話を続け、切電に応じなかった。", "{place}要求が通るまで電話を切らせないと長時間拘束した。"],
  MA07: ["{place}担当者の性別や年齢を理由に対応を拒み、差別的な発言をした。"],
  MA08: ["{place}担当者の容姿に関する発言や私的な連絡先の要求を繰り返した。"],
  MA09: ["{place}特定の担当者を名指しで非難し、個人としての謝罪を求めた。"],
  MA10: ["SNS上で当社および担当者を名指しで誹謗中傷する投稿を繰り返した。"],
  MA11: ["{place}担当者の顔を無断で撮影し、インターネットに公開すると発言した。"],
  MA12: ["{place}勤務時間外に駅前の喫茶店まで来るよう担当者に求めた。"],
  MA13: ["{place}担当者の自宅の場所や家族構成を執拗に尋ねた。"],
  MA14: ["{place}担当者の解雇や処分を繰り返し要求した。"],
  MB01: ["{place}使用済みの商品について新品との交換を強く求めた。"],
  MB02: ["{place}根拠の乏しい損害について高額な金銭補償を要求した。"],
  MB03: ["{place}役員による謝罪と謝罪文の提出を繰り返し求めた。"],
  MB04: ["{place}契約外の作業を無償で行うよう要求した。", "{place}営業時間外の対応や不当な値引きを強要した。"],
};
export const LEGITIMATE_SUMMARY = [
  "{place}商品の初期不良について交換を求める申出があった。",
  "{place}請求金額の誤りについて説明と訂正を求める申出があった。",
  "{place}担当者の説明不足について改善を求める申出があった。",
];
export const LEGITIMATE_CLOSING = "正当な申出として通常の手順で対応した。";
export const OFFENDER_NOTE: Record<Stage, string> = {
  warned: "同一顧客からの同様の申出が続いている。",
  cut_off: "中止を申し入れたが改善が見られず、対応を打ち切った。",
  banned: "出入禁止を通知済みであるにもかかわらず再び接触があった。",
};
export const OFFENDER_NOTE_CORPORATE = "取引停止を通知済みであるにもかかわらず再び要求があった。";

export const VERBATIM: Record<string, readonly string[]> = {
  MA01: ["ふざけるな!", "どけ!"],
  MA02: ["お前じゃ話にならない", "こんな会社つぶれてしまえ", "無能な担当者だな"],
  MA03: ["責任者を出せ", "今すぐやれと言っているんだ", "いいから早くしろ"],
  MA04: ["土下座して謝れ"],
  MA05: ["何度言えばわかるんだ", "納得いくまで毎日電話するからな", "前にも言ったはずだ"],
  MA06: ["答えが出るまで帰らない", "ここから一歩も動かないからな"],
  "MA06:phone": ["電話は切らせないぞ", "こっちの話が終わるまで切るな"],
  MA07: ["女じゃ話にならない、男を出せ", "若い奴じゃだめだ"],
  MA08: ["個人の連絡先を教えてよ", "今度二人で食事に行こう"],
  MA09: ["あの担当者を出せ", "あいつに直接謝らせろ"],
  MA10: ["SNSで拡散してやる", "口コミに全部書いてやる"],
  MA11: ["今の対応、全部撮ってるからな"],
  MA12: ["仕事が終わったら駅前まで来い"],
  MA13: ["お前どこに住んでるんだ", "家族は何人だ"],
  MA14: ["あいつをクビにしろ", "担当者を処分しろ"],
  MB01: ["新品と交換しろ", "別の商品を無料でよこせ"],
  MB02: ["誠意を見せろ", "慰謝料を払え", "迷惑料を払え"],
  MB03: ["社長が謝りに来い", "謝罪文を書いて持ってこい"],
  MB04: ["タダでやるのが当然だろう", "今日中に全部やれ", "値引きしないなら取引をやめる"],
};
export const LEGITIMATE_VERBATIM = ["届いた商品が動かないので交換してほしい", "請求額が違うので確認してほしい"];

export const PREVENTION = [
  "対応マニュアルの該当箇所を見直し、朝礼で事例を共有した。",
  "同種の申出には上長が初期対応する運用とした。",
  "窓口に「録音・録画を行っています」の掲示を追加した。",
  "通話時間の目安(30分)を定め、超過時は打切りを案内する運用とした。",
  "事例を匿名化して研修教材に追加した。",
  "複数名で対応する体制を再確認し、応援要請の手順を周知した。",
];
export const PREVENTION_BAN = "出入禁止(取引停止)を文書で通知し、全拠点で顧客情報を共有した。";
export const PREVENTION_POLICE = "最寄りの警察署と連絡体制を確認した。";
export const PREVENTION_CONTRACT = "契約範囲と時間外対応の条件を書面で取引先に再通知した。";
