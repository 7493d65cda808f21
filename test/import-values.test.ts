import { describe, expect, it } from "vitest";
import { CODE_SETS, type CodeDef, fullLabelOf } from "~/modules/incidents/taxonomy";
import {
  parseCode,
  parseCodes,
  parseSeverity,
  parseStatus,
  parseWholeNumber,
  parseYesNo,
  splitMulti,
} from "~/modules/import/values";

const ok = <T>(value: T) => ({ ok: true, value });
const err = (key: string, params: Record<string, unknown> = {}) => ({ ok: false, message: { key, params: expect.objectContaining(params) } });

const SINGLE = ["channel", "counterparty_type", "validity", "determination", "outcome"] as const;
const MULTI = ["behaviours", "legal_flags", "responses", "care"] as const;
const defsOf = (field: (typeof SINGLE)[number] | (typeof MULTI)[number]) => CODE_SETS[field] as readonly CodeDef[];
const parseAny = (field: (typeof SINGLE)[number] | (typeof MULTI)[number], text: string) =>
  (SINGLE as readonly string[]).includes(field)
    ? parseCode(field as (typeof SINGLE)[number], text)
    : (() => {
        const r = parseCodes(field as (typeof MULTI)[number], text);
        return r.ok ? ok(r.value.length === 1 ? r.value[0] : r.value) : r;
      })();

describe("coded values: every code of every field", () => {
  for (const field of [...SINGLE, ...MULTI]) {
    it(`${field}: code, label, label with its note, English label, code and label`, () => {
      for (const d of defsOf(field)) {
        const width = d.code.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        const forms = [
          d.code,
          d.code.toLowerCase(),
          width,
          d.ja,
          fullLabelOf(field, d.code),
          d.en,
          d.en.toUpperCase(),
          `${d.code} ${d.ja}`,
          `${d.code}:${d.ja}`,
          `${d.code}：${d.ja}`,
          `${d.code}　${d.ja}`,
          `${d.code} ${fullLabelOf(field, d.code)}`,
          ` ${d.ja} `,
        ];
        for (const form of forms) expect(parseAny(field, form), `${field} ${form}`).toEqual(ok(d.code));
      }
    });
  }
});

