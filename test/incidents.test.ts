import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { clients, incidentCodes } from "../db/schema";
import { emptyFilters, listQueryToSearch, parseListQuery, type IncidentFilters } from "~/modules/incidents/filters";
import {
  createIncident, deleteIncident, fingerprintOf, updateIncident, ValidationFailed,
} from "~/modules/incidents/mutations.server";
import { getIncident, listIncidents, toInput } from "~/modules/incidents/queries.server";
import { getSettings } from "~/modules/settings/settings.server";
import { parsePeriod } from "~/modules/reports/periods";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const opts = { today: TODAY };
const list = (db: ReturnType<typeof memoryDb>, f: Partial<IncidentFilters>, page = 1) =>
  listIncidents(db, { filters: { ...emptyFilters(), ...f }, sort: "occurred_desc", page });

describe("a new database", () => {
  it("is migrated with default settings and the whole measures register", () => {
    const db = memoryDb();
    expect(getSettings(db)).toMatchObject({
      fiscalYearStartMonth: 4, suppressionThreshold: 3, nationalObligationDate: "2026-10-01", writtenReportDeadlineDays: 7,
    });
    expect(db.all(sql`select code, status from measures order by rowid`)).toHaveLength(18);
    expect(db.get<{ fk: number }>(sql`select foreign_keys as fk from pragma_foreign_keys`)!.fk).toBe(1);
  });
});

describe("creating and reading an incident", () => {
  it("stores every field and reads it back the same", () => {
    const db = memoryDb();
    const input = incidentInput({ ref: "KH-1", legal_flags: ["L03", "L06"], care: ["W02"], severity: 3 });
    const id = createIncident(db, input, opts);
    const stored = getIncident(db, id)!;
    expect(toInput(stored)).toEqual({ ...input, behaviours: ["MA05"], responses: ["R02", "R03"] });
    expect(stored.departmentId).not.toBeNull();
  });

  it("keeps one client for the width and case variants of its name", () => {
    const db = memoryDb();
    createIncident(db, incidentInput({ client: "ＡＢＣ商事" }), opts);
    createIncident(db, incidentInput({ client: "abc商事", summary: "二件目" }), opts);
    createIncident(db, incidentInput({ client: " ABC商事 ", summary: "三件目" }), opts);
    expect(db.select().from(clients).all()).toHaveLength(1);
    expect(list(db, { client: "ＡＢＣ" }).total).toBe(3);
  });

  it("refuses an invalid incident and a reference already used, writing nothing", () => {
    const db = memoryDb();
    createIncident(db, incidentInput({ ref: "KH-1" }), opts);
    expect(() => createIncident(db, incidentInput({ ref: "KH-1" }), opts)).toThrow(ValidationFailed);
    expect(() => createIncident(db, incidentInput({ responders: 0, client: "新しい顧客" }), opts)).toThrow(ValidationFailed);
    expect(list(db, {}).total).toBe(1);
    // The transaction rolled back the client row written before validation failed.
    expect(db.select().from(clients).all().map((c) => c.name)).toEqual(["ABC商事"]);
  });

  it("fingerprints rows without a ref by occurrence, client, department, channel and summary", () => {
    const a = incidentInput();
    expect(fingerprintOf(a)).toBe(fingerprintOf({ ...a, client: "ＡＢＣ商事" }));
    expect(fingerprintOf(a)).not.toBe(fingerprintOf({ ...a, channel: "C1" }));
    expect(fingerprintOf(a)).not.toBe(fingerprintOf({ ...a, summary: "別の内容" }));
  });
});

describe("editing and deleting", () => {
  it("replaces fields and coded lists and reports which fields changed", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput(), opts);
    const before = toInput(getIncident(db, id)!);
    const changed = updateIncident(db, id, { ...before, behaviours: ["MA02", "MA03"], responders: 2, care: ["W01"] }, before, opts);
    expect(changed.sort()).toEqual(["behaviours", "care", "responders"]);
    const after = getIncident(db, id)!;
    expect(after.behaviours).toEqual(["MA02", "MA03"]);
    expect(after.care).toEqual(["W01"]);
    expect(list(db, { behaviour: ["MA05"] }).total).toBe(0);
    expect(list(db, { behaviour: ["MA03"] }).total).toBe(1);
  });

  it("rejects an edit that breaks a rule and leaves the record as it was", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput(), opts);
    const before = toInput(getIncident(db, id)!);
    expect(() => updateIncident(db, id, { ...before, closed_at: "2025-03-01" }, before, opts)).toThrow(ValidationFailed);
    expect(toInput(getIncident(db, id)!)).toEqual(before);
  });

  it("deletes an incident with its coded values", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput({ legal_flags: ["L01"] }), opts);
    expect(deleteIncident(db, id)).toBe(true);
    expect(getIncident(db, id)).toBeNull();
    expect(db.select().from(incidentCodes).all()).toHaveLength(0);
    expect(deleteIncident(db, id)).toBe(false);
  });
});

