/**
 * The import's progress (docs/decisions/0020): the arithmetic (rows per second, time left, the bar's fraction), what a
 * real check and commit report stage by stage, the terminal line, the registry the page's stream reads (who may follow
 * which import), and that the chunked merge stores exactly what the one-statement merge did.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../db/client.server";
import { translate } from "~/i18n";
import { importFile } from "~/modules/import/commit.server";
import { MERGE_CHUNK_ROWS } from "~/modules/import/merge.server";
import {
  describeProgress,
  type ImportProgress,
  IMPORT_STAGES,
  isProgressId,
  overallFraction,
  ProgressMeter,
  remainingSeconds,
  smoothRate,
  throttleProgress,
} from "~/modules/import/progress";
import { progressLine, terminalProgress } from "~/modules/import/progress-terminal";
import { clearProgressRegistry, reporterFor, watchProgress } from "~/modules/import/progress-registry.server";
import { createIncident } from "~/modules/incidents/mutations.server";
import { incidentInput, TODAY } from "./helpers";
import { startImportCli } from "./cli";

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-progress-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A valid file of `rows` incidents (refs from `from`), days counted back from a fixed past day. */
function writeFile(name: string, rows: number, from = 0): string {
  const file = path.join(tmp, name);
  const lines = ["管理番号,発生日時,発生場面,行為類型,概要"];
  for (let i = from; i < from + rows; i++) {
    lines.push(`G-${i},2025/${1 + (i % 12)}/${1 + (i % 28)} ${9 + (i % 9)}:${String(i % 60).padStart(2, "0")},電話,暴言;MA05,行 ${i}`);
  }
  fs.writeFileSync(file, `${lines.join("\r\n")}\r\n`);
  return file;
}

const ja = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate("ja", key, params);

describe("the arithmetic", () => {
  it("takes the first pace as it is, then smooths it by the time elapsed", () => {
    expect(smoothRate(undefined, 1_000, 500)).toBe(2_000);
    // Twice as fast for one time constant: the smoothed pace goes 63 % of the way.
    expect(smoothRate(2_000, 2_000, 500, 500)).toBeCloseTo(2_000 + 2_000 * (1 - Math.exp(-1)), 6);
    // The same change over more calls ends at the same place.
    let a = 1_000;
    for (let i = 0; i < 10; i++) a = smoothRate(a, 300, 100, 1_000);
    const b = smoothRate(1_000, 3_000, 1_000, 1_000);
    expect(a).toBeCloseTo(b, 6);
    expect(smoothRate(500, 10, 0)).toBe(500);
  });

  it("estimates the time left only when there is a pace and enough done", () => {
    expect(remainingSeconds(25, 100, 5)).toBe(15);
    expect(remainingSeconds(0, 100, 5)).toBeUndefined();
    expect(remainingSeconds(50, 100, 0)).toBeUndefined();
    expect(remainingSeconds(100, 100, 5)).toBe(0);
  });

  it("shares the bar between the stages, and gives all of it to reading in a check", () => {
    expect(overallFraction("reading", 0.5, false)).toBeCloseTo(0.485, 6);
    expect(overallFraction("reading", 1, true)).toBeCloseTo(0.55, 6);
    expect(overallFraction("storing", 0.5, true)).toBeCloseTo(0.8, 6);
    expect(overallFraction("done", 0, false)).toBe(1);
  });

  it("meters a run: throttled within a stage, every change of stage, pace and time left from the bytes", () => {
    let now = 0;
    const seen: ImportProgress[] = [];
    const meter = new ProgressMeter((p) => seen.push(p), { willStore: true, now: () => now, intervalMs: 100 });
    for (let i = 1; i <= 20; i++) {
      now = i * 50; // 1,000 rows (100 KB) every 50 ms: 20,000 rows/s
      meter.reading(i * 1_000, i * 100_000, 4_000_000);
    }
    expect(seen.length).toBe(10); // one report per 100 ms: at 50, 150, … 950 ms
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ stage: "reading", rowsRead: 19_000, bytesRead: 1_900_000, bytesTotal: 4_000_000, rowsPerSecond: 20_000 });
    // 2.1 MB left at 2 MB/s.
    expect(last.etaSeconds).toBe(1);
    meter.enter("indexing", { rowsRead: 40_000 });
    meter.enter("storing", { rowsToStore: 30_000 });
    now += 500;
    meter.storing(15_000);
    const storing = seen.at(-1)!;
    expect(storing).toMatchObject({ stage: "storing", rowsRead: 40_000, rowsTotal: 40_000, rowsStored: 15_000, rowsToStore: 30_000, rowsPerSecond: 30_000 });
    expect(storing.etaSeconds).toBe(1);
    expect(storing.fraction).toBeCloseTo(0.8, 6);
    meter.done();
    expect(seen.at(-1)).toMatchObject({ stage: "done", fraction: 1, etaSeconds: 0 });
    const fractions = seen.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((x, y) => x - y));
  });

  it("throttles reports but lets every change of stage and the end through", () => {
    let now = 0;
    const out: string[] = [];
    const report = throttleProgress((p) => out.push(`${p.stage}:${p.rowsRead}`), 200, () => now);
    const p = (stage: ImportProgress["stage"], rowsRead: number) => ({ stage, rowsRead, rowsStored: 0, bytesRead: 0, bytesTotal: 0, rowsPerSecond: 0, fraction: 0 });
    for (let i = 0; i < 10; i++) {
      now = i * 50;
      report(p("reading", i));
    }
    report(p("indexing", 10));
    report(p("done", 10));
    expect(out).toEqual(["reading:0", "reading:4", "reading:8", "indexing:10", "done:10"]);
  });

  it("says it in words: rows (estimated while reading), pace and time left", () => {
    const base = { rowsStored: 0, bytesTotal: 1_000_000, rowsPerSecond: 4_100, fraction: 0.1 };
    expect(describeProgress({ ...base, stage: "reading", rowsRead: 12_000, bytesRead: 120_000, etaSeconds: 22 }, ja).text).toBe(
      "12,000 / 約100,000行 · 4,100行/秒 · 残り約22秒",
    );
    expect(describeProgress({ ...base, stage: "storing", rowsRead: 100_000, rowsTotal: 100_000, rowsStored: 40_000, rowsToStore: 90_000, bytesRead: 1_000_000, etaSeconds: 75 }, ja)).toEqual({
      stage: "保存しています",
      parts: ["保存 40,000 / 90,000件", "4,100行/秒", "残り約1分15秒"],
      text: "保存 40,000 / 90,000件 · 4,100行/秒 · 残り約1分15秒",
    });
  });

  it("accepts only ids of the page's shape", () => {
    expect(isProgressId("iSu8n5oeG6iJm_fdkJGNqQ")).toBe(true);
    for (const bad of ["", "short", "../../etc/passwd-and-more-chars", "a b c d e f g h i j k l m n", "x".repeat(65), null, 42]) {
      expect(isProgressId(bad), String(bad)).toBe(false);
    }
  });
});

