import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FALLBACK_MESSAGES } from "~/i18n/fallback";
import { BOUNDARY_KEYS, en, ja, messages, rootMessages, translate } from "~/i18n/dictionary.server";

/** Every .ts/.tsx file under app/, but the dictionaries. */
function sources(dir = "app"): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p === path.join("app", "i18n") ? [] : sources(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe("i18n", () => {
  it("sends a page one language's messages of the namespaces it names, and nothing else", () => {
    const page = messages("en", ["importPage"]);
    expect(page["importPage.title"]).toBe(en["importPage.title"]);
    expect(Object.keys(page).every((k) => k.startsWith("importPage."))).toBe(true);
    expect(messages(new Request("http://x/", { headers: { Cookie: "lang=en" } }), ["nav"])["nav.switchTo"]).toBe(en["nav.switchTo"]);
    expect(messages(new Request("http://x/"), ["nav"])["nav.switchTo"]).toBe(ja["nav.switchTo"]);
  });

  it("gives the error page, in the root's messages, every key a loader or an action throws to it", () => {
    const thrown = new Set<string>();
    const throwing = /(?:\bfail|new AppError|idParam)\([^)]*?"([a-zA-Z]+\.[\w.]+)"/g;
    for (const file of sources()) for (const m of fs.readFileSync(file, "utf8").matchAll(throwing)) thrown.add(m[1]);
    // Responses thrown with a key as their body (the server's busy answer) reach the boundary too.
    for (const m of fs.readFileSync("scripts/server.ts", "utf8").matchAll(/new Response\("([a-zA-Z]+\.[\w.]+)"/g)) thrown.add(m[1]);
    expect(thrown.size).toBeGreaterThan(15);
    const root = rootMessages("en");
    // import.value.* are row problems returned in data, not thrown: their `fail` is the import's own helper.
    const missing = [...thrown].filter((k) => !k.startsWith("import.value.") && root[k as keyof typeof root] === undefined);
    expect(missing).toEqual([]);
    for (const k of BOUNDARY_KEYS) expect(root[k]).toBe(en[k]);
  });

  it("has the dictionary's Japanese texts in the error page's fallback (no root loader data)", () => {
    for (const [key, text] of Object.entries(FALLBACK_MESSAGES)) expect(text, key).toBe(ja[key as keyof typeof ja]);
  });

  it("prints the commands' messages in Japanese, parameters filled in", () => {
    expect(translate("ja", "cli.import.stored", { batch: 7 })).toBe("保存しました(バッチ 7)。");
    expect(translate("ja", "cli.import.rowErrorValue", { row: 3, column: "発生日時", value: "x", message: "m" })).toBe("  3行目 発生日時「x」: m");
  });
});
