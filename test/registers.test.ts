/**
 * The registers (domain.md "Organisational measures"): the measures register — saving writes exactly the changed fields
 * and one audit entry with before → after, in one transaction; invalid input writes nothing; the staleness rule — and
 * training sessions: adding and deleting (audited), validation, and the totals per fiscal year.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { auditLog, measures, trainingSessions } from "../db/schema";
import type { Actor } from "~/modules/auth/audit.server";
import { can, ROLES } from "~/modules/auth/permissions";
import { percent } from "~/modules/format";
import { daysBetween } from "~/modules/incidents/dates";
import { MEASURES } from "~/modules/incidents/taxonomy";
import {
  getMeasure, listMeasures, measureHistory, saveMeasureForm, updateMeasure,
} from "~/modules/registers/measures.server";
import {
  coverage, isHttpUrl, isStale, measureSchema, totalsByFiscalYear, trainingSchema, type MeasureField, type TrainingField,
} from "~/modules/registers/schema";
import { addTrainingForm, deleteTraining, listTraining } from "~/modules/registers/training.server";
import { memoryDb, TODAY } from "./helpers";

const actor: Actor = { userId: 3, name: "hr@example.com", ip: "192.0.2.7" };
const entries = (db: Db) => db.select().from(auditLog).orderBy(auditLog.id).all();
const detailOf = (e: { detail: string | null }) => JSON.parse(e.detail ?? "null") as Record<string, unknown>;
const row = (db: Db, code: string) => db.select().from(measures).where(eq(measures.code, code)).get()!;

/** A day `n` days before `day`. */
function daysBefore(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

/** The measure form as posted: every field a string. */
function measureForm(overrides: Partial<Record<MeasureField, string>> = {}): Record<MeasureField, string> {
  return { status: "not_yet", evidenceText: "", evidenceUrl: "", inPlaceOn: "", reviewedOn: "", updatedBy: "人事 花子", ...overrides };
}

function trainingForm(overrides: Partial<Record<TrainingField, string>> = {}): Record<TrainingField, string> {
  return { heldOn: "2026-06-10", title: "カスハラ対応研修(初級)", attendees: "18", invited: "20", notes: "", ...overrides };
}

describe("permission", () => {
  it("grants registers.manage to admin and HR only", () => {
    expect(ROLES.filter((role) => can({ role, departmentId: 1 }, "registers.manage"))).toEqual(["admin", "hr"]);
  });
});

describe("measures register", () => {
  it("has one row per measure, G01–G13 then N1–N5, all not yet and never reviewed at first", () => {
    const rows = listMeasures(memoryDb(), TODAY);
    expect(rows.map((r) => r.code)).toEqual(MEASURES.map((m) => m.code));
    expect(rows.slice(0, 13).every((r) => r.group === "G")).toBe(true);
    expect(rows.slice(13).map((r) => r.code)).toEqual(["N1", "N2", "N3", "N4", "N5"]);
    expect(rows.every((r) => r.status === "not_yet" && r.stale && r.reviewedOn === null)).toBe(true);
  });

  it("finds a measure by code and nothing for an unknown one", () => {
    const db = memoryDb();
    expect(getMeasure(db, "G03", TODAY)?.code).toBe("G03");
    for (const code of ["G14", "g03", "N6", "", undefined, "G03 "]) expect(getMeasure(db, code, TODAY)).toBeNull();
    expect(saveMeasureForm(db, "X1", measureForm({ status: "in_place" }), TODAY, actor)).toBeNull();
    expect(entries(db)).toHaveLength(0);
  });

  it("writes exactly the changed fields and one audit entry with before and after", () => {
    const db = memoryDb();
    const untouched = row(db, "G04");
    const result = saveMeasureForm(
      db,
      "G03",
      measureForm({ status: "in_place", evidenceUrl: "https://intra.example.co.jp/policy/kasuhara", inPlaceOn: "2025-04-01" }),
      TODAY,
      actor,
    );
    expect(result).toEqual({ ok: true, changed: ["status", "evidenceUrl", "inPlaceOn", "updatedBy"] });
    expect(row(db, "G03")).toMatchObject({
      status: "in_place",
      evidenceText: null,
      evidenceUrl: "https://intra.example.co.jp/policy/kasuhara",
      inPlaceOn: "2025-04-01",
      reviewedOn: null,
      updatedBy: "人事 花子",
    });
    expect(row(db, "G04")).toEqual(untouched);

    const log = entries(db);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: "measure.updated", targetType: "measure", targetId: "G03", actor: "hr@example.com", userId: 3 });
    // The status and dates with their values; the URL and the person who wrote it (記入者) by field name only.
    expect(detailOf(log[0])).toEqual({
      changes: { status: ["not_yet", "in_place"], inPlaceOn: [null, "2025-04-01"] },
      fields: ["evidenceUrl", "updatedBy"],
    });
    expect(log[0].detail).not.toContain("人事 花子");

    // A second save lists only what differs from the first.
    const second = saveMeasureForm(
      db,
      "G03",
      measureForm({
        status: "in_place",
        evidenceText: "就業規則第12条\r\n相談窓口を社内ポータルに掲載",
        evidenceUrl: "https://intra.example.co.jp/policy/kasuhara",
        inPlaceOn: "2025-04-01",
        reviewedOn: "2026-04-01",
      }),
      TODAY,
      actor,
    );
    expect(second).toEqual({ ok: true, changed: ["evidenceText", "reviewedOn"] });
    expect(row(db, "G03").evidenceText).toBe("就業規則第12条\n相談窓口を社内ポータルに掲載");
    expect(detailOf(entries(db)[1])).toEqual({ changes: { reviewedOn: [null, "2026-04-01"] }, fields: ["evidenceText"] });
  });

  it("says so and writes nothing when nothing changed (the name of who saves alone is no change)", () => {
    const db = memoryDb();
    saveMeasureForm(db, "N2", measureForm({ status: "partial", reviewedOn: "2026-01-15" }), TODAY, actor);
    const before = row(db, "N2");
    const again = saveMeasureForm(db, "N2", measureForm({ status: "partial", reviewedOn: " 2026-01-15 ", updatedBy: "別の人" }), TODAY, actor);
    expect(again).toEqual({ ok: true, changed: [] });
    expect(row(db, "N2")).toEqual(before);
    expect(entries(db)).toHaveLength(1);
  });

  it("reads the history of one measure from the audit trail, newest first", () => {
    const db = memoryDb();
    saveMeasureForm(db, "G12", measureForm({ status: "partial" }), TODAY, actor);
    saveMeasureForm(db, "G13", measureForm({ status: "in_place" }), TODAY, actor);
    saveMeasureForm(db, "G12", measureForm({ status: "in_place", updatedBy: "総務 太郎" }), TODAY, { ...actor, name: "admin@example.com" });
    const history = measureHistory(db, "G12");
    expect(history.map((h) => h.actor)).toEqual(["admin@example.com", "hr@example.com"]);
    expect(history[0]).toMatchObject({ changes: { status: ["partial", "in_place"] }, changedFields: ["updatedBy"] });
    expect(history[1]).toMatchObject({ changes: { status: ["not_yet", "partial"] }, changedFields: ["updatedBy"] });
    expect(measureHistory(db, "G01")).toEqual([]);
  });

  it("refuses bad input with a message under its field and writes nothing", () => {
    const db = memoryDb();
    const before = db.select().from(measures).all();
    const cases: [Partial<Record<MeasureField, string>>, MeasureField, string][] = [
      [{ evidenceUrl: "javascript:alert(1)" }, "evidenceUrl", "registers.errors.url"],
      [{ evidenceUrl: "JavaScript:alert(1)" }, "evidenceUrl", "registers.errors.url"],
      [{ evidenceUrl: "data:text/html,<script>alert(1)</script>" }, "evidenceUrl", "registers.errors.url"],
      [{ evidenceUrl: "ftp://files.example.com/a.pdf" }, "evidenceUrl", "registers.errors.url"],
      [{ evidenceUrl: "//evil.example.com" }, "evidenceUrl", "registers.errors.url"],
      [{ evidenceUrl: "intra/policy" }, "evidenceUrl", "registers.errors.url"],
      [{ reviewedOn: "2026-11-22" }, "reviewedOn", "error.futureDate"],
      [{ inPlaceOn: "2027-01-01" }, "inPlaceOn", "error.futureDate"],
      [{ reviewedOn: "2026-02-30" }, "reviewedOn", "error.invalidDate"],
      [{ inPlaceOn: "2026/04/01" }, "inPlaceOn", "error.invalidDate"],
      [{ status: "done" }, "status", "registers.errors.status"],
      [{ status: "" }, "status", "registers.errors.status"],
      [{ evidenceText: "あ".repeat(2001) }, "evidenceText", "registers.errors.tooLong"],
      [{ updatedBy: "   " }, "updatedBy", "registers.errors.updatedByRequired"],
    ];
    for (const [overrides, field, key] of cases) {
      const result = saveMeasureForm(db, "G01", measureForm({ status: "in_place", reviewedOn: "2026-11-01", ...overrides }), TODAY, actor);
      expect(result?.ok, JSON.stringify(overrides)).toBe(false);
      if (result && !result.ok) {
        expect(result.errors[field]?.key, JSON.stringify(overrides)).toBe(key);
        expect(Object.keys(result.errors)).toEqual([field]);
      }
    }
    const future = saveMeasureForm(db, "G01", measureForm({ reviewedOn: "2026-11-22" }), TODAY, actor);
    expect(future?.ok === false && future.errors.reviewedOn).toEqual({ key: "error.futureDate", params: { today: TODAY } });
    expect(db.select().from(measures).all()).toEqual(before);
    expect(entries(db)).toHaveLength(0);
  });

  it("accepts http(s) links, today's date and 2000 characters of evidence", () => {
    for (const url of ["https://example.com", "http://intra.local/policy?id=3#a", " HTTPS://Example.com/規程 "]) {
      expect(isHttpUrl(url.trim()), url).toBe(true);
    }
    const parsed = measureSchema(TODAY).safeParse(
      measureForm({ evidenceUrl: " https://example.com/p ", reviewedOn: TODAY, inPlaceOn: TODAY, evidenceText: "あ".repeat(2000) }),
    );
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject({ evidenceUrl: "https://example.com/p", reviewedOn: TODAY, inPlaceOn: TODAY });
    expect(isHttpUrl("https://")).toBe(false);
  });

  it("never half-writes: if the audit entry cannot be written, the measure is not changed", () => {
    const db = memoryDb();
    db.$client.exec(
      "CREATE TRIGGER refuse_measure_audit BEFORE INSERT ON audit_log WHEN NEW.action = 'measure.updated' BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    const before = row(db, "G05");
    const input = measureSchema(TODAY).parse(measureForm({ status: "in_place" }));
    expect(() => updateMeasure(db, "G05", input, actor)).toThrow(/refused/);
    expect(row(db, "G05")).toEqual(before);
  });
});