describe("the stages an import reports", () => {
  let db: Db;
  let dbFile: string;
  beforeEach(() => {
    dbFile = path.join(tmp, `run-${Math.random().toString(36).slice(2)}.db`);
    db = openDatabase(dbFile);
    return () => db.$client.close();
  });

  function checkRun(seen: ImportProgress[], rows: number) {
    const stages = seen.map((p) => p.stage).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    const reads = seen.map((p) => p.rowsRead);
    expect(reads).toEqual([...reads].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({ stage: "done", rowsRead: rows, rowsTotal: rows, fraction: 1 });
    const fractions = seen.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    return stages;
  }

  it("a check: reading, indexing, done", { timeout: 60_000 }, async () => {
    const file = writeFile("check.csv", 30_000);
    const seen: ImportProgress[] = [];
    const r = await importFile(db, file, { today: TODAY, errorFilePath: null, dryRun: true, onProgress: (p) => seen.push({ ...p }) });
    expect(r.rows).toBe(30_000);
    expect(checkRun(seen, 30_000)).toEqual(["reading", "indexing", "done"]);
    expect(seen.filter((p) => p.stage === "reading").length).toBeGreaterThan(1);
    expect(seen.every((p) => p.bytesTotal === fs.statSync(file).size)).toBe(true);
  });

  it("a commit: reading, indexing, storing chunk by chunk, done; and checking when someone wrote meanwhile", async () => {
    const rows = MERGE_CHUNK_ROWS * 2 + 5_000;
    const file = writeFile("commit.csv", rows);
    const seen: ImportProgress[] = [];
    let wrote = false;
    const other = openDatabase(dbFile);
    const r = await importFile(db, file, {
      today: TODAY,
      errorFilePath: null,
      onProgress: (p) => {
        seen.push({ ...p });
        // Another user saves an incident while the file is read: the merge checks the de-duplication again.
        if (!wrote && p.stage === "reading") {
          createIncident(other, incidentInput({ ref: "OTHER-1" }), { today: TODAY });
          wrote = true;
        }
      },
    });
    other.$client.close();
    expect(r.committed).toBe(true);
    expect(r.imported).toBe(rows);
    expect(checkRun(seen, rows)).toEqual(["reading", "indexing", "storing", "checking", "storing", "done"]);
    const stored = seen.filter((p) => p.stage === "storing").map((p) => p.rowsStored);
    expect(stored).toEqual([...stored].sort((a, b) => a - b));
    expect(new Set(stored).size).toBeGreaterThanOrEqual(3);
    expect(stored.at(-1)).toBe(rows);
    expect(seen.filter((p) => p.stage === "storing").at(-1)?.rowsToStore).toBe(rows);
  }, 60_000);
});

describe("the chunked merge", () => {
  /** Everything an import stores but its clock and its batch's random id. */
  function stored(db: Db) {
    const q = (sql: string) => db.$client.prepare(sql).raw().all();
    return {
      incidents: q("select * from incidents order by id").map((r) => (r as unknown[]).filter((v) => typeof v !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d|^[0-9a-f-]{36}$/.test(v))),
      codes: q("select * from incident_codes order by incident_id, field, code"),
      departments: q("select id, name, normalized_name, in_tokyo from departments order by id"),
      clients: q("select id, name, normalized_name, counterparty_type from clients order by id"),
      months: q("select * from analytics_months order by 1, 2"),
    };
  }

  it("stores exactly what one statement stores: ids, values, codes, names, with a duplicate and chunks of every size", { timeout: 60_000 }, async () => {
    const rows = MERGE_CHUNK_ROWS + 1_234;
    const file = writeFile("chunks.csv", rows);
    const runs = [];
    for (const chunkRows of [Infinity, MERGE_CHUNK_ROWS, 7_001]) {
      const db = openDatabase(path.join(tmp, `chunks-${chunkRows}.db`));
      try {
        createIncident(db, incidentInput({ ref: "G-7" }), { today: TODAY }); // a duplicate in the file
        const r = await importFile(db, file, { today: TODAY, errorFilePath: null, mergeChunkRows: chunkRows });
        expect(r).toMatchObject({ committed: true, imported: rows - 1, duplicates: 1 });
        runs.push(stored(db));
        // Ids in file order after the one incident before (G-i is record i + 2, the header being record 1).
        const ids = db.$client.prepare("select id, ref from incidents where batch_id is not null order by id").raw().all() as [number, string][];
        expect(ids.length).toBe(rows - 1);
        for (const [id, ref] of ids) expect(id).toBe(1 + Number(ref.slice(2)) + 2);
      } finally {
        db.$client.close();
      }
    }
    expect(runs[0].incidents.length).toBe(rows);
    expect(runs[0].codes.length).toBe(2 * (rows - 1) + 3); // the incident before has a behaviour and two responses
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});

describe("the terminal", () => {
  it("draws stage, bar, percent, rows, pace and time left on one line", () => {
    const line = progressLine({ stage: "reading", rowsRead: 41_000, rowsStored: 0, bytesRead: 410_000, bytesTotal: 1_000_000, rowsPerSecond: 4_100, etaSeconds: 14, fraction: 0.41 * 0.55 }, 20);
    expect(line).toBe("読込・検査 [#####...............]  22% 41,000 / 約100,000行 · 4,100行/秒 · 残り約14秒");
  });

  it("is cut to the terminal's width, counting Japanese characters as two columns", () => {
    const p: ImportProgress = { stage: "reading", rowsRead: 41_000, rowsStored: 0, bytesRead: 410_000, bytesTotal: 1_000_000, rowsPerSecond: 4_100, etaSeconds: 14, fraction: 0.2 };
    // The default bar leaves the whole line to an 80-column terminal.
    expect(progressLine(p, undefined, 79)).toBe("読込・検査 [##..........]  20% 41,000 / 約100,000行 · 4,100行/秒 · 残り約14秒");
    const line = progressLine(p, 16, 60);
    expect(line).toBe("読込・検査 [###.............]  20% 41,000 / 約100,000行 · 4…");
    const width = [...line].reduce((w, ch) => w + (/[\u3000-\u9fff]/.test(ch) ? 2 : 1), 0);
    expect(width).toBeLessThanOrEqual(79);
  });

  it("is not drawn when stderr is not a terminal", () => {
    expect(terminalProgress({ isTTY: false } as NodeJS.WriteStream)).toBeUndefined();
  });

  it("redraws in place at most 10 times a second and ends the line", () => {
    let written = "";
    const stream = { isTTY: true, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
    const progress = terminalProgress(stream)!;
    const p: ImportProgress = { stage: "reading", rowsRead: 1, rowsStored: 0, bytesRead: 1, bytesTotal: 10, rowsPerSecond: 0, fraction: 0 };
    for (let i = 0; i < 50; i++) progress.onProgress({ ...p, rowsRead: i });
    progress.onProgress({ ...p, stage: "done", fraction: 1 });
    expect(written.split("\r").length - 1).toBe(2);
    expect(written.endsWith("\n")).toBe(true);
  });

  it("npm run import prints no progress when stderr is not a terminal", async () => {
    const dbPath = path.join(tmp, "cli.db");
    openDatabase(dbPath).$client.close();
    const cli = startImportCli(dbPath, [writeFile("cli.csv", 2_000), "--dry-run"]);
    const { code } = await cli.exited;
    expect(code).toBe(0);
    expect(cli.output.stderr).not.toMatch(/\r|行\/秒|%/);
  }, 60_000);
});

/** `script` (util-linux) runs the command on a pseudo-terminal: the real TTY path of `npm run import`. */
const hasScript = fs.existsSync("/usr/bin/script");

function onTerminal(dbPath: string, args: string[]): Promise<string> {
  const command = ["node", "--import", "tsx", "scripts/import.ts", ...args].map((a) => `'${a}'`).join(" ");
  return new Promise((resolve, reject) => {
    execFile("script", ["-qec", command, "/dev/null"], { env: { ...process.env, DATABASE_PATH: dbPath }, cwd: path.resolve(".") }, (e, stdout) =>
      e && e.code !== 1 ? reject(e) : resolve(stdout),
    );
  });
}

describe.skipIf(!hasScript)("npm run import on a terminal", () => {
  it("draws the bar in place on stderr, ends its line, and draws nothing with --json", async () => {
    const dbPath = path.join(tmp, "tty.db");
    openDatabase(dbPath).$client.close();
    const csv = writeFile("tty.csv", 20_000);
    const shown = await onTerminal(dbPath, [csv, "--dry-run"]);
    expect(shown).toMatch(/\r読込・検査 \[[#.]+\]/);
    expect(shown).toMatch(/\r完了 \[#+\] 100% 20,000 \/ 20,000行\x1b\[K\r?\n/);
    expect(shown).toContain("確認のみ(--dry-run): 問題はありません。");
    const json = await onTerminal(dbPath, [csv, "--dry-run", "--json"]);
    expect(json).not.toMatch(/各行を検査|行\/秒/);
    expect(json).toContain('"rows": 20000');
  }, 60_000);
});

describe("who may follow an import", () => {
  beforeEach(() => clearProgressRegistry());
  const id = "AbCdEfGhIjKlMnOpQrStUv";
  const progress: ImportProgress = { stage: "reading", rowsRead: 5, rowsStored: 0, bytesRead: 5, bytesTotal: 10, rowsPerSecond: 1, fraction: 0.2 };

  it("refuses a malformed id and another user's id; the owner gets the reports and the end", () => {
    expect(watchProgress("../etc", 1, () => {})).toEqual({ ok: false, reason: "malformed" });
    const heard: string[] = [];
    const watched = watchProgress(id, 1, (p, done) => heard.push(done ? "done" : `${p?.rowsRead}`));
    expect(watched.ok).toBe(true);
    expect(watchProgress(id, 2, () => {})).toEqual({ ok: false, reason: "forbidden" });
    // Another user's import cannot report under this id; the owner's can, once.
    expect(reporterFor(id, 2)).toBeUndefined();
    const reporter = reporterFor(id, 1)!;
    expect(reporterFor(id, 1)).toBeUndefined();
    reporter.report(progress);
    reporter.finish();
    expect(heard).toEqual(["5", "done"]);
  });

  it("gives a stream that connects late the last report and the end at once", () => {
    const reporter = reporterFor(id, 1)!;
    reporter.report(progress);
    reporter.finish();
    const heard: [number | undefined, boolean][] = [];
    watchProgress(id, 1, (p, done) => heard.push([p?.rowsRead, done]));
    expect(heard).toEqual([[5, true]]);
  });

  it("runs no bar for a form without an id, with a malformed one, or without a user", () => {
    expect(reporterFor(null, 1)).toBeUndefined();
    expect(reporterFor("bad id", 1)).toBeUndefined();
    expect(reporterFor(id, null)).toBeUndefined();
  });

  it("knows every stage by name in both languages", () => {
    for (const stage of IMPORT_STAGES) {
      expect(translate("ja", `importProgress.stage.${stage}`)).not.toMatch(/importProgress/);
      expect(translate("en", `importProgress.stage.${stage}`)).not.toMatch(/importProgress/);
    }
  });
});
