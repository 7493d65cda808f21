/**
 * The import pipeline stage by stage (docs/decisions/0017): the map, parse and validate stages (pipeline.ts), the
 * de-duplication stage and staging file (staging.server.ts), the merge (merge.server.ts) when another writer stored
 * rows meanwhile, and the check pass leaving the write lock to other users. The whole importer is tested end to end in
 * import.test.ts.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../db/client.server";
import { importFile } from "~/modules/import/commit.server";
import { importInWorker } from "~/modules/import/worker.server";
import { audit } from "~/modules/auth/audit.server";
import { parseImportDate, parseImportDateTime } from "~/modules/import/dates";
import { mergeStaged } from "~/modules/import/merge.server";
import { IMPORT_NODE_FLAGS } from "~/modules/import/memory";
import { readHeader, readRecord } from "~/modules/import/pipeline";
import { Staging } from "~/modules/import/staging.server";
import { createIncident, fingerprintOf } from "~/modules/incidents/mutations.server";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import type { IncidentInput } from "~/modules/incidents/schema";
import { incidentInput, memoryDb, TODAY } from "./helpers";

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "import-pipeline-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const count = (db: Db, table: string) => (db.$client.prepare(`select count(*) from ${table}`).pluck().get() as number);

describe("the map stage (readHeader)", () => {
  it("skips a blank line before the header, maps what it knows and says what is missing", () => {
    expect(readHeader(["", " "])).toBeNull();
    const h = readHeader([" 発生日時 ", "発生場面", "memo"])!;
    expect(h.headers).toEqual(["発生日時", "発生場面", "memo"]);
    expect(h.columns).toEqual([
      { header: "発生日時", field: "occurred_at" },
      { header: "発生場面", field: "channel" },
      { header: "memo", field: null },
    ]);
    expect(h.mapping.unknown).toEqual(["memo"]);
    expect(readHeader(["memo"])!.mapping.missing).toEqual(expect.arrayContaining(["occurred_at", "channel"]));
  });
});

describe("the parse and validate stages (readRecord)", () => {
  const header = readHeader(["管理番号", "発生日時", "発生場面", "行為類型", "状況", "終了日"])!;

  it("reads a record into an incident, or its cells' errors; a blank line is no record", () => {
    expect(readRecord(["", "", "", "", "", ""], false, header, TODAY)).toBeNull();
    const ok = readRecord(["KH-1", "2025/4/1 10:30", "電話", "暴言", "終了", "2025/4/2"], false, header, TODAY);
    expect(ok).toMatchObject({ ok: true, input: { ref: "KH-1", occurred_at: "2025-04-01T10:30:00+09:00", channel: "C2", behaviours: ["MA02"], status: "closed", closed_at: "2025-04-02" } });
    const bad = readRecord(["KH-2", "2025/2/30", "電話", "暴言", "", ""], false, header, TODAY);
    expect(bad).toMatchObject({ ok: false, errors: [{ column: "発生日時", value: "2025/2/30", message: { key: "import.value.nonexistentDate" } }] });
  });

  it("refuses a record whose quote was never closed, quoting its first cell", () => {
    const r = readRecord(["KH-3", "x"], true, header, TODAY);
    expect(r).toEqual({ ok: false, errors: [{ column: "管理番号", value: "KH-3", message: { key: "import.row.quotes" } }] });
  });

  it("gives every row its own lists, though a repeated cell is read once", () => {
    const a = readRecord(["", "2025/4/1", "電話", "暴言;執拗", "", ""], false, header, TODAY);
    const b = readRecord(["", "2025/4/2", "電話", "暴言;執拗", "", ""], false, header, TODAY);
    if (!a?.ok || !b?.ok) throw new Error("both rows are valid");
    expect(a.input.behaviours).toEqual(["MA02", "MA05"]);
    a.input.behaviours.push("MA01");
    expect(b.input.behaviours).toEqual(["MA02", "MA05"]);
    const c = readRecord(["", "2025/4/3", "電話", "暴言;執拗", "", ""], false, header, TODAY);
    expect(c).toMatchObject({ ok: true, input: { behaviours: ["MA02", "MA05"] } });
  });

  it("takes the stored date forms as the general reading does, and refuses the same impossible ones", () => {
    // The value, or why it is refused (the message quotes the text as typed, which differs).
    const outcome = (r: ReturnType<typeof parseImportDateTime>) => (r.ok ? r.value : r.message.key);
    const days = ["2024-02-29", "2025-02-29", "2025-04-31", "2025-12-31", "2025-13-01", "2025-00-10", "0999-01-01"];
    for (const day of days) {
      // The slash form goes through the general reading; the dash form through the shortcut.
      expect(outcome(parseImportDate(day)), day).toEqual(outcome(parseImportDate(day.replace(/-/g, "/"))));
    }
    const times = ["00:00:00", "09:05:07", "23:59:59", "24:00:00", "12:60:00", "12:00:60"];
    for (const day of ["2024-02-29", "2025-02-29"]) {
      for (const time of times) {
        expect(outcome(parseImportDateTime(`${day}T${time}+09:00`)), `${day} ${time}`).toEqual(
          outcome(parseImportDateTime(`${day.replace(/-/g, "/")} ${time} +09:00`)),
        );
      }
    }
    expect(parseImportDateTime("2025-04-01T10:30:00+09:00")).toEqual({ ok: true, value: "2025-04-01T10:30:00+09:00" });
    // Another offset is not the stored form: it is converted to Tokyo time.
    expect(parseImportDateTime("2025-04-01T10:30:00+00:00")).toEqual({ ok: true, value: "2025-04-01T19:30:00+09:00" });
  });
});

describe("the de-duplication stage and the staging file", () => {
  const stage = (staging: Staging, seq: number, input: IncidentInput, update = false) => {
    const fingerprint = fingerprintOf(input);
    const decision = staging.decide(input, fingerprint, update);
    staging.write(seq, input, decision, fingerprint);
    return decision.kind;
  };

  it("sorts rows into new, replacing and duplicate, against the database and the rows staged before", () => {
    const db = memoryDb();
    const storedId = createIncident(db, incidentInput({ ref: "KH-1" }), { today: TODAY });
    createIncident(db, incidentInput({ ref: null, summary: "保存済み" }), { today: TODAY });
    const staging = new Staging(db);
    try {
      expect(stage(staging, 2, incidentInput({ ref: "KH-1" }))).toBe("duplicate");
      expect(stage(staging, 3, incidentInput({ ref: "KH-1", severity: 4 }))).toBe("duplicate");
      expect(stage(staging, 4, incidentInput({ ref: null, summary: "保存済み" }))).toBe("duplicate");
      expect(stage(staging, 5, incidentInput({ ref: "KH-2" }))).toBe("insert");
      expect(stage(staging, 6, incidentInput({ ref: "KH-2", severity: 4 }))).toBe("duplicate");
      expect(stage(staging, 7, incidentInput({ ref: null, summary: "新規" }))).toBe("insert");
      expect(stage(staging, 8, incidentInput({ ref: null, summary: "新規" }))).toBe("duplicate");
      // With --update: a stored ref with a change replaces it; the same ref again replaces the staged version.
      expect(staging.decide(incidentInput({ ref: "KH-1" }), "", true)).toEqual({ kind: "duplicate" });
      expect(stage(staging, 9, incidentInput({ ref: "KH-1", severity: 4 }), true)).toBe("update");
      expect(staging.decide(incidentInput({ ref: "KH-1", severity: 4 }), "", true)).toEqual({ kind: "duplicate" });
      expect(stage(staging, 10, incidentInput({ ref: "KH-1", severity: 3 }), true)).toBe("replaceStaged");
      expect(staging.stagedInput(9)).toEqual(incidentInput({ ref: "KH-1", severity: 3 }));
      expect(staging.staged).toBe(3);
      // Nothing reached the incidents yet.
      expect(count(db, "incidents")).toBe(2);
      expect(toInput(getIncident(db, storedId)!).severity).toBe(2);
    } finally {
      staging.close();
    }
  });

  it("gives back a staged incident exactly as it was written, and deletes its file when closed", () => {
    const db = memoryDb();
    const staging = new Staging(db);
    const input = incidentInput({
      ref: "KH-9", in_tokyo: null, customer_identified: false, behaviours: ["MA02", "MB01"], legal_flags: ["L03"], care: ["K01"],
      reported_at: null, status: "open", closed_at: null, verbatim: null,
    });
    stage(staging, 1, input);
    expect(staging.stagedInput(1)).toEqual(input);
    const dir = staging.dir;
    expect(fs.existsSync(dir)).toBe(true);
    staging.close();
    expect(fs.existsSync(dir)).toBe(false);
    expect((db.$client.pragma("database_list") as { name: string }[]).map((d) => d.name)).not.toContain("staging");
  });
});

describe("the merge", () => {
  const mergeIn = (db: Db, staging: Staging, counts: { imported: number; updated: number; duplicates: number }, update = false) => {
    staging.finish();
    db.transaction(() => mergeStaged(db, staging, counts, { batchId: null, update, today: TODAY }));
  };

  it("copies the staged rows with their codes, names and ids in file order", () => {
    const db = memoryDb();
    createIncident(db, incidentInput({ ref: "KH-0" }), { today: TODAY });
    const staging = new Staging(db);
    try {
      const rows = [
        incidentInput({ ref: "KH-2", department: "大阪支店", client: "ＸＹＺ商事", behaviours: ["MA01", "MA02"] }),
        incidentInput({ ref: "KH-1", department: "東京本店", client: "xyz商事", occurred_at: "2025-03-01T09:00:00+09:00" }),
      ];
      rows.forEach((r, i) => staging.write(i + 2, r, { kind: "insert" }));
      const counts = { imported: 2, updated: 0, duplicates: 0 };
      mergeIn(db, staging, counts);
      expect(counts).toEqual({ imported: 2, updated: 0, duplicates: 0 });
      const stored = db.$client.prepare("select id, ref from incidents order by id").all() as { id: number; ref: string }[];
      expect(stored.map((r) => r.ref)).toEqual(["KH-0", "KH-2", "KH-1"]);
      expect(toInput(getIncident(db, stored[1].id)!)).toEqual({ ...rows[0], client: "ＸＹＺ商事" });
      expect(toInput(getIncident(db, stored[2].id)!)).toEqual({ ...rows[1], client: "ＸＹＺ商事" });
      // One client for both spellings (the first one met), the existing department reused.
      expect(count(db, "clients")).toBe(2);
      expect(count(db, "departments")).toBe(2);
      expect(count(db, "incident_codes")).toBe(3 + 4 + 3);
    } finally {
      staging.close();
    }
  });

  it("re-checks against what another writer stored while the file was staged", () => {
    const db = memoryDb();
    const victim = createIncident(db, incidentInput({ ref: "KH-5" }), { today: TODAY });
    const staging = new Staging(db);
    try {
      const fresh = incidentInput({ ref: "KH-7" });
      const noRef = incidentInput({ ref: null, summary: "同時に登録" });
      const replacement = incidentInput({ ref: "KH-5", severity: 4 });
      staging.write(2, fresh, { kind: "insert" });
      staging.write(3, noRef, { kind: "insert" });
      staging.write(4, replacement, { kind: "update", target: victim });
      staging.commit();
      // Meanwhile, another writer: the same ref, the same incident without a ref, and the replaced one deleted.
      createIncident(db, incidentInput({ ref: "KH-7" }), { today: TODAY });
      createIncident(db, noRef, { today: TODAY });
      db.$client.prepare("delete from incidents where id = ?").run(victim);
      const counts = { imported: 2, updated: 1, duplicates: 0 };
      mergeIn(db, staging, counts);
      // KH-7 and the row without a ref are duplicates now; KH-5 is gone, so its replacement is a new incident.
      expect(counts).toEqual({ imported: 1, updated: 0, duplicates: 2 });
      const refs = db.$client.prepare("select ref from incidents order by id").pluck().all();
      expect(refs).toEqual(["KH-7", null, "KH-5"]);
      expect(count(db, "incidents")).toBe(3);
    } finally {
      staging.close();
    }
  });

  it("with --update, a ref another writer stored meanwhile is replaced by the file's row", () => {
    const db = memoryDb();
    const staging = new Staging(db);
    try {
      staging.write(2, incidentInput({ ref: "KH-8", severity: 4 }), { kind: "insert" });
      staging.commit();
      const id = createIncident(db, incidentInput({ ref: "KH-8", severity: 1 }), { today: TODAY });
      const counts = { imported: 1, updated: 0, duplicates: 0 };
      mergeIn(db, staging, counts, true);
      expect(counts).toEqual({ imported: 0, updated: 1, duplicates: 0 });
      expect(count(db, "incidents")).toBe(1);
      expect(toInput(getIncident(db, id)!).severity).toBe(4);
    } finally {
      staging.close();
    }
  });
});

describe("the check pass", () => {
  // Issue 18: "a 48 MB dry run holds the write lock for 27 s, and a page that writes an audit entry waits up to 23.5 s".
  // The check reads the database and writes only its own staging file: the form save and the audit entry of a detail
  // page, made with the server's busy_timeout of 0 while it runs, never meet the lock, by either way in.
  const ways = {
    "the import command": (db: Db, file: string, onProgress: () => void) =>
      importFile(db, file, { today: TODAY, errorFilePath: null, dryRun: true, onProgress }),
    "the import page (its worker thread)": (_db: Db, file: string, onProgress: () => void) =>
      importInWorker(file, { today: TODAY, errorFilePath: null, dryRun: true }, onProgress),
  };
  for (const [way, run] of Object.entries(ways)) {
    it(`leaves the write lock to other users through ${way}: a form save or an audited view during it does not wait`, async () => {
      const file = path.join(tmp, "many.csv");
      const lines = ["管理番号,発生日時,発生場面,行為類型,概要"];
      for (let i = 0; i < 30_000; i++) lines.push(`P-${i},2025/4/${1 + (i % 28)} 10:${String(i % 60).padStart(2, "0")},電話,暴言,確認中の行 ${i}`);
      fs.writeFileSync(file, lines.join("\r\n"));
      const dbFile = path.join(tmp, `lock-${way.length}.db`);
      const importer = openDatabase(dbFile);
      const form = openDatabase(dbFile);
      form.$client.pragma("busy_timeout = 0"); // as the server: a held lock fails at once
      const before = process.env.DATABASE_PATH;
      process.env.DATABASE_PATH = dbFile; // the worker opens the database the server uses
      try {
        let saved = 0;
        let failed = 0;
        const id = createIncident(form, incidentInput({ ref: "VIEWED" }), { today: TODAY });
        const r = await run(importer, file, () => {
          try {
            createIncident(form, incidentInput({ ref: `FORM-${saved}` }), { today: TODAY });
            audit(form, { userId: null, name: "hr@example.com", ip: null }, "incident.viewed", { type: "incident", id }, { page: "detail" });
            saved++;
          } catch {
            failed++;
          }
        });
        expect(r.valid.imported).toBe(30_000);
        expect(saved).toBeGreaterThan(2);
        expect(failed).toBe(0);
      } finally {
        if (before === undefined) delete process.env.DATABASE_PATH;
        else process.env.DATABASE_PATH = before;
        importer.$client.close();
        form.$client.close();
      }
    }, 60_000);
  }
});

describe("the import's heap limits", () => {
  it("are the same for npm run import and npm run seed as for the import page's worker", () => {
    const scripts = JSON.parse(fs.readFileSync(path.resolve("package.json"), "utf8")).scripts as Record<string, string>;
    for (const name of ["import", "seed"]) {
      for (const flag of IMPORT_NODE_FLAGS) expect(scripts[name], name).toContain(flag);
    }
  });
});

describe("staging folders left by a killed import", () => {
  it("are deleted by the next import once a day older than its own; a recent one (an import running now) is left alone", () => {
    const old = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-import-"));
    const recent = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-import-"));
    fs.writeFileSync(path.join(old, "staging.db"), "x");
    // Far in the past, whatever clock the suite runs under (it also runs with the clock moved ahead).
    const longAgo = new Date("2000-01-01T00:00:00Z");
    fs.utimesSync(old, longAgo, longAgo);
    try {
      new Staging(memoryDb()).close();
      expect(fs.existsSync(old)).toBe(false);
      expect(fs.existsSync(recent)).toBe(true);
    } finally {
      fs.rmSync(old, { recursive: true, force: true });
      fs.rmSync(recent, { recursive: true, force: true });
    }
  });
});