describe("coded values: labels and parentheticals", () => {
  it("ignores any trailing parenthetical, half- or full-width", () => {
    expect(parseCodes("behaviours", "精神的な攻撃")).toEqual(ok(["MA02"]));
    expect(parseCodes("behaviours", "精神的な攻撃(脅迫・中傷・名誉毀損・侮辱・暴言)")).toEqual(ok(["MA02"]));
    expect(parseCodes("behaviours", "精神的な攻撃（脅迫・中傷・名誉毀損・侮辱・暴言）")).toEqual(ok(["MA02"]));
    expect(parseCodes("behaviours", "精神的な攻撃 (暴言)")).toEqual(ok(["MA02"]));
    expect(parseCodes("behaviours", "拘束的な行動(不退去・居座り・監禁・長時間の電話)")).toEqual(ok(["MA06"]));
    expect(parseCodes("behaviours", "謝罪の要求(土下座を除く)")).toEqual(ok(["MB03"]));
    expect(parseCodes("behaviours", "MA02(暴言)")).toEqual(ok(["MA02"]));
    expect(parseCode("determination", "非該当")).toEqual(ok("D2"));
    expect(parseCode("determination", "非該当(正当な申出)")).toEqual(ok("D2"));
    expect(parseCode("determination", "非該当（正当な申出）")).toEqual(ok("D2"));
    expect(parseCodes("responses", "警察相談")).toEqual(ok(["R07"]));
    expect(parseCodes("responses", "警察相談(#9110)")).toEqual(ok(["R07"]));
    expect(parseCodes("responses", "110番通報")).toEqual(ok(["R06"]));
    expect(parseCode("outcome", "その他(自由記述)")).toEqual(ok("O9"));
  });

  it("matches a label shared by several code sets by the field", () => {
    expect(parseCode("channel", "その他")).toEqual(ok("C9"));
    expect(parseCode("counterparty_type", "その他")).toEqual(ok("P9"));
    expect(parseCodes("legal_flags", "その他")).toEqual(ok(["L99"]));
    expect(parseCode("outcome", "その他")).toEqual(ok("O9"));
    expect(parseCode("outcome", "対応打切り")).toEqual(ok("O3"));
    expect(parseCodes("responses", "対応打切り")).toEqual(ok(["R04"]));
    expect(parseCodes("legal_flags", "脅迫")).toEqual(ok(["L03"]));
    expect(parseCodes("behaviours", "脅迫")).toEqual(ok(["MA02"]));
  });

  it("accepts a code with separators and in any case and width", () => {
    expect(parseCodes("behaviours", "ma02")).toEqual(ok(["MA02"]));
    expect(parseCodes("behaviours", "ＭＡ０２")).toEqual(ok(["MA02"]));
    expect(parseCodes("behaviours", "ｍａ０２　精神的な攻撃")).toEqual(ok(["MA02"]));
    expect(parseCodes("behaviours", "MA02精神的な攻撃")).toEqual(ok(["MA02"]));
    expect(parseCodes("behaviours", "MA02-精神的な攻撃")).toEqual(ok(["MA02"]));
    expect(parseCodes("behaviours", "MA02_精神的な攻撃")).toEqual(ok(["MA02"]));
    expect(parseCodes("behaviours", "MA02. 精神的な攻撃")).toEqual(ok(["MA02"]));
    expect(parseCodes("behaviours", "MA02 暴言")).toEqual(ok(["MA02"]));
    expect(parseCode("channel", "c2 phone")).toEqual(ok("C2"));
  });

  it("rejects a code beside text that is not its label, rather than guess", () => {
    expect(parseCodes("behaviours", "MA05 継続的な執拗な言動")).toEqual(err("import.value.unknownCode", { value: "MA05 継続的な執拗な言動" }));
    expect(parseCodes("behaviours", "MA02 xyz")).toEqual(err("import.value.unknownCode", { value: "MA02 xyz" }));
    expect(parseCode("channel", "C1 2件")).toEqual(err("import.value.unknownCode", { value: "C1 2件" }));
  });

  it("rejects a code beside the label of another code", () => {
    expect(parseCodes("behaviours", "MA01 精神的な攻撃")).toEqual(
      err("import.value.codeLabelMismatch", { value: "MA01 精神的な攻撃", code: "MA01", label: "身体的な攻撃", labelEn: "Physical attack" }),
    );
    expect(parseCode("channel", "C1 電話")).toEqual(err("import.value.codeLabelMismatch", { code: "C1", label: "対面" }));
  });
});

describe("coded values: short words", () => {
  it.each([
    ["暴力", "MA01"],
    ["暴言", "MA02"],
    ["脅迫", "MA02"],
    ["威圧", "MA03"],
    ["土下座", "MA04"],
    ["執拗", "MA05"],
    ["長時間拘束", "MA06"],
    ["居座り", "MA06"],
    ["長時間の電話", "MA06"],
    ["差別", "MA07"],
    ["セクハラ", "MA08"],
    ["SNS", "MA10"],
    ["ＳＮＳ", "MA10"],
    ["sns", "MA10"],
    ["ｾｸﾊﾗ", "MA08"],
    ["中傷", "MA02"],
    ["名誉毀損", "MA02"],
    ["侮辱", "MA02"],
    ["不退去", "MA06"],
    ["監禁", "MA06"],
  ])("behaviour %s → %s", (word, code) => {
    expect(parseCodes("behaviours", word)).toEqual(ok([code]));
  });

  it.each([
    ["電話", "C2"],
    ["対面", "C1"],
    ["来店", "C1"],
    ["訪問", "C3"],
    ["メール", "C4"],
    ["SNS", "C5"],
    ["ｓｎｓ", "C5"],
    ["email", "C4"],
    ["E-mail", "C4"],
    ["インターネット", "C5"],
  ])("channel %s → %s", (word, code) => {
    expect(parseCode("channel", word)).toEqual(ok(code));
  });
});

