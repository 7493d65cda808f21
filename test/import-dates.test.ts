import { describe, expect, it } from "vitest";
import { parseImportDate, parseImportDateTime } from "~/modules/import/dates";

const ok = (value: string | null) => ({ ok: true, value });
const err = (key: string, params: Record<string, unknown> = {}) => ({ ok: false, message: { key, params: expect.objectContaining(params) } });

describe("parseImportDateTime: the forms of the spec", () => {
  it.each([
    ["2025-04-01", "2025-04-01"],
    ["2025-04-01T10:30", "2025-04-01T10:30:00+09:00"],
    ["2025-04-01 10:30:00+09:00", "2025-04-01T10:30:00+09:00"],
    ["2025/4/1", "2025-04-01"],
    ["2025/04/01 10:30", "2025-04-01T10:30:00+09:00"],
    ["2025.4.1", "2025-04-01"],
    ["2025年4月1日", "2025-04-01"],
    ["2025年4月1日 10時30分", "2025-04-01T10:30:00+09:00"],
    ["令和7年4月1日", "2025-04-01"],
    ["令和元年5月1日", "2019-05-01"],
    ["R7.4.1", "2025-04-01"],
    ["R07/04/01", "2025-04-01"],
    ["R7-4-1", "2025-04-01"],
    ["令7.4.1", "2025-04-01"],
    ["㋿7.4.1", "2025-04-01"],
    ["H31.4.30", "2019-04-30"],
    ["平成31年4月30日", "2019-04-30"],
    ["S64.1.7", "1989-01-07"],
    ["45748", "2025-04-01"],
  ])("%s → %s", (input, expected) => {
    expect(parseImportDateTime(input)).toEqual(ok(expected));
  });
});

