/**
 * Bad input for the importer: hostile files (empty, binary renamed .csv, 10,000 columns, a 5 MB cell, 100,000 quotes,
 * an unclosed quote, NUL and U+FFFD in cells, invalid bytes in every encoding) and ~200 seeded-random ones, each
 * through importFile on a file database. Every one must end as an unusable file with a message, or as a result with
 * invalid rows, their messages, and nothing committed; and the database must be exactly as before (a SHA-256 over
 * every table). A few go through the real command line: exit 1 or 2, one JSON object, never a stack trace.
 *
 * Deterministic: a fixed seed for a small PRNG (mulberry32), so a failure names a case that can be run again.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../db/client.server";
import { seedDemo } from "~/modules/demo/seed.server";
import { importFile, type ImportResult, UnusableFile } from "~/modules/import/commit.server";
import { guessLineEnding, MAX_RECORD_CHARS, RecordGuard, RecordTooLong } from "~/modules/import/record-guard";
import { startImportCli } from "./cli";
import { encode, H, hostileFiles, randomCsv, Rng, ROW } from "./fuzz-inputs";
import { TODAY } from "./helpers";

/** Fixed, so a run can be repeated; FUZZ_SEED=n tries another. */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_2026);
const RANDOM_FILES = 200;
/** A case that takes longer than this (on a loaded CI machine) has found something slow. */
const CASE_BUDGET_MS = 8_000;

// ---------- the database, and its fingerprint ----------

let tmp: string;
let dbPath: string;
let db: Db;

