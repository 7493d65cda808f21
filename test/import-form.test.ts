/** The import page's form, read the way every caller of the importer's web path reads it (app/modules/import/form.ts). */
import { describe, expect, it } from "vitest";
import { readImportForm } from "~/modules/import/form";

const form = (entries: [string, string][]) => {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
};

describe("readImportForm", () => {
  it("reads the encoding, the two switches and the corrected mapping", () => {
    expect(
      readImportForm(form([["encoding", "shift_jis"], ["skipInvalid", "on"], ["update", "on"], ["map:発生チャネル", "channel"], ["map:備考", ""]])),
    ).toEqual({
      encodingChoice: "shift_jis", encoding: "shift_jis", skipInvalid: true, update: true,
      mappingOverrides: Object.assign(Object.create(null), { 発生チャネル: "channel", 備考: "" }),
      preset: "auto", savedMapping: "", mappingName: "",
    });
    const chosen = readImportForm(form([["preset", "kintone"], ["savedMapping", " 本社台帳 "], ["mappingName", "支店台帳"]]));
    expect([chosen.preset, chosen.savedMapping, chosen.mappingName]).toEqual(["kintone", "本社台帳", "支店台帳"]);
  });

  it("falls back to what the importer decides for anything else: auto encoding, no switches, no mapping", () => {
    expect(readImportForm(form([]))).toEqual({
      encodingChoice: "auto", encoding: "auto", skipInvalid: false, update: false, mappingOverrides: undefined, preset: "auto", savedMapping: "", mappingName: "",
    });
    expect(readImportForm(form([["preset", "excel"]])).preset).toBe("auto");
    const odd = readImportForm(form([["encoding", "latin1"], ["skipInvalid", "yes"], ["map:列", "password_hash"]]));
    expect([odd.encodingChoice, odd.encoding, odd.skipInvalid]).toEqual(["latin1", "auto", false]);
    // A field the importer does not know leaves the column out.
    expect(odd.mappingOverrides?.["列"]).toBe("");
  });

  it("takes headers named like Object.prototype's members as plain columns", () => {
    const r = readImportForm(form([["map:__proto__", "summary"], ["map:constructor", "client"]]));
    expect(Object.getPrototypeOf(r.mappingOverrides)).toBeNull();
    expect(Object.entries(r.mappingOverrides!)).toEqual([["__proto__", "summary"], ["constructor", "client"]]);
  });
});