describe("coded values: the words of real ledgers (issue 16)", () => {
  // Each word as old ledgers and hand-kept Excel sheets write it, and the code it must mean.
  it.each([
    ["暴言・威圧", ["MA02", "MA03"]],
    ["金銭要求", ["MB02"]],
    ["長時間拘束", ["MA06"]],
    ["土下座", ["MA04"]],
    ["SNS晒し", ["MA10"]],
    ["ＳＮＳ晒し", ["MA10"]],
    ["ネット晒し", ["MA10"]],
    ["晒し", ["MA10"]],
    ["SNS投稿", ["MA10"]],
    ["ネット投稿", ["MA10"]],
    ["ネット上の誹謗中傷", ["MA10"]],
    ["暴力行為", ["MA01"]],
    ["暴行", ["MA01"]],
    ["殴打", ["MA01"]],
    ["物を投げる", ["MA01"]],
    ["脅し", ["MA02"]],
    ["罵声", ["MA02"]],
    ["罵倒", ["MA02"]],
    ["人格否定", ["MA02"]],
    ["誹謗中傷", ["MA02"]],
    ["大声", ["MA03"]],
    ["怒鳴る", ["MA03"]],
    ["怒鳴り", ["MA03"]],
    ["怒号", ["MA03"]],
    ["威嚇", ["MA03"]],
    ["恫喝", ["MA03"]],
    ["土下座要求", ["MA04"]],
    ["土下座の強要", ["MA04"]],
    ["しつこい", ["MA05"]],
    ["執拗な言動", ["MA05"]],
    ["繰り返しの電話", ["MA05"]],
    ["長時間電話", ["MA06"]],
    ["長電話", ["MA06"]],
    ["差別発言", ["MA07"]],
    ["セクシャルハラスメント", ["MA08"]],
    ["セクシュアルハラスメント", ["MA08"]],
    ["性的発言", ["MA08"]],
    ["個人攻撃", ["MA09"]],
    ["無断撮影", ["MA11"]],
    ["無断録音", ["MA11"]],
    ["盗撮", ["MA11"]],
    ["呼び出し", ["MA12"]],
    ["呼びつけ", ["MA12"]],
    ["呼び付け", ["MA12"]],
    ["プライバシー侵害", ["MA13"]],
    ["解雇要求", ["MA14"]],
    ["処分要求", ["MA14"]],
    ["交換要求", ["MB01"]],
    ["返金要求", ["MB02"]],
    ["賠償要求", ["MB02"]],
    ["慰謝料要求", ["MB02"]],
    ["補償要求", ["MB02"]],
    ["金品要求", ["MB02"]],
    ["謝罪要求", ["MB03"]],
    ["過剰要求", ["MB04"]],
    ["過度な要求", ["MB04"]],
    ["不当要求", ["MB04"]],
    ["無理な要求", ["MB04"]],
    ["値引き要求", ["MB04"]],
    ["時間外対応の要求", ["MB04"]],
    ["金銭要求・土下座", ["MB02", "MA04"]],
    ["暴言・威圧；金銭要求", ["MA02", "MA03", "MB02"]],
    ["暴言・暴言", ["MA02"]],
  ])("behaviour %s → %j", (word, codes) => {
    expect(parseCodes("behaviours", word)).toEqual(ok(codes));
  });

  it("reads a ・ compound only when every part is known, and labels with ・ whole", () => {
    expect(parseCodes("behaviours", "暴言・よくわからない")).toEqual(err("import.value.unknownCode", { value: "暴言・よくわからない" }));
    expect(parseCodes("behaviours", "SNS・インターネット上の誹謗中傷")).toEqual(ok(["MA10"]));
    expect(parseCodes("behaviours", "継続的・執拗な言動")).toEqual(ok(["MA05"]));
    expect(parseCodes("behaviours", "不退去・居座り")).toEqual(ok(["MA06"]));
    // A single-value field is not split: two channels in one cell are one value too many.
    expect(parseCode("channel", "電話・メール")).toEqual(err("import.value.unknownCode", { value: "電話・メール" }));
  });

  it.each([
    ["出禁", "R08"],
    ["複数対応", "R01"],
    ["複数人対応", "R01"],
    ["上司報告", "R02"],
    ["中止要請", "R03"],
    ["対応打ち切り", "R04"],
    ["打ち切り", "R04"],
    ["退去要請", "R05"],
    ["退去依頼", "R05"],
    ["警察通報", "R06"],
    ["110番", "R06"],
    ["１１０番", "R06"],
    ["警察へ相談", "R07"],
    ["弁護士", "R10"],
    ["弁護士相談", "R10"],
    ["法的措置", "R10"],
    ["契約解除", "R09"],
    ["サービス停止", "R09"],
    ["削除依頼", "R11"],
    ["削除要請", "R11"],
  ])("response %s → %s", (word, code) => {
    expect(parseCodes("responses", word)).toEqual(ok([code]));
  });

  it("reads 出禁・警察通報 as two responses", () => {
    expect(parseCodes("responses", "出禁・警察通報")).toEqual(ok(["R08", "R06"]));
  });

  it.each([
    ["面談", "W02"],
    ["カウンセリング", "W02"],
    ["メンタルケア", "W02"],
    ["産業医", "W03"],
    ["EAP", "W03"],
    ["担当変更", "W04"],
    ["配置転換", "W04"],
    ["休職", "W05"],
    ["労災", "W06"],
  ])("care %s → %s", (word, code) => {
    expect(parseCodes("care", word)).toEqual(ok([code]));
  });

  it.each([
    ["出禁", "O4"],
    ["出入禁止", "O4"],
    ["取引停止", "O4"],
    ["解決", "O1"],
    ["撤回", "O2"],
    ["謝罪", "O2"],
    ["打ち切り", "O3"],
    ["対応打ち切り", "O3"],
    ["警察", "O5"],
    ["継続", "O7"],
    ["対応中", "O7"],
  ])("outcome %s → %s", (word, code) => {
    expect(parseCode("outcome", word)).toEqual(ok(code));
  });

  it.each([
    ["カスハラ", "D1"],
    ["カスハラ該当", "D1"],
    ["正当な申出", "D2"],
    ["正当なクレーム", "D2"],
    ["判断保留", "D9"],
    ["検討中", "D9"],
  ])("determination %s → %s", (word, code) => {
    expect(parseCode("determination", word)).toEqual(ok(code));
  });

  it.each([
    ["店頭", "C1"],
    ["窓口", "C1"],
    ["架電", "C2"],
    ["入電", "C2"],
    ["コールセンター", "C2"],
    ["Eメール", "C4"],
    ["Ｅメール", "C4"],
    ["e-mail", "C4"],
    ["ネット", "C5"],
    ["口コミサイト", "C5"],
    ["Web会議", "C6"],
    ["ウェブ会議", "C6"],
    ["オンライン", "C6"],
  ])("channel %s → %s", (word, code) => {
    expect(parseCode("channel", word)).toEqual(ok(code));
  });

  it.each([
    ["未対応", "open"],
    ["未解決", "open"],
    ["継続", "open"],
    ["解決", "closed"],
    ["解決済", "closed"],
    ["解決済み", "closed"],
    ["クローズ", "closed"],
  ])("status %s → %s", (word, status) => {
    expect(parseStatus(word)).toEqual(ok(status));
  });
});