describe("staleness", () => {
  it("is fresh when reviewed exactly 365 days ago, stale at 366, and stale when never reviewed", () => {
    const d365 = daysBefore(TODAY, 365);
    const d366 = daysBefore(TODAY, 366);
    expect(daysBetween(d365, TODAY)).toBe(365);
    expect(isStale(d365, TODAY)).toBe(false);
    expect(isStale(d366, TODAY)).toBe(true);
    expect(isStale(TODAY, TODAY)).toBe(false);
    expect(isStale(null, TODAY)).toBe(true);
    expect(isStale(undefined, TODAY)).toBe(true);
    expect(isStale("", TODAY)).toBe(true);
  });

  it("flags the register rows by the same rule", () => {
    const db = memoryDb();
    db.update(measures).set({ reviewedOn: daysBefore(TODAY, 365) }).where(eq(measures.code, "G01")).run();
    db.update(measures).set({ reviewedOn: daysBefore(TODAY, 366) }).where(eq(measures.code, "G02")).run();
    const stale = new Map(listMeasures(db, TODAY).map((r) => [r.code, r.stale]));
    expect(stale.get("G01")).toBe(false);
    expect(stale.get("G02")).toBe(true);
    expect(stale.get("G03")).toBe(true);
    // A year later the fresh one is stale too.
    expect(listMeasures(db, "2027-11-21").find((r) => r.code === "G01")?.stale).toBe(true);
  });
});

