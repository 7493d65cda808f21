/**
 * Source presets (issue 16): form and app exports recognised by their headers and imported with no editing
 * (fixtures made by make-fixtures.sh the way each tool writes its file).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { asc } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { incidents } from "../db/schema";
import { importFile } from "~/modules/import/commit.server";
import { fieldOfHeader } from "~/modules/import/columns";
import { readHeader } from "~/modules/import/pipeline";
import { detectPreset } from "~/modules/import/presets";
import { canonicalHeader } from "~/modules/import/columns";
import { INCIDENT_FIELDS } from "~/modules/incidents/schema";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import { deleteMapping, listMappings, saveMapping } from "~/modules/import/mappings.server";
import { AppError } from "~/modules/errors";
import { memoryDb, TODAY } from "./helpers";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/import/${name}`, import.meta.url));
const stored = (db: Db) =>
  db.select({ id: incidents.id }).from(incidents).orderBy(asc(incidents.occurredAt)).all().map((r) => toInput(getIncident(db, r.id)!));
const run = (db: Db, name: string, preset?: "auto" | "none") => importFile(db, fixture(name), { today: TODAY, errorFilePath: null, preset });

describe("presets recognised by their headers", () => {
  it.each([
    [["ID", "開始時刻", "完了時刻", "メール", "名前", "発生日時"], "msforms"],
    [["ID", "Start time", "Completion time", "Email", "Name", "date"], "msforms"],
    [["タイムスタンプ", "発生日時"], "googleforms"],
    [["Timestamp", "Email Address", "date"], "googleforms"],
    [["$id", "発生日時", "作成者"], "kintone"],
    [["レコード番号", "発生日時", "作成日時"], "kintone"],
    [INCIDENT_FIELDS.map(canonicalHeader), "own"],
    [["管理番号", "発生日時", "発生場面", "行為類型"], null],
  ])("%j → %s", (headers, id) => {
    expect(detectPreset(headers)?.id ?? null).toBe(id);
  });

  it("reads a form question's note or question mark off its header", () => {
    expect(fieldOfHeader("行為類型（複数選択可）")).toBe("behaviours");
    expect(fieldOfHeader("【必須】発生場面")).toBe("channel");
    expect(fieldOfHeader("発生日時？")).toBe("occurred_at");
    expect(fieldOfHeader("対応時間(分)")).toBe("duration_min");
    expect(fieldOfHeader("感想（自由記述）")).toBe(null);
  });

  it("lets the person's own choice win over the preset, and 'none' turn it off", () => {
    const h = ["タイムスタンプ", "メールアドレス", "発生日時", "発生場面", "行為類型"];
    expect(readHeader(h)!.columns.map((c) => c.field)).toEqual(["reported_at", null, "occurred_at", "channel", "behaviours"]);
    expect(readHeader(h)!.mapping.unknown).toEqual([]);
    expect(readHeader(h, { タイムスタンプ: "" })!.columns[0].field).toBe(null);
    const none = readHeader(h, undefined, "none")!;
    expect([none.preset, none.mapping.unknown]).toEqual([null, ["タイムスタンプ", "メールアドレス"]]);
  });
});

describe("form and app exports import with no editing", () => {
  it("Google Forms: タイムスタンプ is the report time, the respondent's address is left out, checkbox answers split on commas", async () => {
    const db = memoryDb();
    const r = await run(db, "google-forms.csv");
    expect([r.preset, r.encoding, r.rows, r.invalid, r.imported]).toEqual(["googleforms", "utf-8", 3, 0, 3]);
    expect(r.warnings.unknownColumns).toEqual([]);
    expect(stored(db).map((i) => [i.occurred_at, i.reported_at, i.channel, i.behaviours, i.summary, i.status, i.closed_date_unknown ?? false])).toEqual([
      ["2025-04-01", "2025-04-01T10:30:45+09:00", "C1", ["MA02", "MA03"], "大声で怒鳴り、レジを叩いた", "open", false],
      ["2025-04-02", "2025-04-03T09:05:10+09:00", "C2", ["MA06", "MB02"], "3時間にわたり返金を要求", "closed", true],
      ["2025-04-09", "2025-04-10T18:00:00+09:00", "C5", ["MA10"], "従業員の写真を投稿", "open", false],
    ]);
    // Nothing of the respondent's e-mail address is kept anywhere.
    expect(JSON.stringify(stored(db))).not.toContain("example.jp");
  });

  it("kintone (Shift_JIS): $id is the ref, so importing the app again finds its incidents; multi-selects on separate lines", async () => {
    const db = memoryDb();
    const r = await run(db, "kintone.csv");
    expect([r.preset, r.encoding, r.rows, r.invalid, r.imported]).toEqual(["kintone", "shift_jis", 2, 0, 2]);
    expect(r.warnings.unknownColumns).toEqual([]);
    expect(stored(db).map((i) => [i.ref, i.occurred_at, i.department, i.behaviours, i.responses, i.status, i.closed_at])).toEqual([
      ["101", "2025-05-01T14:20:00+09:00", "東京本店", ["MA02", "MA05"], ["R02"], "closed", "2025-05-02"],
      ["102", "2025-05-07T11:00:00+09:00", "大阪支店", ["MA04"], ["R01", "R08"], "open", null],
    ]);
    const again = await run(db, "kintone.csv");
    expect([again.imported, again.duplicates]).toEqual([0, 2]);
  });

  it("Microsoft Forms saved as CSV: 完了時刻 is the report time, ID, 開始時刻, メール and 名前 are left out", async () => {
    const db = memoryDb();
    const r = await run(db, "ms-forms.csv");
    expect([r.preset, r.rows, r.invalid, r.imported]).toEqual(["msforms", 2, 0, 2]);
    expect(r.warnings.unknownColumns).toEqual([]);
    expect(stored(db).map((i) => [i.ref, i.occurred_at, i.reported_at, i.channel, i.behaviours])).toEqual([
      [null, "2025-06-01T16:00:00+09:00", "2025-06-02T09:14:00+09:00", "C1", ["MA02", "MA04"]],
      [null, "2025-06-03T11:30:00+09:00", "2025-06-03T13:05:00+09:00", "C2", ["MB02"]],
    ]);
  });

  it("without its preset, a form export is still read by its plain headers, with its own columns reported", async () => {
    const db = memoryDb();
    const r = await run(db, "google-forms.csv", "none");
    expect(r.preset).toBe(null);
    expect(r.warnings.unknownColumns).toEqual(["タイムスタンプ", "メールアドレス"]);
    // "暴言, 威圧" is one unknown value without the preset's comma rule.
    expect(r.invalid).toBe(2);
  });
});

describe("column mappings saved by name", () => {
  const actor = { userId: null, name: "hr@example.jp", ip: null };
  const headers = ["No.", "日付", "場所", "発生場面", "類型"];

  it("reads the next file with the same header row with the mapping saved for it, and any file with one chosen by name", async () => {
    const db = memoryDb();
    const file = fixture("google-forms.csv");
    // Saved for other headers: a file whose header row differs is read as before.
    saveMapping(db, { name: "支店台帳", headers, columns: { "No.": "ref", 日付: "occurred_at", 場所: "department" }, preset: null }, actor);
    const plain = await importFile(db, file, { today: TODAY, errorFilePath: null, dryRun: true });
    expect([plain.savedMapping, plain.preset]).toEqual([null, "googleforms"]);

    // Saved for this header row (the person left the time stamp out): used at once, by itself.
    const h = ["タイムスタンプ", "メールアドレス", "発生日時", "部署", "発生場面", "行為類型（複数選択可）", "概要", "状況"];
    const columns = Object.fromEntries(h.map((x) => [x, readHeader(h)!.columns.find((c) => c.header === x)!.field ?? ""]));
    saveMapping(db, { name: "フォーム回答", headers: h, columns: { ...columns, タイムスタンプ: "" }, preset: "googleforms" }, actor);
    const auto = await importFile(db, file, { today: TODAY, errorFilePath: null, dryRun: true });
    expect([auto.savedMapping, auto.preset, auto.columns[0]]).toEqual(["フォーム回答", "googleforms", { header: "タイムスタンプ", field: null }]);
    expect(auto.warnings.unknownColumns).toEqual([]);

    // "none" and an explicit mapping both leave it aside; an unknown name refuses the file with the name.
    expect((await importFile(db, file, { today: TODAY, errorFilePath: null, dryRun: true, savedMapping: "none" })).savedMapping).toBe(null);
    const named = await importFile(db, file, { today: TODAY, errorFilePath: null, dryRun: true, savedMapping: "フォーム回答" });
    expect(named.savedMapping).toBe("フォーム回答");
    await expect(importFile(db, file, { today: TODAY, errorFilePath: null, dryRun: true, savedMapping: "ない名前" })).rejects.toMatchObject({
      reason: "mappingNotFound",
      message: "「ない名前」という名前で保存した列の対応付けはありません。",
    });
  });

  it("saves under a name once (saving again replaces it), refuses an empty or control-character name, and audits it", () => {
    const db = memoryDb();
    saveMapping(db, { name: " 台帳 ", headers, columns: { 日付: "occurred_at" }, preset: null }, actor);
    const again = saveMapping(db, { name: "台帳", headers, columns: { 日付: "reported_at" }, preset: "kintone" }, actor);
    expect(listMappings(db).map((m) => [m.name, m.columns.日付, m.preset])).toEqual([["台帳", "reported_at", "kintone"]]);
    expect(() => saveMapping(db, { name: "  ", headers, columns: {}, preset: null }, actor)).toThrow(AppError);
    expect(() => saveMapping(db, { name: "a\u0000b", headers, columns: {}, preset: null }, actor)).toThrow(AppError);
    expect(() => saveMapping(db, { name: "x", headers, columns: { 日付: "password" as never }, preset: null }, actor)).toThrow();
    expect(deleteMapping(db, again.id, actor)).toBe(true);
    expect(listMappings(db)).toEqual([]);
    const actions = db.$client.prepare("select action from audit_log order by id").all().map((r) => (r as { action: string }).action);
    expect(actions).toEqual(["import.mapping_saved", "import.mapping_saved", "import.mapping_deleted"]);
  });
});