describe("parseImportDateTime: variants", () => {
  it.each([
    // Full-width digits and punctuation, as typed with a Japanese IME.
    ["２０２５－０４－０１", "2025-04-01"],
    ["２０２５／４／１　１０：３０", "2025-04-01T10:30:00+09:00"],
    ["２０２５年４月１日", "2025-04-01"],
    ["令和７年４月１日", "2025-04-01"],
    ["Ｒ７．４．１", "2025-04-01"],
    ["２０２５年４月１日　１０時３０分", "2025-04-01T10:30:00+09:00"],
    // Times after a 年月日 date.
    ["2025年4月1日 10時", "2025-04-01T10:00:00+09:00"],
    ["2025年4月1日10時30分", "2025-04-01T10:30:00+09:00"],
    ["2025年4月1日 10時30分15秒", "2025-04-01T10:30:15+09:00"],
    ["2025年4月1日 10時半", "2025-04-01T10:30:00+09:00"],
    ["2025年4月1日 10:30", "2025-04-01T10:30:00+09:00"],
    ["2025年4月1日 9:05:07", "2025-04-01T09:05:07+09:00"],
    ["2025 年 4 月 1 日", "2025-04-01"],
    // Seconds, one-digit hours, midnight and the last minute.
    ["2025-04-01T10:30:45", "2025-04-01T10:30:45+09:00"],
    ["2025/4/1 9:05", "2025-04-01T09:05:00+09:00"],
    ["2025-04-01 00:00", "2025-04-01T00:00:00+09:00"],
    ["2025-04-01 23:59:59", "2025-04-01T23:59:59+09:00"],
    ["2025-04-01T10:30:00.123", "2025-04-01T10:30:00+09:00"],
    // Lower case, surrounding space.
    ["  2025-04-01t10:30  ", "2025-04-01T10:30:00+09:00"],
    ["r7.4.1", "2025-04-01"],
    ["h31.4.30", "2019-04-30"],
    ["s64.1.7", "1989-01-07"],
    // Era names and letters in every combination.
    ["R7年4月1日", "2025-04-01"],
    ["令和7.4.1", "2025-04-01"],
    ["令和 7年4月1日", "2025-04-01"],
    ["R元.5.1", "2019-05-01"],
    ["令和元年5月1日 10:30", "2019-05-01T10:30:00+09:00"],
    ["R7.4.1 10:30", "2025-04-01T10:30:00+09:00"],
    ["平31.4.30", "2019-04-30"],
    ["平成元年1月8日", "1989-01-08"],
    ["H1.1.8", "1989-01-08"],
    ["昭和64年1月7日", "1989-01-07"],
    ["昭64.1.7", "1989-01-07"],
    ["昭和元年12月25日", "1926-12-25"],
    ["S1.12.25", "1926-12-25"],
    ["大正元年7月30日", "1912-07-30"],
    ["T15.12.24", "1926-12-24"],
    // Past an era's end by arithmetic: accepted, documents printed before the change carry such years.
    ["平成32年3月31日", "2020-03-31"],
    ["H32.3.31", "2020-03-31"],
    ["平成31年5月1日", "2019-05-01"],
    ["昭和65年1月1日", "1990-01-01"],
    // Leap days.
    ["2024-02-29", "2024-02-29"],
    ["令和6年2月29日", "2024-02-29"],
    ["2000/2/29", "2000-02-29"],
  ])("%s → %s", (input, expected) => {
    expect(parseImportDateTime(input)).toEqual(ok(expected));
  });

  it("converts a given offset to Tokyo time", () => {
    expect(parseImportDateTime("2025-03-31T20:00:00Z")).toEqual(ok("2025-04-01T05:00:00+09:00"));
    expect(parseImportDateTime("2025-03-31 20:00z")).toEqual(ok("2025-04-01T05:00:00+09:00"));
    expect(parseImportDateTime("2025-04-01T10:30-05:00")).toEqual(ok("2025-04-02T00:30:00+09:00"));
    expect(parseImportDateTime("2025-04-01T10:30+0530")).toEqual(ok("2025-04-01T14:00:00+09:00"));
    expect(parseImportDateTime("2025-04-01 10:30:00 +00:00")).toEqual(ok("2025-04-01T19:30:00+09:00"));
    expect(parseImportDateTime("2025-01-01T00:30+10:00")).toEqual(ok("2024-12-31T23:30:00+09:00"));
  });

  it("reads Excel serial day numbers from 1899-12-30, with a fraction as the time of day", () => {
    expect(parseImportDateTime("45748")).toEqual(ok("2025-04-01"));
    expect(parseImportDateTime("４５７４８")).toEqual(ok("2025-04-01"));
    expect(parseImportDateTime("45748.5")).toEqual(ok("2025-04-01T12:00:00+09:00"));
    expect(parseImportDateTime("45748.4375")).toEqual(ok("2025-04-01T10:30:00+09:00"));
    // 10:31 is a repeating fraction in binary; rounding to the second gives the minute back.
    expect(parseImportDateTime(String(45748 + (10 * 60 + 31) / 1440))).toEqual(ok("2025-04-01T10:31:00+09:00"));
    expect(parseImportDateTime("45748.0")).toEqual(ok("2025-04-01"));
    expect(parseImportDateTime("45351")).toEqual(ok("2024-02-29"));
    expect(parseImportDateTime("18264")).toEqual(ok("1950-01-01"));
    expect(parseImportDateTime("73415")).toEqual(ok("2100-12-31"));
    expect(parseImportDateTime("73415.999")).toEqual(ok("2100-12-31T23:58:34+09:00"));
  });

  it("treats blank as no value", () => {
    expect(parseImportDateTime("")).toEqual(ok(null));
    expect(parseImportDateTime("   ")).toEqual(ok(null));
    expect(parseImportDateTime("　")).toEqual(ok(null));
  });
});

