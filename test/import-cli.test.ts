/**
 * The import command as scripts call it (docs/spec/csv-import.md, "The command line"): the real process, its stdout
 * and its exit status. Fixtures are copied to a temp dir first (the command writes error files beside the input),
 * and each test uses its own database under DATABASE_PATH, created beforehand so parallel runs never race to migrate.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.server";
import { shiftDay, todayInTokyo } from "~/modules/incidents/dates";
import { startImportCli } from "./cli";

const FIXTURES = fileURLToPath(new URL("./fixtures/import/", import.meta.url));
const CONTRACT_KEYS = ["file", "encoding", "rows", "imported", "updated", "duplicates", "invalid", "dryRun", "batchId", "errors"];
/**
 * The command judges dates against the real today, so invalid.csv's future row (E-5) is re-dated to a month after the
 * day the test runs: it is in the future whenever that is. (The unit tests give the importer its `today` instead.)
 */
const FUTURE_DAY = shiftDay(todayInTokyo(), 30);

let tmp: string;
let files: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-cli-"));
  files = path.join(tmp, "files");
  fs.cpSync(FIXTURES, files, { recursive: true });
  const invalid = path.join(files, "invalid.csv");
  const text = fs.readFileSync(invalid, "utf8");
  const redated = text.replace(/^E-5,\d{4}-\d{2}-\d{2},/m, `E-5,${FUTURE_DAY},`);
  if (redated === text) throw new Error("invalid.csv has no row E-5 to re-date");
  fs.writeFileSync(invalid, redated);
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const file = (name: string) => path.join(files, name);
let databases = 0;
/** A fresh, migrated database file. */
function newDatabase(): string {
  const p = path.join(tmp, `db-${++databases}`, "kasuhara.db");
  openDatabase(p).$client.close();
  return p;
}
function countRows(dbPath: string, table: "incidents" | "import_batches"): number {
  const db = openDatabase(dbPath);
  try {
    return (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    db.$client.close();
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
async function cli(dbPath: string, ...args: string[]): Promise<Run> {
  const run = startImportCli(dbPath, args);
  const { code } = await run.exited;
  return { code, ...run.output };
}
/** stdout must be exactly one JSON value (JSON.parse refuses anything around it); returns it. */
function json(r: Run): Record<string, unknown> {
  let value: unknown;
  expect(() => (value = JSON.parse(r.stdout)), `stdout is not one JSON value:\n${r.stdout}\n${r.stderr}`).not.toThrow();
  return value as Record<string, unknown>;
}

// Each process costs about a second of tsx start-up (more on a loaded machine).
describe("npm run import -- FILE", { timeout: 60_000 }, () => {
  it("commits a batch with exit 0 and prints one JSON object with the contract's keys; --batches lists it and --undo removes its incidents", async () => {
    const db = newDatabase();
    const run = await cli(db, file("sample-sjis.csv"), "--json");
    expect(run.code, run.stderr).toBe(0);
    const out = json(run);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(CONTRACT_KEYS));
    expect(out).toMatchObject({
      file: "sample-sjis.csv", encoding: "shift_jis", rows: 5, imported: 5, updated: 0, duplicates: 0, invalid: 0, dryRun: false, errors: [],
    });
    expect(out.batchId).toEqual(expect.any(String));
    expect(countRows(db, "incidents")).toBe(5);

    const listed = await cli(db, "--batches", "--json");
    expect(listed.code).toBe(0);
    const batches = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({
      id: out.batchId, fileName: "sample-sjis.csv", encoding: "shift_jis", rows: 5, imported: 5, stored: 5, undoneAt: null,
    });

    const undo = await cli(db, "--undo", out.batchId as string, "--json");
    expect(undo.code, undo.stderr).toBe(0);
    expect(json(undo)).toEqual({ batchId: out.batchId, deleted: 5, restored: 0 });
    expect(countRows(db, "incidents")).toBe(0);

    const twice = await cli(db, "--undo", out.batchId as string);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("このバッチは既に取り消されています。");
  });

  it("exits 1 when invalid rows stopped the import (every error in the JSON) and 0 with --skip-invalid, which stores the valid rows", async () => {
    const [stopped, skipped] = await Promise.all([
      (async () => {
        const db = newDatabase();
        return { db, run: await cli(db, file("invalid.csv"), "--json") };
      })(),
      (async () => {
        const db = newDatabase();
        return { db, run: await cli(db, file("quoted.csv"), "--skip-invalid", "--json") };
      })(),
    ]);

    expect(stopped.run.code, stopped.run.stderr).toBe(1);
    const out = json(stopped.run);
    // Nothing was stored, so nothing is counted as stored; what the two valid rows would do is under `valid`.
    expect(out).toMatchObject({
      rows: 6, imported: 0, updated: 0, duplicates: 0, invalid: 4, dryRun: false, batchId: null,
      valid: { rows: 2, imported: 2, updated: 0, duplicates: 0 }, blocked: true, committed: false,
    });
    const errors = out.errors as Record<string, unknown>[];
    expect(errors.map((e) => [e.row, e.column, e.value])).toEqual([
      [3, "発生日時", "令和元年4月1日"],
      [4, "発生場面", "FAX"],
      [5, "終了日", "2025-04-01"],
      [6, "発生日時", FUTURE_DAY],
    ]);
    for (const e of errors) {
      expect(Object.keys(e).sort()).toEqual(["column", "message", "row", "value"]);
      expect(e.message).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    }
    expect(countRows(stopped.db, "incidents")).toBe(0);
    expect(countRows(stopped.db, "import_batches")).toBe(0);

    expect(skipped.run.code, skipped.run.stderr).toBe(0);
    const kept = json(skipped.run);
    expect(kept).toMatchObject({ rows: 4, imported: 3, invalid: 1, batchId: expect.any(String) });
    expect(kept.errors).toEqual([{ row: 9, column: "発生場面", value: "FAX", message: expect.stringContaining("FAX") }]);
    expect(countRows(skipped.db, "incidents")).toBe(3);
    // The rows that failed were written beside the file, to be corrected and imported again.
    expect(fs.readFileSync(file("quoted.errors.csv"), "utf8")).toContain("エラー");
  });

  it("a dry run exits 0 when no row is invalid and 1 when some are, storing nothing either way", async () => {
    const db = newDatabase();
    const [clean, dirty] = await Promise.all([
      cli(db, file("sample-utf16le.txt"), "--dry-run", "--json"),
      cli(db, file("invalid.csv"), "--dry-run", "--skip-invalid", "--json"),
    ]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(json(clean)).toMatchObject({
      encoding: "utf-16le", rows: 5, imported: 0, updated: 0, duplicates: 0, invalid: 0, dryRun: true, batchId: null,
      valid: { rows: 5, imported: 5, updated: 0, duplicates: 0 },
    });
    expect(dirty.code, dirty.stderr).toBe(1);
    expect(json(dirty)).toMatchObject({
      rows: 6, imported: 0, updated: 0, duplicates: 0, invalid: 4, dryRun: true, batchId: null,
      valid: { rows: 2, imported: 2, updated: 0, duplicates: 0 },
    });
    expect(countRows(db, "incidents")).toBe(0);
    expect(countRows(db, "import_batches")).toBe(0);
  });

  it("on a terminal, a stopped run says 0 stored and what its valid rows would store", async () => {
    const db = newDatabase();
    const run = await cli(db, file("invalid.csv"));
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain("行数 6  エラー 4  保存 0件 — 正しい行 2件を保存すると: 取込 2  更新 0  重複 0");
    expect(run.stdout).toContain("エラーがあるため何も保存していません。");
    expect(run.stdout).not.toMatch(/^行数 6  取込 2/m);
    expect(countRows(db, "incidents")).toBe(0);
  });

  it("exits 2 for a file it cannot use: binary, a required column missing, empty, an encoding it cannot tell", async () => {
    const db = newDatabase();
    const [binary, missing, empty, latin1] = await Promise.all([
      cli(db, file("binary.csv"), "--json"),
      cli(db, file("missing-column.csv"), "--json"),
      cli(db, file("empty.csv")),
      cli(db, file("latin1.csv"), "--json"),
    ]);
    expect([binary.code, missing.code, empty.code, latin1.code]).toEqual([2, 2, 2, 2]);
    for (const r of [binary, missing, latin1]) {
      expect(Object.keys(json(r))).toEqual(expect.arrayContaining(CONTRACT_KEYS.filter((k) => k !== "encoding")));
    }
    expect(json(binary)).toMatchObject({ imported: 0, batchId: null, errors: [], error: expect.stringContaining("テキスト形式のCSVではありません") });
    expect(json(missing)).toMatchObject({ imported: 0, batchId: null, error: "必須の列がありません: 発生場面" });
    expect(empty.stderr).toContain("ファイルが空です。");
    expect(json(latin1)).toMatchObject({ imported: 0, batchId: null, error: expect.stringContaining("文字コードを判別できません") });
    expect(countRows(db, "import_batches")).toBe(0);
  });

  it("exits 2 for a wrong command line: no file, an unknown --encoding, an unknown option", async () => {
    const db = newDatabase();
    const [noFile, badEncoding, badOption] = await Promise.all([
      cli(db, "--json"),
      cli(db, file("sample-utf8.csv"), "--encoding", "latin1"),
      cli(db, file("sample-utf8.csv"), "--frobnicate"),
    ]);
    expect([noFile.code, badEncoding.code, badOption.code]).toEqual([2, 2, 2]);
    expect(noFile.stderr).toContain("usage:");
    expect(badEncoding.stderr).toContain('unknown --encoding "latin1"');
    expect(badOption.stderr).toContain("usage:");
    expect(countRows(db, "incidents")).toBe(0);
  });
});

describe("npm run import: presets and saved mappings (issue 16)", { timeout: 60_000 }, () => {
  it("reads a form export with its preset, takes --preset and --mapping, and refuses an unknown one with exit 2", async () => {
    const db = newDatabase();
    const google = await cli(db, file("google-forms.csv"), "--json", "--dry-run");
    expect(google.code, google.stderr).toBe(0);
    expect(json(google)).toMatchObject({ preset: "googleforms", savedMapping: null, rows: 3, invalid: 0, closedDateUnknown: 1 });
    const none = await cli(db, file("google-forms.csv"), "--json", "--dry-run", "--preset", "none");
    expect([none.code, json(none).preset, json(none).invalid]).toEqual([1, null, 2]);
    const badPreset = await cli(db, file("google-forms.csv"), "--preset", "excel");
    expect([badPreset.code, badPreset.stderr]).toEqual([2, expect.stringContaining('unknown --preset "excel"')]);
    const badMapping = await cli(db, file("google-forms.csv"), "--mapping", "ない名前");
    expect([badMapping.code, badMapping.stderr]).toEqual([2, expect.stringContaining("「ない名前」という名前で保存した列の対応付けはありません")]);
  });
});
