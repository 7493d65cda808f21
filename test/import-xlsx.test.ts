/**
 * Excel workbooks (.xlsx) through the import pipeline (docs/decisions/0018): the fixtures under
 * test/fixtures/import/xlsx were made by LibreOffice Calc and openpyxl (make-fixtures.sh), never by this code.
 * Each is imported into a migrated in-memory database, and the stored incidents are checked field by field.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../db/client.server";
import { importBatches, incidents } from "../db/schema";
import { importFile, type ImportOptions, UnusableFile } from "~/modules/import/commit.server";
import {
  cellText,
  combineHeader,
  dateText,
  fillMerges,
  needsSecondHeaderRow,
  plainNumber,
  withoutPhoneticRuns,
} from "~/modules/import/xlsx-source.server";
import { parseImportDateTime } from "~/modules/import/dates";
import { parseYesNo } from "~/modules/import/values";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import type { IncidentInput } from "~/modules/incidents/schema";
import { startImportCli } from "./cli";
import { memoryDb, TODAY } from "./helpers";

const FIXTURES = fileURLToPath(new URL("./fixtures/import/xlsx/", import.meta.url));
const fixture = (name: string) => path.join(FIXTURES, name);

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-xlsx-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});
let errorFiles = 0;
const run = (db: Db, name: string, opts: ImportOptions = {}) =>
  importFile(db, fixture(name), { today: TODAY, errorFilePath: path.join(tmp, `errors-${++errorFiles}.csv`), ...opts });

function stored(db: Db): IncidentInput[] {
  return db
    .select({ id: incidents.id })
    .from(incidents)
    .orderBy(asc(incidents.id))
    .all()
    .map((r) => toInput(getIncident(db, r.id)!));
}

async function unusable(p: Promise<unknown>): Promise<UnusableFile> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UnusableFile);
  return e as UnusableFile;
}

describe("a ledger saved by LibreOffice Calc (ledger.xlsx)", () => {
  it("imports its first sheet: merged title skipped, two-row header read, date cells, a date-time, a 和暦 string and the formula's saved result", async () => {
    const db = memoryDb();
    const r = await run(db, "ledger.xlsx");
    expect(r).toMatchObject({ encoding: "xlsx", delimiter: ",", sheet: "事案台帳", sheets: ["事案台帳", "2023年度"], rows: 4, invalid: 0, imported: 4, committed: true });
    expect(r.sha256).toBe(createHash("sha256").update(fs.readFileSync(fixture("ledger.xlsx"))).digest("hex"));
    // 「対応」 spans its four columns: each column takes the row below's header; 部署 and 顧客名 are not merged down.
    expect(r.columns).toEqual([
      { header: "管理番号", field: "ref" },
      { header: "発生日時", field: "occurred_at" },
      { header: "部署", field: "department" },
      { header: "発生場面", field: "channel" },
      { header: "顧客名", field: "client" },
      { header: "行為類型", field: "behaviours" },
      { header: "都内業務", field: "in_tokyo" },
      { header: "電話(分)", field: null },
      { header: "面談(分)", field: null },
      { header: "対応時間(分)", field: "duration_min" },
      { header: "接触回数", field: "contact_count" },
      { header: "状況", field: "status" },
      { header: "終了日", field: "closed_at" },
      { header: "概要", field: "summary" },
    ]);
    expect(r.warnings.unknownColumns).toEqual(["電話(分)", "面談(分)"]);
    const rows = stored(db);
    expect(rows.map((i) => [i.ref, i.occurred_at, i.duration_min, i.contact_count, i.in_tokyo, i.status, i.closed_at])).toEqual([
      // a date-time cell: the Tokyo wall clock as typed (10:30, not 19:30 or 01:30)
      ["KH-2024-001", "2024-04-03T10:30:00+09:00", 45, 3, true, "closed", "2024-04-10"],
      // 令和6年5月12日 typed as text stays text and is read by the date parser
      ["KH-2024-002", "2024-05-12", 90, 1, false, "open", null],
      ["KH-2024-003", "2024-06-20", 20, 2, true, "closed", "2024-06-25"],
      // 23:45 in Tokyo stays on the 7th
      ["KH-2024-004", "2024-07-07T23:45:00+09:00", 180, 1, true, "open", null],
    ]);
    expect(rows[0]).toMatchObject({ department: "東京本店", channel: "C2", client: "㈱髙橋商事", behaviours: ["MA02", "MA05"], summary: "同じ要求を繰り返し電話で求めた" });
    // LibreOffice stores mixed-script text as rich-text runs: read back as one string.
    expect(rows[1]).toMatchObject({ department: "大阪支店", channel: "C1", client: "山田 太郎", behaviours: ["MA03"], summary: "店頭で大声を出し、土下座を要求した" });
    expect(rows[2]).toMatchObject({ client: "㈱ＡＢＣホールディングス", behaviours: ["MA02"], channel: "C4" });
    const batch = db.select().from(importBatches).where(eq(importBatches.id, r.batchId!)).get()!;
    expect(batch).toMatchObject({ fileName: "ledger.xlsx", encoding: "xlsx", delimiter: ",", imported: 4 });
  });

  it("keeps the wall clock whatever the process's time zone", async () => {
    const before = process.env.TZ;
    process.env.TZ = "America/Los_Angeles";
    try {
      const db = memoryDb();
      await run(db, "ledger.xlsx", { errorFilePath: null });
      expect(stored(db).map((i) => i.occurred_at)).toEqual(["2024-04-03T10:30:00+09:00", "2024-05-12", "2024-06-20", "2024-07-07T23:45:00+09:00"]);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it("reads another sheet by name (sheet: 「2023年度」)", async () => {
    const db = memoryDb();
    const r = await run(db, "ledger.xlsx", { sheet: "2023年度" });
    expect(r).toMatchObject({ sheet: "2023年度", sheets: ["事案台帳", "2023年度"], rows: 2, imported: 2, invalid: 0 });
    expect(stored(db).map((i) => [i.ref, i.occurred_at, i.severity, i.behaviours, i.status, i.closed_at])).toEqual([
      ["KH-2023-101", "2023-11-02T09:05:00+09:00", 2, ["MA02"], "closed", "2023-11-06"],
      ["KH-2023-102", "2023-12-01", 3, ["MA04"], "open", null],
    ]);
  });

  it("refuses a sheet it does not have, naming the sheets it has", async () => {
    const db = memoryDb();
    const e = await unusable(run(db, "ledger.xlsx", { sheet: "2022年度" }));
    expect(e.reason).toBe("unknownSheet");
    expect(e.message).toBe("シート「2022年度」はこのブックにありません。あるシート: 「事案台帳」、「2023年度」");
    expect(e.partial).toMatchObject({ sheets: ["事案台帳", "2023年度"] });
    expect(stored(db)).toEqual([]);
  });

  it("importing the same workbook twice stores nothing the second time", async () => {
    const db = memoryDb();
    await run(db, "ledger.xlsx");
    const again = await run(db, "ledger.xlsx");
    expect(again).toMatchObject({ imported: 0, duplicates: 4, committed: false });
    expect(again.importedBefore).not.toBeNull();
  });

  it("reports progress by bytes read, ending at the file's size", async () => {
    const seen: [number, number][] = [];
    await run(memoryDb(), "ledger.xlsx", { dryRun: true, onProgress: (p) => seen.push([p.bytesRead, p.bytesTotal]) });
    const size = fs.statSync(fixture("ledger.xlsx")).size;
    expect(seen.at(-1)).toEqual([size, size]);
  });
});

describe("a workbook whose data is not on its first sheet (cover.xlsx)", () => {
  it("passes over a hidden sheet; a cover note without a header is refused with the sheets to choose from", async () => {
    const e = await unusable(run(memoryDb(), "cover.xlsx"));
    expect(e.reason).toBe("noHeader");
    // The page shows the sheet select from this (the first visible sheet was read).
    expect(e.partial).toMatchObject({ sheet: "説明", sheets: ["リスト", "説明", "一覧"] });
  });

  it("reads the sheet chosen", async () => {
    const db = memoryDb();
    const r = await run(db, "cover.xlsx", { sheet: "一覧" });
    expect(r).toMatchObject({ sheet: "一覧", imported: 1, invalid: 0 });
    expect(stored(db).map((i) => [i.ref, i.occurred_at, i.channel, i.behaviours])).toEqual([["CV-1", "2025-06-02", "C2", ["MA02"]]]);
  });
});

describe("a Microsoft-Forms-shaped export", () => {
  // The 完了時刻 cells of make-fixtures.py, as Tokyo wall-clock times.
  const REPORTED = ["2025-05-01T09:15:41+09:00", "2025-05-02T13:04:30+09:00", "2025-05-08T08:31:02+09:00"];
  for (const name of ["forms.xlsx", "forms-openpyxl.xlsx"]) {
    it(`imports ${name}: Forms' own columns ignored, date cells read as Tokyo wall-clock times, "A;B;" answers`, async () => {
      const db = memoryDb();
      const r = await run(db, name);
      // Recognised as Microsoft Forms (presets.ts): its ID, 開始時刻, メール and 名前 are left out without a warning, and
      // 完了時刻, when the employee sent the report, is the report time.
      expect(r).toMatchObject({ encoding: "xlsx", sheet: "Sheet1", sheets: ["Sheet1"], rows: 3, imported: 3, invalid: 0, preset: "msforms" });
      expect(r.warnings.unknownColumns).toEqual([]);
      expect(stored(db).map((i) => i.reported_at)).toEqual(REPORTED);
      expect(stored(db).map((i) => [i.ref, i.occurred_at, i.department, i.channel, i.behaviours, i.severity, i.summary])).toEqual([
        [null, "2025-04-30T17:20:00+09:00", "東京本店", "C2", ["MA02", "MA05"], 2, "解約をめぐり1時間以上の電話"],
        [null, "2025-05-02T11:00:00+09:00", "大阪支店", "C1", ["MA03"], 3, "カウンターを叩き大声を出した"],
        [null, "2025-05-07", "名古屋営業所", "C5", ["MA10"], 1, "SNS に従業員の写真を投稿"],
      ]);
    });
  }
});

describe("cells a row must not go in with", () => {
  it("an error value (#N/A typed, or a formula whose result is #N/A) refuses its row with a clear message; the valid row is kept with --skip-invalid", async () => {
    const db = memoryDb();
    const errorFilePath = path.join(tmp, "errors-na.csv");
    const r = await run(db, "errors.xlsx", { errorFilePath });
    expect(r).toMatchObject({ rows: 3, invalid: 2, blocked: true, imported: 0 });
    expect(r.errors.map((e) => [e.row, e.column, e.value, e.message])).toEqual([
      [3, "発生日時", "#N/A", "セルがエラー値(#N/A)です。Excel で値や数式を確認してください。"],
      [4, "部署", "", "数式の結果を読み取れません(数式: =VLOOKUP(\"x\",A1:A2,1,FALSE()))。結果がエラー値(#N/A など)になっているか、計算結果が保存されていません。Excel で数式を確認して保存し直してください。"],
    ]);
    const skipped = await run(db, "errors.xlsx", { skipInvalid: true, errorFilePath });
    expect(skipped).toMatchObject({ imported: 1, invalid: 2, committed: true });
    expect(stored(db).map((i) => [i.ref, i.occurred_at, i.department])).toEqual([["ER-1", "2025-04-01", "東京本店"]]);
    // The error file is a CSV of the sheet's columns plus エラー, the error cells as their text.
    const lines = fs.readFileSync(errorFilePath, "utf8").replace(/^\uFEFF/, "").trim().split(/\r\n/);
    expect(lines[0]).toBe("管理番号,発生日時,部署,発生場面,行為類型,エラー");
    expect(lines[1]).toMatch(/^ER-2,#N\/A,東京本店,電話,暴言,/);
    expect(lines[2]).toMatch(/^ER-3,2025-04-03,,電話,暴言,/);
  });

  it("a formula saved without its result (openpyxl writes <v/>) refuses its row, quoting the formula", async () => {
    const db = memoryDb();
    const r = await run(db, "ledger-openpyxl.xlsx");
    expect(r).toMatchObject({ rows: 4, invalid: 4, imported: 0 });
    expect(r.errors[0]).toMatchObject({
      row: 4,
      column: "対応時間(分)",
      value: "",
      message: "数式の結果を読み取れません(数式: =SUM(H4:I4))。結果がエラー値(#N/A など)になっているか、計算結果が保存されていません。Excel で数式を確認して保存し直してください。",
    });
    // Everything else in those rows was read: the formula is their only error.
    expect(r.errors.map((e) => e.column)).toEqual(Array(4).fill("対応時間(分)"));
  });
});

describe("Excel's phonetic readings (phonetic.xlsx)", () => {
  it("are not taken for the text: 発生日時 stays 発生日時, not ハッセイニチジ", async () => {
    const db = memoryDb();
    const r = await run(db, "phonetic.xlsx");
    expect(r.columns.map((c) => c.header)).toEqual(["発生日時", "発生場面", "行為類型", "部署"]);
    expect(r).toMatchObject({ imported: 1, invalid: 0, sheet: "台帳" });
    expect(stored(db)[0]).toMatchObject({ occurred_at: "2025-04-01", department: "東京本店" });
  });

  it("are cut out of the shared strings however the bytes are split", async () => {
    const xml = '<si><t>部署</t><rPh sb="0" eb="2"><t>ブショ</t></rPh><phoneticPr fontId="1"/></si><si><r><rPr><b/></rPr><t>A</t></r></si>';
    for (const size of [1, 2, 3, 5, 7, 1000]) {
      const t = withoutPhoneticRuns();
      const out: Buffer[] = [];
      t.on("data", (d: Buffer) => out.push(Buffer.from(d)));
      const bytes = Buffer.from(xml);
      for (let i = 0; i < bytes.length; i += size) t.write(bytes.subarray(i, i + size));
      t.end();
      await new Promise((r) => t.on("end", r));
      expect(Buffer.concat(out).toString("utf8")).toBe('<si><t>部署</t><phoneticPr fontId="1"/></si><si><r><rPr><b/></rPr><t>A</t></r></si>');
    }
  });
});

describe("files that are not workbooks to read", () => {
  it("an .xls (Excel 97-2003) is refused with its own message", async () => {
    const e = await unusable(run(memoryDb(), "legacy.xls"));
    expect(e.reason).toBe("legacyXls");
    expect(e.message).toContain("Excel 97-2003 形式(.xls)");
  });

  it("a zip that is not a workbook (an .ods) is refused as such", async () => {
    const e = await unusable(run(memoryDb(), "not-a-workbook.ods"));
    expect(e.reason).toBe("notWorkbook");
    expect(e.message).toContain("Excel ブック(.xlsx)ではありません");
  });

  it("the source is chosen by content: a workbook renamed .csv (as the page keeps uploads) is read as a workbook", async () => {
    const renamed = path.join(tmp, "upload.csv");
    fs.copyFileSync(fixture("forms.xlsx"), renamed);
    const r = await importFile(memoryDb(), renamed, { today: TODAY, errorFilePath: null, dryRun: true });
    expect(r).toMatchObject({ encoding: "xlsx", sheet: "Sheet1", rows: 3, invalid: 0 });
  });
});

describe("cells to text", () => {
  const cell = (type: number, value: unknown, extra: object = {}) => cellText({ type, value, ...extra });

  it("numbers as plain decimals (15 significant digits, no exponent), booleans as TRUE/FALSE the yes/no reader takes", () => {
    expect([plainNumber(45), plainNumber(0.1 + 0.2), plainNumber(1e21), plainNumber(1.5e-7), plainNumber(-3.25)]).toEqual([
      "45", "0.3", "1000000000000000000000", "0.00000015", "-3.25",
    ]);
    expect(cell(9, true).text).toBe("TRUE");
    expect(cell(9, false).text).toBe("FALSE");
    expect(parseYesNo("TRUE")).toEqual({ ok: true, value: true });
    expect(parseYesNo("FALSE")).toEqual({ ok: true, value: false });
  });

  it("date cells: a day, a day and time, a time alone; UTC fields are the wall clock", () => {
    expect(dateText(new Date(Date.UTC(2025, 3, 1)))).toBe("2025-04-01");
    expect(dateText(new Date(Date.UTC(2025, 3, 1, 10, 30)))).toBe("2025-04-01T10:30");
    expect(dateText(new Date(Date.UTC(2025, 3, 1, 10, 30, 15)))).toBe("2025-04-01T10:30:15");
    // 10:31 as a day fraction is not exact; whole seconds give the minute back
    expect(dateText(new Date(Date.UTC(2025, 3, 1, 10, 30, 59, 999.6)))).toBe("2025-04-01T10:31");
    expect(dateText(new Date(Date.UTC(1899, 11, 30, 9, 0)))).toBe("09:00");
    expect(parseImportDateTime("2025-04-01T10:30")).toEqual({ ok: true, value: "2025-04-01T10:30:00+09:00" });
  });

  it("a date cell that arrives as its serial number (no styles) reads as the same day and time", () => {
    expect(parseImportDateTime(cell(2, 45385.4375).text)).toEqual({ ok: true, value: "2024-04-03T10:30:00+09:00" });
    expect(parseImportDateTime(cell(2, 45748).text)).toEqual({ ok: true, value: "2025-04-01" });
  });

  it("rich text joined, formulas as their cached result, error values as their text", () => {
    expect(cell(8, { richText: [{ text: "令和" }, { text: "6" }, { text: "年5月12日" }] }).text).toBe("令和6年5月12日");
    expect(cell(6, { formula: "SUM(H4:I4)" }, { result: 45, formula: "SUM(H4:I4)" })).toEqual({ text: "45" });
    expect(cell(6, { formula: "A1&B1" }, { result: "東京本店", formula: "A1&B1" })).toEqual({ text: "東京本店" });
    expect(cell(10, { error: "#DIV/0!" })).toEqual({ text: "#DIV/0!", problem: { key: "import.value.cellError", params: { value: "#DIV/0!" } } });
    expect(cell(6, { formula: "#N/A" }, { result: Number.NaN, formula: "#N/A" }).text).toBe("#N/A");
    expect(cell(6, { formula: "A1" }, { formula: "A1" })).toEqual({ text: "", problem: { key: "import.value.formulaNoResult", params: { value: "=A1" } } });
  });
});

describe("header rows", () => {
  it("a merged cell's text fills its range; a row below a merged group is folded into the header", () => {
    const merges = [
      { top: 2, left: 1, bottom: 3, right: 1 },
      { top: 2, left: 2, bottom: 2, right: 3 },
    ];
    expect(fillMerges(["発生日時", "対応"], 2, merges)).toEqual(["発生日時", "対応", "対応"]);
    expect(needsSecondHeaderRow(2, merges, ["", "対応時間(分)", "接触回数"])).toBe(true);
    expect(combineHeader(["発生日時", "対応"], ["", "対応時間(分)", "接触回数"], 2, merges)).toEqual(["発生日時", "対応時間(分)", "接触回数"]);
    // A header merged across two columns with nothing under it is one row: the next row is data.
    const wide = [{ top: 1, left: 2, bottom: 1, right: 3 }];
    expect(needsSecondHeaderRow(1, wide, ["2025-04-01", "", "", "電話"])).toBe(false);
  });
});

// The real command, as scripts call it (see test/import-cli.test.ts): each process costs a second or more of start-up.
describe("npm run import -- FILE.xlsx", { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-xlsx-cli-"));
    fs.copyFileSync(fixture("ledger.xlsx"), path.join(dir, "ledger.xlsx"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cli = async (dbName: string, ...args: string[]) => {
    const dbPath = path.join(dir, dbName, "kasuhara.db");
    openDatabase(dbPath).$client.close(); // migrated before the command starts
    const p = startImportCli(dbPath, args);
    const { code } = await p.exited;
    return { code, out: p.output.stdout, err: p.output.stderr, dbPath };
  };

  it("--sheet picks the sheet; --json prints the contract's keys with encoding \"xlsx\", sheet and sheets", async () => {
    const r = await cli("a", path.join(dir, "ledger.xlsx"), "--sheet", "2023年度", "--json");
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(expect.arrayContaining(["file", "encoding", "rows", "imported", "updated", "duplicates", "invalid", "dryRun", "batchId", "errors", "sheet"]));
    expect(out).toMatchObject({ encoding: "xlsx", sheet: "2023年度", sheets: ["事案台帳", "2023年度"], rows: 2, imported: 2, invalid: 0, committed: true });
    const db = openDatabase(r.dbPath);
    try {
      expect(stored(db).map((i) => i.ref)).toEqual(["KH-2023-101", "KH-2023-102"]);
    } finally {
      db.$client.close();
    }
  });

  it("an unknown --sheet exits 2 naming the sheets; the text report names the sheet read", async () => {
    const [bad, text] = await Promise.all([
      cli("b", path.join(dir, "ledger.xlsx"), "--sheet", "集計", "--json"),
      cli("c", path.join(dir, "ledger.xlsx"), "--dry-run"),
    ]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out)).toMatchObject({ encoding: "xlsx", sheets: ["事案台帳", "2023年度"], imported: 0, error: "シート「集計」はこのブックにありません。あるシート: 「事案台帳」、「2023年度」" });
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain("ファイル: ledger.xlsx  Excel ブック(.xlsx)  シート: 事案台帳(ブックのシート: 事案台帳、2023年度)");
  });
});