describe("the list", () => {
  function fixture() {
    const db = memoryDb();
    const rows = [
      { occurred_at: "2025-03-31T23:50:00+09:00", department: "新宿店", channel: "C1", behaviours: ["MA02"], severity: 3, client: "山田様", summary: "大声で怒鳴った" },
      { occurred_at: "2025-04-01T00:10:00+09:00", department: "新宿店", channel: "C2", behaviours: ["MA05"], severity: 2, client: "ABC商事", summary: "電話を繰り返した" },
      { occurred_at: "2025-06-15", department: "大阪支店", channel: "C2", behaviours: ["MA05", "MA06"], severity: 1, client: "abc商事", summary: "長時間の電話 100%返金を要求" },
      { occurred_at: "2026-03-31T12:00:00+09:00", department: "新宿店", channel: "C1", behaviours: ["MB02"], severity: 4, client: "XYZ物産", summary: "金銭を要求", status: "open" as const, closed_at: null, outcome: "O7", determination: "D9" },
    ];
    const ids = rows.map((r, i) =>
      createIncident(
        db,
        incidentInput({ ref: `R-${i + 1}`, reported_at: null, closed_at: r.occurred_at.slice(0, 10), report_submitted_at: null, ...r }),
        opts,
      ),
    );
    return { db, ids };
  }

  it("filters by fiscal year on the Tokyo calendar day: 3/31 and 4/1 fall in different years", () => {
    const { db } = fixture();
    expect(list(db, { period: parsePeriod("FY2025") }).rows.map((r) => r.ref).sort()).toEqual(["R-2", "R-3", "R-4"]);
    expect(list(db, { period: parsePeriod("FY2024") }).rows.map((r) => r.ref)).toEqual(["R-1"]);
  });

  it("composes filters (AND across, OR within)", () => {
    const { db, ids } = fixture();
    const dep = getIncident(db, ids[0])!.departmentId!;
    expect(list(db, { departmentId: [dep] }).total).toBe(3);
    expect(list(db, { departmentId: [dep], channel: ["C1"] }).total).toBe(2);
    expect(list(db, { departmentId: [dep], channel: ["C1"], severity: [4] }).rows.map((r) => r.ref)).toEqual(["R-4"]);
    expect(list(db, { channel: ["C1", "C2"] }).total).toBe(4);
    expect(list(db, { behaviour: ["MA05"], client: "abc" }).total).toBe(2);
    expect(list(db, { status: ["open"] }).rows.map((r) => r.ref)).toEqual(["R-4"]);
    expect(list(db, { determination: ["D1"], outcome: ["O1"] }).total).toBe(3);
  });

  it("searches summaries as plain text (% and _ are not wildcards)", () => {
    const { db } = fixture();
    expect(list(db, { q: "電話" }).total).toBe(2);
    expect(list(db, { q: "100%" }).total).toBe(1);
    expect(list(db, { q: "%" }).total).toBe(1);
    expect(list(db, { q: "_" }).total).toBe(0);
  });

  it("sorts and pages 50 at a time", () => {
    const db = memoryDb();
    for (let i = 0; i < 120; i++) {
      const day = String((i % 28) + 1).padStart(2, "0");
      const month = String((i % 12) + 1).padStart(2, "0");
      createIncident(db, incidentInput({ occurred_at: `2024-${month}-${day}`, closed_at: "2025-01-01", severity: (i % 4) + 1 }), opts);
    }
    const p1 = list(db, {});
    expect(p1).toMatchObject({ total: 120, pages: 3, page: 1 });
    expect(p1.rows).toHaveLength(50);
    const p3 = list(db, {}, 3);
    expect(p3.rows).toHaveLength(20);
    const all = [...p1.rows, ...list(db, {}, 2).rows, ...p3.rows];
    expect(new Set(all.map((r) => r.id)).size).toBe(120);
    expect(all.map((r) => r.occurredAt)).toEqual([...all.map((r) => r.occurredAt)].sort().reverse());
    const bySeverity = listIncidents(db, { filters: emptyFilters(), sort: "severity_desc", page: 1 });
    expect(bySeverity.rows.slice(0, 30).every((r) => r.severity === 4)).toBe(true);
    expect(list(db, {}, 99).page).toBe(3);
  });

  it("round-trips filters through the URL", () => {
    const params = new URLSearchParams("period=FY2025&department=3&client=ABC&behaviour=MA05&channel=C2&severity=3&status=open&determination=D1&outcome=O3&q=電話&sort=severity_desc&page=2");
    const q = parseListQuery(params);
    expect(q.filters.period?.from).toBe("2025-04-01");
    expect(q.filters).toMatchObject({ departmentId: [3], client: "ABC", behaviour: ["MA05"], severity: [3], status: ["open"], q: "電話" });
    expect(parseListQuery(new URLSearchParams(listQueryToSearch(q).slice(1)))).toEqual(q);
  });

  it("drops unknown codes from the URL and reports an unreadable period", () => {
    const q = parseListQuery(new URLSearchParams("behaviour=MA99&channel=C2&period=last-year&page=-3&sort=evil"));
    expect(q.filters.behaviour).toEqual([]);
    expect(q.filters.channel).toEqual(["C2"]);
    expect(q.invalidPeriod).toBe("last-year");
    expect(q.page).toBe(1);
    expect(q.sort).toBe("occurred_desc");
  });
});