/** SHA-256 over every row of every table (rows sorted, so only content counts). */
function fingerprint(database: Db): string {
  const hash = createHash("sha256");
  const tables = database.$client
    .prepare("select name from sqlite_master where type = 'table' order by name")
    .all() as { name: string }[];
  for (const { name } of tables) {
    const rows = (database.$client.prepare(`select * from "${name.replace(/"/g, '""')}"`).raw().all() as unknown[][]).map((row) =>
      JSON.stringify(row.map((v) => (Buffer.isBuffer(v) ? v.toString("hex") : typeof v === "bigint" ? String(v) : v))),
    );
    hash.update(`${name}\n${rows.sort().join("\n")}\n`);
  }
  return hash.digest("hex");
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-fuzz-"));
  dbPath = path.join(tmp, "fuzz.db");
  db = openDatabase(dbPath);
  seedDemo(db, { incidents: 40, until: TODAY });
});
afterAll(() => {
  db?.$client.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

type Outcome = { kind: "unusable"; message: string } | { kind: "result"; result: ImportResult };

async function importHostile(name: string, content: Buffer): Promise<{ outcome: Outcome; ms: number }> {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  const started = performance.now();
  try {
    const result = await importFile(db, file, { today: TODAY, errorFilePath: path.join(tmp, `${name}.errors.csv`) });
    return { outcome: { kind: "result", result }, ms: performance.now() - started };
  } catch (e) {
    if (e instanceof UnusableFile) {
      const message = e.reason === "recordTooLong" ? e.detail.key : e.message;
      return { outcome: { kind: "unusable", message }, ms: performance.now() - started };
    }
    throw new Error(`${name}: importFile threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** What a hostile file must end in: a reason it cannot be read, or row errors with messages and nothing stored. */
function problemsOf(name: string, outcome: Outcome): string[] {
  if (outcome.kind === "unusable") return outcome.message.trim() ? [] : [`${name}: unusable without a message`];
  const r = outcome.result;
  const problems: string[] = [];
  if (r.committed || r.batchId !== null) problems.push(`${name}: committed a batch`);
  if (r.invalid < 1) problems.push(`${name}: no invalid row (rows ${r.rows}, imported ${r.imported}, duplicates ${r.duplicates})`);
  if (r.errors.length < 1 || r.errors.some((e) => !e.message.trim() || !/[\u3040-\u30ff\u4e00-\u9fff]/.test(e.message))) {
    problems.push(`${name}: errors without a Japanese message: ${JSON.stringify(r.errors.slice(0, 3))}`);
  }
  // An error quotes the start of a cell, not a 5 MB cell (the page, the JSON and the log all carry it).
  const longest = Math.max(0, ...r.errors.map((e) => e.value.length));
  if (longest > 1000 && !r.errors.some((e) => e.messageKey.key === "import.row.quotes")) problems.push(`${name}: an error quotes ${longest} characters`);
  return problems;
}

describe("importing hostile files", () => {
  it("ends every named hostile file in an unusable file or refused rows, quickly, and changes nothing", async () => {
    const before = fingerprint(db);
    const problems: string[] = [];
    const times: string[] = [];
    for (const { name, content } of hostileFiles(new Rng(SEED))) {
      const { outcome, ms } = await importHostile(name, content);
      problems.push(...problemsOf(name, outcome));
      if (ms > CASE_BUDGET_MS) problems.push(`${name}: took ${Math.round(ms)} ms`);
      times.push(`${name} ${Math.round(ms)} ms → ${outcome.kind === "unusable" ? outcome.message.slice(0, 40) : `invalid ${outcome.result.invalid}`}`);
    }
    console.log(`hostile files:\n  ${times.join("\n  ")}`);
    expect(problems).toEqual([]);
    expect(fingerprint(db)).toBe(before);
  }, 120_000);

  it(`ends ${RANDOM_FILES} seeded-random files the same way (seed ${SEED})`, async () => {
    const rng = new Rng(SEED + 1);
    const before = fingerprint(db);
    const problems: string[] = [];
    const tally = { unusable: 0, refused: 0 };
    const reasons = new Map<string, number>();
    const started = performance.now();
    for (let i = 0; i < RANDOM_FILES; i++) {
      const { content, note } = randomCsv(rng);
      const name = `random-${i}.csv`;
      const { outcome, ms } = await importHostile(name, content);
      problems.push(...problemsOf(`${name} (${note})`, outcome));
      if (ms > CASE_BUDGET_MS) problems.push(`${name}: took ${Math.round(ms)} ms`);
      tally[outcome.kind === "unusable" ? "unusable" : "refused"]++;
      if (outcome.kind === "unusable") reasons.set(outcome.message.slice(0, 16), (reasons.get(outcome.message.slice(0, 16)) ?? 0) + 1);
    }
    console.log(
      `${RANDOM_FILES} random files in ${Math.round(performance.now() - started)} ms: ${tally.refused} with refused rows, ` +
        `${tally.unusable} unusable (${[...reasons].map(([m, n]) => `${m}… ×${n}`).join(", ")})`,
    );
    expect(problems).toEqual([]);
    expect(tally.refused).toBeGreaterThan(RANDOM_FILES / 2); // most get as far as their rows
    expect(fingerprint(db)).toBe(before);
    expect(db.$client.pragma("integrity_check", { simple: true })).toBe("ok");
  }, 120_000);

  it("reads a long record up to the ceiling and refuses one past it, as an unusable file", async () => {
    const under = await importHostile("long-under.csv", Buffer.from(`${H}${ROW}"${"a".repeat(MAX_RECORD_CHARS - 100)}"\r\n`));
    expect(under.outcome.kind).toBe("result"); // read, then refused as too long for the field
    const over = await importHostile("long-over.csv", Buffer.from(`${H}${ROW}"${"a".repeat(MAX_RECORD_CHARS + 1)}"\r\n`));
    expect(over.outcome).toEqual({ kind: "unusable", message: "import.file.recordTooLong" });
  });
});

describe("the record ceiling", () => {
  it("follows papaparse's records exactly, whatever the quotes, line endings and chunking (seeded)", () => {
    const rng = new Rng(SEED + 2);
    const cells = ['"', '""', '"a"b', 'a"b', '"x, y"', '"line\r\nbreak"', '"\n"', '" "', "\t", "ab", "", " ", '"a" ,', "x\ry"];
    for (let n = 0; n < 300; n++) {
      const delimiter = rng.chance(0.3) ? "\t" : ",";
      const newline = rng.pick(["\r\n", "\n", "\r"]);
      const header = ["発生日時", "発生場面", "行為類型"].join(delimiter) + newline;
      const rows = Array.from({ length: 1 + rng.int(12) }, () => Array.from({ length: 1 + rng.int(5) }, () => rng.pick(cells)).join(delimiter));
      const text = header + rows.join(newline) + (rng.chance(0.5) ? newline : "");
      // What the guard hands on first (here: the header line, up to a character that is not a CR), papaparse guesses its
      // line ending from.
      let cut = header.length + 1;
      while (cut < text.length && text[cut - 1] === "\r") cut++;
      const first = text.slice(0, cut);
      // The longest record as papaparse cuts them (what it holds in memory at once).
      let longest = 0;
      let last = 0;
      Papa.parse<string[]>(text, {
        delimiter,
        newline: guessLineEnding(first),
        step: (r) => {
          longest = Math.max(longest, r.meta.cursor - last);
          last = r.meta.cursor;
        },
      });
      const feed = (limit: number) => {
        const guard = new RecordGuard(limit, 1);
        expect(guard.push(first)).toBe(first.endsWith("\r") ? "" : first);
        for (let i = first.length; i < text.length; ) {
          const size = 1 + rng.int(8);
          guard.push(text.slice(i, i + size));
          i += size;
        }
        guard.end();
      };
      const label = JSON.stringify(text);
      expect(() => feed(longest + 2), label).not.toThrow(); // a line ending may be counted with its record
      if (longest > 6) expect(() => feed(longest - 3), label).toThrow(RecordTooLong);
    }
  });
});

describe("the command line on hostile files", () => {
  const cases: { name: string; content: () => Buffer; code: 1 | 2 }[] = [
    { name: "empty.csv", content: () => Buffer.alloc(0), code: 2 },
    { name: "binary.csv", content: () => new Rng(SEED).bytes(8192), code: 2 },
    { name: "cell-5mb.csv", content: () => Buffer.from(`${H}${ROW}"${"a".repeat(5 * 1024 * 1024)}"\r\n`), code: 2 },
    { name: "unclosed.csv", content: () => Buffer.from(`${H}${ROW}"abc\r\n${ROW}def\r\n`), code: 1 },
    { name: "nul-cell.csv", content: () => encode(`${H}${ROW}a\u0000b\r\n`, "utf-16le"), code: 1 },
    { name: "controls.csv", content: () => Buffer.from(`${H}${ROW}\u0007\r\n${ROW}\uFFFD\r\n`), code: 1 },
  ];

  it("exits 1 or 2 with one JSON object and a message, never a stack trace, and stores nothing", async () => {
    const cliDb = path.join(tmp, "cli", "kasuhara.db");
    const seeded = openDatabase(cliDb);
    seedDemo(seeded, { incidents: 10, until: TODAY });
    const before = fingerprint(seeded);
    seeded.$client.close();
    const runs = await Promise.all(
      cases.map(async (c) => {
        const file = path.join(tmp, "cli", c.name);
        fs.writeFileSync(file, c.content());
        const run = startImportCli(cliDb, [file, "--json"]);
        const { code } = await run.exited;
        return { ...c, code: code, expected: c.code, ...run.output };
      }),
    );
    for (const r of runs) {
      const label = `${r.name}: exit ${r.code}\n${r.stdout.slice(0, 500)}\n${r.stderr.slice(0, 2000)}`;
      expect(r.code, label).toBe(r.expected);
      expect(`${r.stdout}\n${r.stderr}`, label).not.toMatch(/^\s+at .+[:(]\d+:\d+\)?$|Error: |node:internal/m);
      const out = JSON.parse(r.stdout) as { error?: string; invalid: number; errors: { message: string }[] };
      if (r.expected === 2) expect(out.error, label).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      else expect(out.invalid > 0 && out.errors.every((e) => e.message.length > 0), label).toBe(true);
    }
    const after = openDatabase(cliDb);
    try {
      expect(fingerprint(after)).toBe(before);
    } finally {
      after.$client.close();
    }
  }, 120_000);
});
