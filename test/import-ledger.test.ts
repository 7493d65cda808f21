/**
 * Old ledgers (issue 16): a hand-kept Excel ledger saved as Shift_JIS CSV, with no close-date column, 和暦 and
 * full-width digits and the ledger's own words (test/fixtures/import/old-ledger.csv, made by make-fixtures.sh).
 * A closed case without a close date imports as 終了日不明 and never gets a date made up for it.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { asc } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { incidents } from "../db/schema";
import { importFile } from "~/modules/import/commit.server";
import { createIncident, updateIncident } from "~/modules/incidents/mutations.server";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import { parseIncidentForm, validateIncident } from "~/modules/incidents/schema";
import { toFormValues } from "~/modules/incidents/form-values";
import { incidentInput, memoryDb, TODAY } from "./helpers";
import fs from "node:fs";
import os from "node:os";

const LEDGER = fileURLToPath(new URL("./fixtures/import/old-ledger.csv", import.meta.url));

const stored = (db: Db) =>
  db
    .select({ id: incidents.id })
    .from(incidents)
    .orderBy(asc(incidents.occurredAt))
    .all()
    .map((r) => toInput(getIncident(db, r.id)!));

function tmpFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-test-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

describe("an old ledger saved from Excel", () => {
  it("imports every row with no editing: closed cases without a close date as 終了日不明, its words as codes", async () => {
    const db = memoryDb();
    const r = await importFile(db, LEDGER, { today: TODAY, errorFilePath: null });
    expect(r.encoding).toBe("shift_jis");
    expect([r.rows, r.invalid, r.imported, r.closedDateUnknown]).toEqual([8, 0, 8, 6]);
    expect(r.errors).toEqual([]);
    expect(r.warnings.unknownColumns).toEqual(["No."]);

    const rows = stored(db).map((i) => [i.occurred_at, i.department, i.channel, i.client, i.behaviours, i.responses, i.outcome, i.status, i.closed_at, i.closed_date_unknown ?? false]);
    expect(rows).toEqual([
      ["2019-04-26", "新宿店", "C1", "田中", ["MA02"], [], null, "closed", null, true],
      ["2023-04-01", "新宿店", "C1", "山田 太郎", ["MA02", "MA03"], ["R01"], "O1", "closed", null, true],
      ["2023-05-10", "本社", "C2", "㈱髙橋商事", ["MB02"], ["R02"], "O2", "closed", null, true],
      ["2023-06-01", "新宿店", "C2", "佐藤 花子", ["MA06"], ["R04"], "O3", "closed", null, true],
      ["2023-07-07", "渋谷店", "C1", "鈴木 一郎", ["MA04"], ["R08"], "O4", "closed", null, true],
      ["2023-08-20", "本社", "C5", null, ["MA10"], ["R11"], "O7", "open", null, false],
      ["2023-09-01", "本社", "C2", "ABC商事", ["MA04", "MB02"], [], null, "closed", null, true],
      ["2023-10-01", "渋谷店", "C3", "XYZ物産", ["MA03"], [], null, "open", null, false],
    ]);
  });

  it("reads a close date written as 不明 as 終了日不明, and a status left empty then means closed", async () => {
    const db = memoryDb();
    const file = tmpFile(
      "unknown-close.csv",
      "管理番号,発生日,発生場面,行為類型,状況,終了日\nU-1,2024-04-01,電話,暴言,,不明\nU-2,2024-04-02,電話,暴言,終了,終了日不明\nU-3,2024-04-03,電話,暴言,対応中,不明\nU-4,2024-04-04,電話,暴言,終了,2024-04-05\n",
    );
    const r = await importFile(db, file, { today: TODAY, errorFilePath: null, skipInvalid: true });
    expect([r.rows, r.invalid, r.imported, r.closedDateUnknown]).toEqual([4, 1, 3, 2]);
    // An open case whose close date is "unknown" contradicts itself: the row says which cell to fix.
    expect(r.errors.map((e) => [e.row, e.column, e.message])).toEqual([[4, "状況", expect.stringContaining("終了日が「不明」なのに状況が対応中です")]]);
    expect(stored(db).map((i) => [i.ref, i.status, i.closed_at, i.closed_date_unknown ?? false])).toEqual([
      ["U-1", "closed", null, true],
      ["U-2", "closed", null, true],
      ["U-4", "closed", "2024-04-05", false],
    ]);
  });
});

describe("終了日不明 in the incident rules", () => {
  const opts = { today: TODAY };

  it("is kept only on a closed incident without a date: a date or reopening clears it", () => {
    const unknown = incidentInput({ status: "closed", closed_at: null, closed_date_unknown: true });
    expect(validateIncident(unknown, TODAY)).toEqual({ ok: true, value: expect.objectContaining({ closed_date_unknown: true }) });
    const dated = validateIncident({ ...unknown, closed_at: "2025-04-05" }, TODAY);
    expect(dated.ok && dated.value.closed_date_unknown).toBe(undefined);
    const reopened = validateIncident({ ...unknown, status: "open" }, TODAY);
    expect(reopened.ok && reopened.value.closed_date_unknown).toBe(undefined);
    // Without it, a closed incident still needs its date.
    expect(validateIncident({ ...unknown, closed_date_unknown: undefined }, TODAY)).toMatchObject({ ok: false, errors: { closed_at: { key: "error.closedWithoutDate" } } });
  });

  it("is stored, read back and edited through the form's checkbox; the database refuses it on an open incident", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput({ status: "closed", closed_at: null, closed_date_unknown: true }), opts);
    const before = toInput(getIncident(db, id)!);
    expect([before.closed_at, before.closed_date_unknown]).toEqual([null, true]);

    // The edit form shows the box ticked; saving it unchanged keeps 終了日不明.
    const form = toFormValues(before);
    expect(form.closed_date_unknown).toBe("on");
    const again = parseIncidentForm(form, TODAY);
    expect(again.ok && again.value.closed_date_unknown).toBe(true);
    // Unticked, with no date, the form asks for the date, as for any closed incident.
    const unticked = parseIncidentForm({ ...form, closed_date_unknown: "" }, TODAY);
    expect(unticked).toMatchObject({ ok: false, errors: { closed_at: { key: "error.closedWithoutDate" } } });
    // The day found later replaces it, and the change is reported on the close date's field.
    const changed = updateIncident(db, id, { ...before, closed_at: "2025-04-10", closed_date_unknown: undefined }, before, opts);
    expect(changed).toEqual(["closed_at"]);
    expect(toInput(getIncident(db, id)!).closed_date_unknown).toBe(undefined);

    expect(() => db.$client.prepare("update incidents set status = 'open', closed_at = null, closed_date_unknown = 1 where id = ?").run(id)).toThrow(/CHECK constraint failed/);
    expect(() => db.$client.prepare("update incidents set status = 'closed', closed_at = null, closed_date_unknown = 0 where id = ?").run(id)).toThrow(/CHECK constraint failed/);
  });
});
