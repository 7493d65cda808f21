import { caseFold } from "unicode-case-folding";
import { describe, expect, it } from "vitest";
import { normalizeName } from "~/modules/incidents/normalize";
import { parseIsoDateOrDateTime, todayInTokyo } from "~/modules/incidents/dates";

describe("normalizeName", () => {
  it("treats width, case and surrounding space variants of a client as one", () => {
    expect(normalizeName("ＡＢＣ商事")).toBe("abc商事");
    expect(normalizeName(" ABC商事 ")).toBe("abc商事");
    expect(normalizeName("abc商事")).toBe("abc商事");
    expect(normalizeName("株式会社　みなと  商事")).toBe("株式会社 みなと 商事");
    expect(normalizeName("ｶｽﾀﾏｰ")).toBe("カスタマー");
  });

  it("folds case in mixed text as full case folding does, and leaves text with nothing to fold as it is", () => {
    expect(normalizeName("Straße 株式会社")).toBe("strasse 株式会社");
    expect(normalizeName("ΣΊΣΥΦΟΣ商会")).toBe("σίσυφοσ商会");
    expect(normalizeName("窓口で大声を出し続けた。")).toBe("窓口で大声を出し続けた。");
    // normalizeName skips the folding when no character changes under it (Changes_When_Casefolded). The folding works
    // code point by code point and is normalised again after, so the shortcut holds if every code point without the
    // property folds to itself or to its own canonical decomposition (ǰ → j + ̌): checked for every code point there is.
    const differs: string[] = [];
    const folds = /\p{Changes_When_Casefolded}/u;
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (!folds.test(c) && caseFold(c).normalize("NFD") !== c.normalize("NFD")) differs.push(cp.toString(16));
    }
    expect(differs).toEqual([]);
  });
});

describe("Tokyo dates", () => {
  it("takes today's day in Tokyo, not in UTC", () => {
    expect(todayInTokyo(new Date("2026-03-31T15:00:00Z"))).toBe("2026-04-01");
    expect(todayInTokyo(new Date("2026-03-31T14:59:59Z"))).toBe("2026-03-31");
  });

  it("stores a date-time in Tokyo time and rejects days that do not exist", () => {
    expect(parseIsoDateOrDateTime("2025-04-01T10:30")).toEqual({ value: "2025-04-01T10:30:00+09:00", day: "2025-04-01", hasTime: true });
    expect(parseIsoDateOrDateTime("2025-03-31T20:00:00Z")?.value).toBe("2025-04-01T05:00:00+09:00");
    expect(parseIsoDateOrDateTime("2025-04-01")).toEqual({ value: "2025-04-01", day: "2025-04-01", hasTime: false });
    expect(parseIsoDateOrDateTime("2025-02-30")).toBeNull();
    expect(parseIsoDateOrDateTime("2024-02-29")?.day).toBe("2024-02-29");
    expect(parseIsoDateOrDateTime("2025-04-01T24:10")).toBeNull();
    expect(parseIsoDateOrDateTime("yesterday")).toBeNull();
  });
});