describe("parseImportDateTime: errors", () => {
  it.each(["2025-02-30", "令和7年2月29日", "2025-13-01", "2025-04-31", "2025/0/1", "2025-04-00", "R7.2.29", "2023-02-29", "1900-02-29", "令和0年5月1日"])(
    "%s does not exist",
    (input) => {
      expect(parseImportDateTime(input)).toEqual(err("import.value.nonexistentDate", { value: input }));
    },
  );

  it("rejects a day before its era began, naming the era and its first day", () => {
    expect(parseImportDateTime("令和元年4月1日")).toEqual(
      err("import.value.beforeEra", { value: "令和元年4月1日", era: "令和", start: "2019年5月1日", eraEn: "Reiwa", startIso: "2019-05-01" }),
    );
    expect(parseImportDateTime("R1.4.30")).toEqual(err("import.value.beforeEra", { era: "令和", start: "2019年5月1日" }));
    expect(parseImportDateTime("平成元年1月7日")).toEqual(err("import.value.beforeEra", { era: "平成", start: "1989年1月8日" }));
    expect(parseImportDateTime("H1.1.7")).toEqual(err("import.value.beforeEra", { era: "平成" }));
    expect(parseImportDateTime("昭和元年12月24日")).toEqual(err("import.value.beforeEra", { era: "昭和", start: "1926年12月25日" }));
    expect(parseImportDateTime("大正元年7月29日")).toEqual(err("import.value.beforeEra", { era: "大正", start: "1912年7月30日" }));
  });

  it.each(["2025-04-01 24:00", "2025-04-01T24:00:00", "2025-04-01 10:60", "2025-04-01 10:30:60", "2025年4月1日 24時", "2025年4月1日 10時60分", "2025-04-01T10:30+15:00", "2025-04-01T10:30+09:60"])(
    "%s has an impossible time",
    (input) => {
      expect(parseImportDateTime(input)).toEqual(err("import.value.invalidTime", { value: input }));
    },
  );

  it.each([
    "garbage",
    "2025-04",
    "4/1",
    "2025/4-1",
    "25/4/1",
    "2025/4/110:30",
    "2025-04-01 10",
    "2025-04-01 10:3",
    "2025-04-01T",
    "2025年4月",
    "X7.4.1",
    "令和100年1月1日",
    "明日",
    "2025-04-01+09:00",
    "10:30",
    "-45748",
  ])("%s is not a date", (input) => {
    expect(parseImportDateTime(input)).toEqual(err("import.value.invalidDate", { value: input }));
  });

  it("reads a bare number only as a plausible Excel serial", () => {
    expect(parseImportDateTime("20250401")).toEqual(err("import.value.dateSerial", { value: "20250401", min: 18264, max: 73415 }));
    expect(parseImportDateTime("7")).toEqual(err("import.value.dateSerial", { value: "7" }));
    expect(parseImportDateTime("2025")).toEqual(err("import.value.dateSerial", { value: "2025" }));
    expect(parseImportDateTime("18263")).toEqual(err("import.value.dateSerial"));
    expect(parseImportDateTime("73416")).toEqual(err("import.value.dateSerial"));
    expect(parseImportDateTime("60")).toEqual(err("import.value.dateSerial"));
  });

  it("reports the value as written, not as normalised", () => {
    expect(parseImportDateTime(" ２０２５－０２－３０ ")).toEqual(err("import.value.nonexistentDate", { value: "２０２５－０２－３０" }));
  });
});

describe("parseImportDate", () => {
  it("keeps dates and gives a date-time's Tokyo day", () => {
    expect(parseImportDate("令和7年4月1日")).toEqual(ok("2025-04-01"));
    expect(parseImportDate("2025/4/1 23:59")).toEqual(ok("2025-04-01"));
    expect(parseImportDate("2025-03-31T20:00:00Z")).toEqual(ok("2025-04-01"));
    expect(parseImportDate("45748.99")).toEqual(ok("2025-04-01"));
    expect(parseImportDate("")).toEqual(ok(null));
  });

  it("passes errors through", () => {
    expect(parseImportDate("2025-02-30")).toEqual(err("import.value.nonexistentDate"));
    expect(parseImportDate("令和元年4月1日")).toEqual(err("import.value.beforeEra", { era: "令和" }));
    expect(parseImportDate("2025-04-01 24:00")).toEqual(err("import.value.invalidTime"));
  });
});

describe("weekdays printed after the date", () => {
  it("accepts a matching weekday in the forms Excel prints and ignores it", () => {
    expect(parseImportDateTime("2025年4月1日(火)")).toEqual({ ok: true, value: "2025-04-01" });
    expect(parseImportDateTime("2025/4/1(火) 10:30")).toEqual({ ok: true, value: "2025-04-01T10:30:00+09:00" });
    expect(parseImportDateTime("令和7年4月1日（火）10時30分")).toEqual({ ok: true, value: "2025-04-01T10:30:00+09:00" });
    expect(parseImportDateTime("令和7年4月1日 火曜日")).toEqual({ ok: true, value: "2025-04-01" });
    expect(parseImportDate("2025-04-01(火曜)")).toEqual({ ok: true, value: "2025-04-01" });
  });

  it("refuses a weekday that does not match the date, naming the right one", () => {
    const r = parseImportDateTime("2025年4月1日(水)");
    expect(r).toEqual({ ok: false, message: { key: "import.value.weekdayMismatch", params: { value: "2025年4月1日(水)", weekday: "火" } } });
  });
});