describe("coded values: blank and unknown", () => {
  it("treats a blank cell as no value", () => {
    expect(parseCode("channel", "")).toEqual(ok(null));
    expect(parseCode("channel", "  　")).toEqual(ok(null));
    expect(parseCodes("behaviours", "")).toEqual(ok([]));
    expect(parseCodes("behaviours", " ; 、 ")).toEqual(ok([]));
  });

  it("names an unknown value and every choice by code and label, in both languages", () => {
    expect(parseCode("channel", " FAX ")).toEqual(
      err("import.value.unknownCode", {
        value: "FAX",
        choices: "C1 対面、C2 電話、C3 訪問、C4 メール、C5 SNS・インターネット、C6 オンライン会議、C9 その他",
        choicesEn: expect.stringMatching(/^C1 \S.*, C2 \S.*, C9 \S/),
      }),
    );
    expect(parseCode("validity", "V3")).toEqual(err("import.value.unknownCode", { value: "V3", choices: expect.stringContaining("V0 妥当、V1 瑕疵・過失なし") }));
    expect(parseCode("channel", "C12")).toEqual(err("import.value.unknownCode", { value: "C12" }));
    expect(parseCode("channel", "C1-2")).toEqual(err("import.value.unknownCode", { value: "C1-2" }));
    expect(parseCode("determination", "該当する")).toEqual(err("import.value.unknownCode", { value: "該当する" }));
    expect(parseCodes("behaviours", "MA02;怒鳴った;MA03")).toEqual(err("import.value.unknownCode", { value: "怒鳴った" }));
    expect(parseCodes("behaviours", "MA15")).toEqual(err("import.value.unknownCode", { value: "MA15" }));
    expect(parseCodes("behaviours", "MA021")).toEqual(err("import.value.unknownCode", { value: "MA021" }));
    expect(parseCodes("behaviours", "MA01,MA02")).toEqual(err("import.value.unknownCode", { value: "MA01,MA02" }));
    expect(parseCodes("legal_flags", "暴言")).toEqual(err("import.value.unknownCode", { value: "暴言" }));
  });

  it("says a single-value field got several", () => {
    expect(parseCode("channel", "C1;C2")).toEqual(err("import.value.multipleValues", { value: "C1;C2" }));
    expect(parseCode("channel", "対面、電話")).toEqual(err("import.value.multipleValues", { value: "対面、電話" }));
    expect(parseCode("channel", "C1;FAX")).toEqual(err("import.value.unknownCode", { value: "C1;FAX" }));
  });
});

