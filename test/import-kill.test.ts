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
import { writeLoadCsv } from "../scripts/bench-load";

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

const sizeOf = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("an import killed part-way", () => {
  it("leaves the database as it was: integrity ok, no incident, no batch", { timeout: 60_000 }, async () => {
    const csv = path.join(tmp, "large.csv");
    writeLoadCsv(csv, ROWS);
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
