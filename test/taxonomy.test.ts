import { describe, expect, it } from "vitest";
import {
  BEHAVIOURS, CODE_SETS, codesOf, fullLabelOf, isCode, labelOf, MEASURES, type CodeDef,
} from "~/modules/incidents/taxonomy";
import { en, ja } from "~/i18n/dictionary.server";

describe("taxonomy", () => {
  it("has every code of the domain spec, each once, with a Japanese and an English label", () => {
    const expected: Record<string, number> = {
      channel: 7, counterparty_type: 5, validity: 4, behaviours: 18, legal_flags: 9, determination: 3,
      responses: 11, care: 6, outcome: 8, severity: 4, status: 2,
    };
    for (const [field, set] of Object.entries(CODE_SETS)) {
      const codes = (set as readonly CodeDef[]).map((d) => d.code);
      expect(codes.length, field).toBe(expected[field]);
      expect(new Set(codes).size, field).toBe(codes.length);
      for (const d of set as readonly CodeDef[]) {
        expect(d.ja.trim(), `${field} ${d.code}`).not.toBe("");
        expect(d.en.trim(), `${field} ${d.code}`).not.toBe("");
      }
    }
    expect(MEASURES.map((m) => m.code)).toEqual([
      ...Array.from({ length: 13 }, (_, i) => `G${String(i + 1).padStart(2, "0")}`), "N1", "N2", "N3", "N4", "N5",
    ]);
  });

  it("splits behaviours into MA (14) and MB (4) in code order", () => {
    expect(BEHAVIOURS.filter((b) => b.group === "MA").map((b) => b.code)).toEqual(
      Array.from({ length: 14 }, (_, i) => `MA${String(i + 1).padStart(2, "0")}`),
    );
    expect(codesOf("behaviours").slice(14)).toEqual(["MB01", "MB02", "MB03", "MB04"]);
  });

  it("gives labels in both languages and keeps an unknown code visible", () => {
    expect(labelOf("behaviours", "MA05")).toBe("継続的・執拗な言動");
    expect(labelOf("channel", "C2", "en")).toBe("Phone");
    expect(fullLabelOf("behaviours", "MA02")).toBe("精神的な攻撃(脅迫・中傷・名誉毀損・侮辱・暴言)");
    expect(labelOf("outcome", "O42")).toBe("O42");
    expect(labelOf("outcome", null)).toBe("");
    expect(isCode("care", "W06")).toBe(true);
    expect(isCode("care", "W07")).toBe(false);
  });

  it("has an English string for every Japanese UI string", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const [k, v] of Object.entries(en)) expect(v.trim(), k).not.toBe("");
  });
});