describe("multi-value cells", () => {
  it.each([";", "；", "、", "|", "｜", "/", "／", "\n", "\r\n", "\r"])("splits on %j", (sep) => {
    expect(splitMulti(`MA01${sep}MA02`)).toEqual(["MA01", "MA02"]);
    expect(parseCodes("behaviours", `MA01${sep}暴言`)).toEqual(ok(["MA01", "MA02"]));
  });

  it("trims the pieces and drops empty ones", () => {
    expect(splitMulti(" MA01 ;; 　MA02　; ")).toEqual(["MA01", "MA02"]);
    expect(splitMulti("")).toEqual([]);
    expect(splitMulti("MA01")).toEqual(["MA01"]);
  });

  it("does not split on commas or on the ・ inside labels", () => {
    expect(splitMulti("MA01,MA02，MA03")).toEqual(["MA01,MA02，MA03"]);
    expect(splitMulti("継続的・執拗な言動")).toEqual(["継続的・執拗な言動"]);
  });

  it("mixes codes, labels and short words, de-duplicated in first-seen order", () => {
    expect(parseCodes("behaviours", "暴言;威圧、土下座|SNS/執拗／差別\n暴力")).toEqual(ok(["MA02", "MA03", "MA04", "MA10", "MA05", "MA07", "MA01"]));
    expect(parseCodes("behaviours", "MA03; MA02 精神的な攻撃; 暴言; 脅迫; ma02; 威圧")).toEqual(ok(["MA03", "MA02"]));
    expect(parseCodes("responses", "R02、上長報告、R01")).toEqual(ok(["R02", "R01"]));
    expect(parseCodes("care", "W01;W02 面談・メンタルケア")).toEqual(ok(["W01", "W02"]));
    expect(parseCodes("legal_flags", "L01|傷害|L99 その他")).toEqual(ok(["L01", "L02", "L99"]));
  });

  it("reads English labels that contain a slash when they fill the cell", () => {
    expect(parseCodes("responses", "Lawyer / legal action")).toEqual(ok(["R10"]));
    expect(parseCodes("care", "Interview / mental-health care")).toEqual(ok(["W02"]));
  });
});

describe("parseYesNo", () => {
  it.each(["はい", "有", "有り", "あり", "○", "〇", "◯", "yes", "YES", "Yes", "ｙｅｓ", "true", "TRUE", "1", "１", "y", "Y", "Ｙ"])("%s is yes", (w) => {
    expect(parseYesNo(w)).toEqual(ok(true));
  });
  it.each(["いいえ", "無", "無し", "なし", "×", "✕", "no", "NO", "ＮＯ", "false", "False", "0", "０", "n", "N", "Ｎ"])("%s is no", (w) => {
    expect(parseYesNo(w)).toEqual(ok(false));
  });
  it("treats blank as unknown and names anything else", () => {
    expect(parseYesNo("")).toEqual(ok(null));
    expect(parseYesNo(" 　")).toEqual(ok(null));
    expect(parseYesNo(" はい ")).toEqual(ok(true));
    expect(parseYesNo("たぶん")).toEqual(err("import.value.yesNo", { value: "たぶん" }));
    expect(parseYesNo("2")).toEqual(err("import.value.yesNo", { value: "2" }));
    expect(parseYesNo("不明")).toEqual(err("import.value.yesNo", { value: "不明" }));
  });
});