describe("training sessions", () => {
  it("adds a session with its audit entry, lists newest first and deletes with an audit entry", () => {
    const db = memoryDb();
    const a = addTrainingForm(db, trainingForm({ heldOn: "2025-10-01", title: "  管理職向け  研修 ", notes: "外部講師\r\n録画あり" }), TODAY, actor);
    const b = addTrainingForm(db, trainingForm({ heldOn: "2026-06-10", attendees: "0", invited: "0" }), TODAY, actor);
    expect(a.ok && b.ok).toBe(true);
    const ids = [a, b].map((r) => (r.ok ? r.id : -1));
    const listed = listTraining(db);
    expect(listed.map((s) => s.id)).toEqual([ids[1], ids[0]]);
    expect(listed[1]).toMatchObject({ heldOn: "2025-10-01", title: "管理職向け 研修", attendees: 18, invited: 20, notes: "外部講師\n録画あり" });

    let log = entries(db);
    expect(log.map((e) => e.action)).toEqual(["training.created", "training.created"]);
    expect(log[0]).toMatchObject({ targetType: "training", targetId: String(ids[0]), actor: "hr@example.com" });
    expect(detailOf(log[0])).toEqual({ heldOn: "2025-10-01", attendees: 18, invited: 20 });

    expect(deleteTraining(db, ids[0], actor)).toBe(true);
    expect(listTraining(db).map((s) => s.id)).toEqual([ids[1]]);
    log = entries(db);
    expect(log).toHaveLength(3);
    expect(log[2]).toMatchObject({ action: "training.deleted", targetType: "training", targetId: String(ids[0]) });
    expect(detailOf(log[2])).toEqual({ heldOn: "2025-10-01", attendees: 18, invited: 20 });

    // Deleting again (a double click, another tab) finds nothing and writes nothing.
    expect(deleteTraining(db, ids[0], actor)).toBe(false);
    expect(entries(db)).toHaveLength(3);
  });

  it("refuses invited fewer than attendees, and other bad input, writing nothing", () => {
    const db = memoryDb();
    const cases: [Partial<Record<TrainingField, string>>, TrainingField, string][] = [
      [{ attendees: "21", invited: "20" }, "invited", "registers.errors.invitedBelowAttendees"],
      [{ heldOn: "2026-11-22" }, "heldOn", "error.futureDate"],
      [{ heldOn: "" }, "heldOn", "registers.errors.heldOnRequired"],
      [{ heldOn: "2026-13-01" }, "heldOn", "error.invalidDate"],
      [{ title: " " }, "title", "registers.errors.titleRequired"],
      [{ title: "あ".repeat(201) }, "title", "registers.errors.tooLong"],
      [{ attendees: "-1" }, "attendees", "registers.errors.count"],
      [{ attendees: "1.5" }, "attendees", "registers.errors.count"],
      [{ attendees: "" }, "attendees", "registers.errors.countRequired"],
      [{ invited: "abc" }, "invited", "registers.errors.count"],
      [{ invited: "1000001" }, "invited", "registers.errors.countTooLarge"],
      [{ notes: "あ".repeat(1001) }, "notes", "registers.errors.tooLong"],
    ];
    for (const [overrides, field, key] of cases) {
      const result = addTrainingForm(db, trainingForm(overrides), TODAY, actor);
      expect(result.ok, JSON.stringify(overrides)).toBe(false);
      if (!result.ok) {
        expect(result.errors[field]?.key, JSON.stringify(overrides)).toBe(key);
        // One message, under the field at fault (a bad count is not also reported as "invited below attendees").
        expect(Object.keys(result.errors), JSON.stringify(overrides)).toEqual([field]);
        expect(result.values).toEqual(trainingForm(overrides));
      }
    }
    expect(db.select().from(trainingSessions).all()).toEqual([]);
    expect(entries(db)).toHaveLength(0);
  });

  it("accepts today, invited equal to attendees, full-width digits and 200/1000 characters", () => {
    const parsed = trainingSchema(TODAY).safeParse(
      trainingForm({ heldOn: TODAY, attendees: "２０", invited: "20", title: "あ".repeat(200), notes: "い".repeat(1000) }),
    );
    expect(parsed.success).toBe(true);
    expect(parsed.data).toMatchObject({ heldOn: TODAY, attendees: 20, invited: 20, notes: "い".repeat(1000) });
  });
});

