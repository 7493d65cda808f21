/**
 * The list's text search (issue 19): 管理番号 (exact, partial, any width or case), summary and prevention through the
 * FTS5 trigram index, short texts through LIKE, and the index kept in step by every way incidents change.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { incidents } from "../db/schema";
import { toCsv } from "~/modules/csv";
import { undoBatch } from "~/modules/import/batches.server";
import { importFile } from "~/modules/import/commit.server";
import { EXPORT_HEADERS, exportCells, incidentExport } from "~/modules/incidents/export.server";
import { emptyFilters, type IncidentFilters } from "~/modules/incidents/filters";
import { createIncident, deleteIncident, updateIncident } from "~/modules/incidents/mutations.server";
import { getIncident, listIncidents, toInput } from "~/modules/incidents/queries.server";
import { catchUpSearchIndex, searchIndexBehind } from "~/modules/incidents/search-index.server";
import { ftsPhrase, searchForms } from "~/modules/incidents/text-search";
import type { IncidentInput } from "~/modules/incidents/schema";
import { erasePersonalData } from "~/modules/retention/retention.server";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "search-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const refsFound = (db: Db, q: string, more: Partial<IncidentFilters> = {}) =>
  listIncidents(db, { filters: { ...emptyFilters(), ...more, q }, sort: "ref_asc", page: 1 }).rows.map((r) => r.ref);

function seeded(): Db {
  const db = memoryDb();
  createIncident(db, incidentInput({ ref: "KH-2025-00005", summary: "窓口で大声を出し続けた。", prevention: "録音の告知を掲示する" }), { today: TODAY });
  createIncident(db, incidentInput({ ref: "KH-2025-00050", summary: "電話で長時間の拘束。", prevention: null, department: "大阪支店" }), { today: TODAY });
  createIncident(db, incidentInput({ ref: "kh-2024-00001", summary: "SNSに書き込むと脅した (100%返金を要求)", prevention: "対応は二人で" }), { today: TODAY });
  return db;
}

describe("text search", () => {
  it("finds an incident by its 管理番号, exactly or in part, in any width or case", () => {
    const db = seeded();
    expect(refsFound(db, "KH-2025-00005")).toEqual(["KH-2025-00005"]);
    expect(refsFound(db, "ＫＨ－２０２５－００００５")).toEqual(["KH-2025-00005"]);
    expect(refsFound(db, "kh-2025-00005")).toEqual(["KH-2025-00005"]);
    expect(refsFound(db, "KH−2025ー00005")).toEqual(["KH-2025-00005"]);
    expect(refsFound(db, "2025-000")).toEqual(["KH-2025-00005", "KH-2025-00050"]);
    expect(refsFound(db, "KH-2024-00001")).toEqual(["kh-2024-00001"]);
    expect(refsFound(db, "05")).toEqual(["KH-2025-00005", "KH-2025-00050"]);
    expect(refsFound(db, "KH-2025-00006")).toEqual([]);
  });

  it("reads a common text's page row by row in list order, with the same rows, order and count as gathering every match", () => {
    const db = memoryDb();
    for (let i = 1; i <= 60; i++) {
      const day = `2024-${String(1 + (i % 9)).padStart(2, "0")}-${String(1 + (i % 27)).padStart(2, "0")}`;
      createIncident(db, incidentInput({
        ref: `KH-2026-${String(i).padStart(5, "0")}`, occurred_at: `${day}T${String(9 + (i % 8)).padStart(2, "0")}:00:00+09:00`,
        reported_at: `${day}T18:00:00+09:00`,
        severity: 1 + (i % 3), summary: i % 3 ? `繰り返し電話 ${i}` : `来店 ${i}`, prevention: i % 7 ? null : "繰り返し対策",
      }), { today: TODAY });
    }
    for (const sort of ["occurred_desc", "occurred_asc", "severity_desc", "ref_asc", "updated_desc"] as const) {
      for (const page of [1, 2]) {
        for (const filters of [{ q: "繰り返し" }, { q: "繰り返し", severity: [2, 3] }, { q: "来店" }, { q: "KH-2026" }]) {
          const query = { filters: { ...emptyFilters(), ...filters }, sort, page };
          const probed = listIncidents(db, query, { commonTextMatches: 1 });
          const gathered = listIncidents(db, query, { commonTextMatches: Number.MAX_SAFE_INTEGER });
          expect(probed.rows.map((r) => r.ref)).toEqual(gathered.rows.map((r) => r.ref));
          expect(probed.total).toBe(gathered.total);
        }
      }
    }
    expect(listIncidents(db, { filters: { ...emptyFilters(), q: "繰り返し" }, sort: "ref_asc", page: 1 }, { commonTextMatches: 1 }).total).toBe(42);
  });

  it("searches the summary and the prevention, with 3+ characters through the index and shorter ones by LIKE", () => {
    const db = seeded();
    expect(refsFound(db, "大声を")).toEqual(["KH-2025-00005"]);
    expect(refsFound(db, "録音の告知")).toEqual(["KH-2025-00005"]);
    expect(refsFound(db, "二人")).toEqual(["kh-2024-00001"]);
    expect(refsFound(db, "電")).toEqual(["KH-2025-00050"]);
    expect(refsFound(db, "sns")).toEqual(["kh-2024-00001"]);
    expect(refsFound(db, "ＳＮＳ")).toEqual(["kh-2024-00001"]);
  });

  it("reads query syntax and wildcards typed by a user as text", () => {
    const db = seeded();
    expect(refsFound(db, "100%")).toEqual(["kh-2024-00001"]);
    expect(refsFound(db, "%")).toEqual(["kh-2024-00001"]);
    expect(refsFound(db, '(100%返金')).toEqual(["kh-2024-00001"]);
    expect(refsFound(db, 'NEAR(大声 "録音')).toEqual([]);
    expect(refsFound(db, "summary:大声")).toEqual([]);
    expect(refsFound(db, "大声*")).toEqual([]);
    expect(ftsPhrase('a"b')).toBe('"a""b"');
    expect(searchForms("ＫＨ－１")).toEqual(["ＫＨ－１", "KH-1"]);
  });

  it("keeps the other filters with a text search", () => {
    const db = seeded();
    const osaka = listIncidents(db, { filters: { ...emptyFilters(), q: "2025" }, sort: "ref_asc", page: 1 }).rows.find((r) => r.department === "大阪支店")!;
    expect(refsFound(db, "KH-2025", { departmentId: [osaka ? 2 : -1] })).toEqual(["KH-2025-00050"]);
    expect(refsFound(db, "KH-2025", { status: ["open"] })).toEqual([]);
  });

  it("follows updates, deletes and retention's erasure", () => {
    const db = seeded();
    const id = db.select({ id: incidents.id }).from(incidents).where(eq(incidents.ref, "KH-2025-00005")).get()!.id;
    const before = toInput(getIncident(db, id)!);
    updateIncident(db, id, { ...before, summary: "受付で物を投げた。", prevention: "防犯ブザーを配る" }, before, { today: TODAY });
    expect(refsFound(db, "大声を")).toEqual([]);
    expect(refsFound(db, "録音の告知")).toEqual([]);
    expect(refsFound(db, "物を投げ")).toEqual(["KH-2025-00005"]);
    expect(refsFound(db, "防犯ブザー")).toEqual(["KH-2025-00005"]);
    // Another update that leaves the searched fields alone keeps the index as it was.
    const again = toInput(getIncident(db, id)!);
    updateIncident(db, id, { ...again, severity: 4 }, again, { today: TODAY });
    expect(refsFound(db, "物を投げ")).toEqual(["KH-2025-00005"]);
    expect(deleteIncident(db, id)).toBe(true);
    expect(refsFound(db, "物を投げ")).toEqual([]);
    expect(refsFound(db, "KH-2025-00005")).toEqual([]);
    // Retention erases the summary (prevention stays: it is not personal).
    erasePersonalData(db, "2040-01-01", 5, { userId: null, name: "test", ip: null });
    expect(refsFound(db, "長時間")).toEqual([]);
    expect(refsFound(db, "二人で")).toEqual(["kh-2024-00001"]);
    expect(db.$client.prepare("insert into incidents_fts(incidents_fts, rank) values('integrity-check', 1)").run()).toBeTruthy();
  });

  const writeCsv = (name: string, rows: IncidentInput[]) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, toCsv([[...EXPORT_HEADERS], ...rows.map(exportCells)]));
    return file;
  };
  const importRows = (db: Db, name: string, rows: IncidentInput[], update = false) =>
    importFile(db, writeCsv(name, rows), { today: TODAY, update, errorFilePath: path.join(tmp, `${name}.err.csv`) });
  /** How many stored incidents wait for the search index (counted: an import's ids have gaps where rows were left out). */
  const searchBacklogRows = (db: Db) =>
    db.$client.prepare("select count(*) from search_backlog b join incidents i on i.id > b.indexed_to and i.id <= b.last_id").pluck().get();
  /**
   * FTS5's own check of the index against the incidents: a row indexed twice, wrongly or not at all fails it (so it
   * also fails while rows wait in the backlog).
   */
  const indexWhole = (db: Db) => () => db.$client.prepare("insert into incidents_fts(incidents_fts, rank) values('integrity-check', 1)").run();

  it("follows an import once its backlog is indexed, an import that updates, and its undo", async () => {
    const db = memoryDb();
    const first = await importRows(db, "a.csv", [
      incidentInput({ ref: "IM-1", summary: "取り込んだ苦情の本文" }),
      incidentInput({ ref: "IM-2", summary: "別の件", client: "XYZ", prevention: "掲示板に方針を貼る" }),
      incidentInput({ ref: "IM-3", summary: "三件目の苦情", occurred_at: "2024-06-01T10:00:00+09:00" }),
    ]);
    expect(first.errors).toEqual([]);
    expect(first.imported).toBe(3);
    // Stored, listed, but not yet in the search index: the import left them in the backlog (docs/decisions/0030).
    expect(searchBacklogRows(db)).toBe(3);
    expect(searchIndexBehind(db)).toBe(true); // the list says so beside a text search
    expect(refsFound(db, "取り込んだ")).toEqual([]);
    expect(await catchUpSearchIndex(db, { stepRows: 2 })).toMatchObject({ indexed: 3, steps: 2 });
    expect(searchBacklogRows(db)).toBe(0);
    expect(searchIndexBehind(db)).toBe(false);
    expect(indexWhole(db)).not.toThrow();
    expect(refsFound(db, "取り込んだ")).toEqual(["IM-1"]);
    expect(refsFound(db, "im-2")).toEqual(["IM-2"]);
    expect(refsFound(db, "方針を")).toEqual(["IM-2"]);
    expect(refsFound(db, "三件目")).toEqual(["IM-3"]);
    // Replacements are indexed as they are stored, like any edit.
    const second = await importRows(db, "b.csv", [incidentInput({ ref: "IM-1", summary: "書き換えた本文" })], true);
    expect(second.updated).toBe(1);
    expect(searchBacklogRows(db)).toBe(0);
    expect(refsFound(db, "取り込んだ")).toEqual([]);
    expect(refsFound(db, "書き換えた")).toEqual(["IM-1"]);
    undoBatch(db, second.batchId!);
    expect(refsFound(db, "取り込んだ")).toEqual(["IM-1"]);
    undoBatch(db, first.batchId!);
    expect(refsFound(db, "取り込んだ")).toEqual([]);
    expect(refsFound(db, "IM-")).toEqual([]);
    expect(indexWhole(db)).not.toThrow();
  });

  it("keeps the index whole when rows waiting for it are edited, deleted or undone, and indexes them as they are then", async () => {
    const db = memoryDb();
    const batch = await importRows(db, "c.csv", [
      incidentInput({ ref: "WAIT-1", summary: "待っている間に直した" }),
      incidentInput({ ref: "WAIT-2", summary: "待っている間に消した" }),
      incidentInput({ ref: "WAIT-3", summary: "そのまま索引へ", occurred_at: "2024-06-01T10:00:00+09:00" }),
    ]);
    const later = await importRows(db, "d.csv", [incidentInput({ ref: "WAIT-4", summary: "取り消す取り込み" })]);
    expect(searchBacklogRows(db)).toBe(4);
    const idOf = (ref: string) => db.select({ id: incidents.id }).from(incidents).where(eq(incidents.ref, ref)).get()!.id;
    const before = toInput(getIncident(db, idOf("WAIT-1"))!);
    updateIncident(db, idOf("WAIT-1"), { ...before, summary: "索引の前に書き直した本文" }, before, { today: TODAY });
    expect(deleteIncident(db, idOf("WAIT-2"))).toBe(true);
    undoBatch(db, later.batchId!);
    // A form's new incident is indexed at once, backlog or not.
    createIncident(db, incidentInput({ ref: "FORM-1", summary: "フォームから登録" }), { today: TODAY });
    expect(refsFound(db, "フォームから")).toEqual(["FORM-1"]);

    expect(await catchUpSearchIndex(db)).toMatchObject({ indexed: 2 });
    expect(indexWhole(db)).not.toThrow();
    expect(refsFound(db, "書き直した")).toEqual(["WAIT-1"]);
    expect(refsFound(db, "待っている間")).toEqual([]);
    expect(refsFound(db, "そのまま索引")).toEqual(["WAIT-3"]);
    expect(refsFound(db, "取り消す")).toEqual([]);
    expect(batch.imported).toBe(3);
  });

  it("a supervisor's export and list never reach another department's incident by its 管理番号", () => {
    const db = seeded();
    const tokyo = getIncident(db, db.select({ id: incidents.id }).from(incidents).where(eq(incidents.ref, "KH-2025-00005")).get()!.id)!;
    const osaka = getIncident(db, db.select({ id: incidents.id }).from(incidents).where(eq(incidents.ref, "KH-2025-00050")).get()!.id)!;
    const file = incidentExport(db, { ...emptyFilters(), q: "KH-2025-00050" }, { kind: "department", departmentId: tokyo.departmentId! });
    expect(file.count()).toBe(0);
    expect(incidentExport(db, { ...emptyFilters(), q: "KH-2025-00050" }, { kind: "department", departmentId: osaka.departmentId! }).count()).toBe(1);
  });
});
