/**
 * All or nothing under a crash (docs/spec/csv-import.md "All or nothing"): the import command is SIGKILLed while it
 * is writing a large file, and the database must be exactly as before — intact, no incident, no batch.
 *
 * The signal that the import is under way: the database starts with an empty WAL (checkpointed and truncated after
 * migrating), so the WAL growing past a few MiB means the import's open transaction is spilling its pages into it.
 * The command prints nothing before it has finished (it writes its JSON at the end and shows a progress bar only
 * on a TTY), so an empty stdout and a child still running at the kill prove the kill came mid-import.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/client.server";
import { startImportCli } from "./cli";

const ROWS = 300_000;
const WAL_SIGNAL = 4 * 1024 * 1024;
const DEADLINE_MS = 25_000;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-kill-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A valid UTF-8 CSV of `rows` incidents with distinct refs, written through a buffer. */
async function writeLargeCsv(file: string, rows: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (s: string) => new Promise<void>((resolve, reject) => out.write(s, (e) => (e ? reject(e) : resolve())));
  await write("管理番号,発生日時,部署,発生場面,顧客名,行為類型,深刻度,概要,状況,終了日\n");
  let buf = "";
  for (let i = 0; i < rows; i++) {
    const month = String(1 + (i % 9)).padStart(2, "0");
    const day = String(1 + (i % 28)).padStart(2, "0");
    buf += `BIG-${i},2025-${month}-${day} 10:${String(i % 60).padStart(2, "0")},部署${i % 40},電話,顧客${i % 5000},暴言;執拗,${1 + (i % 4)},同じ要求を繰り返した(${i}),対応中,\n`;
    if (buf.length > 1 << 20) {
      await write(buf);
      buf = "";
    }
  }
  await write(buf);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

const sizeOf = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("an import killed part-way", () => {
  it("leaves the database as it was: integrity ok, no incident, no batch", { timeout: 60_000 }, async () => {
    const csv = path.join(tmp, "large.csv");
    await writeLargeCsv(csv, ROWS);
    expect(fs.readFileSync(csv, "utf8").split("\n").length).toBe(ROWS + 2);

    // A migrated database with an empty WAL, so that any WAL growth is the import's.
    const dbPath = path.join(tmp, "kasuhara.db");
    const setup = openDatabase(dbPath);
    setup.$client.pragma("wal_checkpoint(TRUNCATE)");
    setup.$client.close();
    const wal = `${dbPath}-wal`;
    expect(sizeOf(wal)).toBe(0);

    const run = startImportCli(dbPath, [csv, "--json"]);
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    const closed = run.exited.then((e) => {
      exited = e;
    });
    const { child } = run;

    const started = Date.now();
    try {
      while (exited === null && sizeOf(wal) < WAL_SIGNAL && Date.now() - started < DEADLINE_MS) await sleep(50);
      const walAtKill = sizeOf(wal);
      // Still running, nothing printed, and the import's transaction is writing: this is mid-import.
      expect(exited, `the import ended by itself before the kill:\n${run.output.stdout}\n${run.output.stderr}`).toBeNull();
      expect(walAtKill, "the import never started writing").toBeGreaterThanOrEqual(WAL_SIGNAL);
      expect(run.output.stdout).toBe("");
      expect(child.kill("SIGKILL")).toBe(true);
      await closed;
      expect(exited).toEqual({ code: null, signal: "SIGKILL" });
    } finally {
      if (exited === null) child.kill("SIGKILL");
    }

    // A plain connection: recovery of the WAL on open, then nothing but reads.
    const db = new Database(dbPath);
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(db.prepare("select count(*) as n from incidents").get()).toEqual({ n: 0 });
      expect(db.prepare("select count(*) as n from import_batches").get()).toEqual({ n: 0 });
      expect(db.prepare("select count(*) as n from incident_codes").get()).toEqual({ n: 0 });
      expect(db.prepare("select count(*) as n from clients").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