describe("training totals per fiscal year", () => {
  const sessions = [
    { heldOn: "2025-03-31", attendees: 10, invited: 10 },
    { heldOn: "2025-04-01", attendees: 18, invited: 20 },
    { heldOn: "2025-12-10", attendees: 5, invited: 10 },
    { heldOn: "2026-03-31", attendees: 7, invited: 10 },
    { heldOn: "2026-04-01", attendees: 0, invited: 0 },
  ];

  it("sums sessions, attendees and invited per fiscal year starting in April, newest first", () => {
    expect(totalsByFiscalYear(sessions, 4)).toEqual([
      { fiscalYear: 2026, sessions: 1, attendees: 0, invited: 0, coverage: null },
      { fiscalYear: 2025, sessions: 3, attendees: 30, invited: 40, coverage: 0.75 },
      { fiscalYear: 2024, sessions: 1, attendees: 10, invited: 10, coverage: 1 },
    ]);
  });

  it("follows the fiscal-year start month setting (January = calendar years)", () => {
    expect(totalsByFiscalYear(sessions, 1).map((t) => [t.fiscalYear, t.sessions, t.attendees, t.invited])).toEqual([
      [2026, 2, 7, 10],
      [2025, 3, 33, 40],
    ]);
    expect(totalsByFiscalYear([], 4)).toEqual([]);
  });

  it("totals what is stored", () => {
    const db = memoryDb();
    for (const s of sessions) {
      const r = addTrainingForm(db, trainingForm({ heldOn: s.heldOn, attendees: String(s.attendees), invited: String(s.invited) }), TODAY, actor);
      expect(r.ok).toBe(true);
    }
    expect(totalsByFiscalYear(listTraining(db), 4).map((t) => t.attendees)).toEqual([0, 30, 10]);
  });

  it("shows coverage as a percentage, or a dash when nobody was invited", () => {
    expect(coverage(18, 20)).toBe(0.9);
    expect(coverage(0, 0)).toBeNull();
    expect(percent(coverage(2, 3))).toBe("66.7%");
    expect(percent(1)).toBe("100.0%");
    expect(percent(null)).toBe("—");
  });
});