describe("parseSeverity", () => {
  it.each([
    ["1", 1], ["2", 2], ["3", 3], ["4", 4],
    ["１", 1], ["２", 2], ["３", 3], ["４", 4],
    ["軽微", 1], ["中程度", 2], ["重大", 3], ["重篤", 4],
    ["3 重大", 3], ["3:重大", 3], ["4(重篤)", 4], ["重大(業務停止)", 3], ["Serious", 3], ["minor", 1],
  ] as const)("%s → %d", (w, n) => {
    expect(parseSeverity(w)).toEqual(ok(n));
  });
  it("treats blank as none and rejects anything else", () => {
    expect(parseSeverity("")).toEqual(ok(null));
    for (const w of ["0", "5", "3.5", "重大度", "高", "2 重大", "-1", "34"]) {
      expect(parseSeverity(w), w).toEqual(err("import.value.severity", { value: w }));
    }
  });
});

describe("parseStatus", () => {
  it.each(["open", "OPEN", "ｏｐｅｎ", "対応中", "未完了"])("%s is open", (w) => {
    expect(parseStatus(w)).toEqual(ok("open"));
  });
  it.each(["closed", "Closed", "完了", "終了", "対応済", "対応済み"])("%s is closed", (w) => {
    expect(parseStatus(w)).toEqual(ok("closed"));
  });
  it("treats blank as none and rejects anything else", () => {
    expect(parseStatus("")).toEqual(ok(null));
    expect(parseStatus("保留")).toEqual(err("import.value.status", { value: "保留" }));
    expect(parseStatus("open;closed")).toEqual(err("import.value.status", { value: "open;closed" }));
  });
});

describe("parseWholeNumber", () => {
  it("reads whole numbers in any width, with thousands separators", () => {
    expect(parseWholeNumber("120")).toEqual(ok(120));
    expect(parseWholeNumber("１２０")).toEqual(ok(120));
    expect(parseWholeNumber(" 7 ")).toEqual(ok(7));
    expect(parseWholeNumber("0")).toEqual(ok(0));
    expect(parseWholeNumber("1,200")).toEqual(ok(1200));
    expect(parseWholeNumber("１，２００")).toEqual(ok(1200));
    expect(parseWholeNumber("1,234,567")).toEqual(ok(1234567));
    expect(parseWholeNumber("")).toEqual(ok(null));
    expect(parseWholeNumber("　")).toEqual(ok(null));
  });

  it("rejects negatives, decimals, units and misplaced commas", () => {
    for (const w of ["-5", "－５", "1.5", "1.0", "30分", "3人", "abc", "1,20", "12,00,000", "1e3", "+5"]) {
      expect(parseWholeNumber(w), w).toEqual(err("import.value.wholeNumber", { value: w }));
    }
    expect(parseWholeNumber("99999999999999999999")).toEqual(err("import.value.wholeNumber"));
  });

  it("reads minutes, with 分 and 時間", () => {
    const minutes = { minutes: true };
    expect(parseWholeNumber("30", minutes)).toEqual(ok(30));
    expect(parseWholeNumber("30分", minutes)).toEqual(ok(30));
    expect(parseWholeNumber("３０分", minutes)).toEqual(ok(30));
    expect(parseWholeNumber("30 分", minutes)).toEqual(ok(30));
    expect(parseWholeNumber("1時間", minutes)).toEqual(ok(60));
    expect(parseWholeNumber("1時間30分", minutes)).toEqual(ok(90));
    expect(parseWholeNumber("１時間　３０分", minutes)).toEqual(ok(90));
    expect(parseWholeNumber("1,200分", minutes)).toEqual(ok(1200));
    expect(parseWholeNumber("", minutes)).toEqual(ok(null));
    for (const w of ["-5", "1.5", "1.5時間", "分", "時間", "30秒", "30min"]) {
      expect(parseWholeNumber(w, minutes), w).toEqual(err("import.value.minutes", { value: w }));
    }
  });
});
