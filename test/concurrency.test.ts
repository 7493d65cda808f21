/**
 * Optimistic concurrency on every edit form (issue 18): a save posted with the version its form was opened at is
 * written and moves the version on by one; a save posted with an older version — because someone saved in between, or
 * an import with --update, a password reset or the retention run wrote the row — is refused, writes nothing (no row,
 * no audit entry) and answers with both versions of the fields that differ; the stored version then saves.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { auditLog, consultations, incidentCodes, incidentReports, incidents, measures, users } from "../db/schema";
import type { Actor } from "~/modules/auth/audit.server";
import type { SessionUser } from "~/modules/auth/session.server";
import { createUser, getUser, resetPassword, storedUser, updateUser } from "~/modules/auth/users.server";
import {
  checkVersion, conflictOf, formVersion, parseVersion, saveOrConflict, StaleVersion,
} from "~/modules/concurrency";
import { createConsultation, updateConsultationForm } from "~/modules/consultations/consultations.server";
import { AppError } from "~/modules/errors";
import { importFile } from "~/modules/import/commit.server";
import { submitIncidentEdit } from "~/modules/incidents/form-actions.server";
import { toFormValues } from "~/modules/incidents/form-values";
import { createIncident, updateIncident } from "~/modules/incidents/mutations.server";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import {
  approveReport, getReport, NO_REPORT_VERSION, returnReport, saveDraft, storedReport, submitReport,
} from "~/modules/incidents/report.server";
import { reportComparable, type ReportFields } from "~/modules/incidents/report-schema";
import { getMeasure, saveMeasureForm } from "~/modules/registers/measures.server";
import type { MeasureField } from "~/modules/registers/schema";
import { erasePersonalData } from "~/modules/retention/retention.server";
import { failedSave } from "~/modules/http.server";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const actor: Actor = { userId: 101, name: "hr@example.com", ip: null };
const other: Actor = { userId: 102, name: "hr2@example.com", ip: null };
const entries = (db: Db) => db.select().from(auditLog).all().length;

/** The AppError a call throws (or null). */
function errorOf(f: () => unknown): AppError | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
}

/** Everything a refused save must leave as it was: every table it could write, and the audit log. */
function snapshot(db: Db) {
  return JSON.stringify([
    db.select().from(incidents).all(), db.select().from(incidentCodes).all(), db.select().from(incidentReports).all(),
    db.select().from(measures).all(), db.select().from(consultations).all(), db.select().from(users).all(), entries(db),
  ]);
}

function form(values: Record<string, string | string[]>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) for (const one of Array.isArray(v) ? v : [v]) f.append(k, one);
  return f;
}

describe("the version a form posts", () => {
  it("reads a whole number, and refuses a missing or malformed one with a 400", () => {
    expect(parseVersion("0")).toBe(0);
    expect(parseVersion("17")).toBe(17);
    for (const bad of [null, "", " 1", "1.0", "1e3", "-1", "01", "x", "9".repeat(16)]) {
      const e = errorOf(() => parseVersion(bad));
      expect(e, String(bad)).toMatchObject({ status: 400, userMessage: "concurrency.errors.versionMissing" });
    }
  });

  it("checks only when a form posted one, and a gone row is stale", () => {
    expect(() => checkVersion(3, undefined)).not.toThrow();
    expect(() => checkVersion(3, 3)).not.toThrow();
    expect(errorOf(() => checkVersion(4, 3))).toBeInstanceOf(StaleVersion);
    expect(errorOf(() => checkVersion(undefined, 3))).toMatchObject({ status: 409, userMessage: "concurrency.conflict" });
  });

  it("compares only the fields that differ, code lists in any order, and keeps posting the version shown", () => {
    const c = conflictOf(
      { severity: "2", summary: "mine", behaviours: ["MA02", "MA01"], extra: "x" },
      { version: 5, values: { severity: "4", summary: "mine", behaviours: ["MA01", "MA02"], care: [] } },
    );
    expect(c).toEqual({ version: 5, fields: ["severity"], mine: { severity: "2" }, stored: { severity: "4" } });
    expect(formVersion(3, null)).toBe(3);
    expect(formVersion(3, { version: 2 })).toBe(2);
    expect(formVersion(3, { conflict: c, version: 5 })).toBe(5);
    // Anything but a stale version goes on as it is.
    expect(() => saveOrConflict(() => { throw new AppError(422, "error.badRequest"); }, () => ({}), () => ({ version: 1, values: {} }))).toThrow(AppError);
  });

  it("answers a conflict with 409 and both versions, a failed save with its posted version", () => {
    const c = conflictOf({ a: "1" }, { version: 9, values: { a: "2" } });
    const conflict = failedSave(form({ version: "8" }), { errors: {}, values: { a: "1" }, conflict: c });
    expect(conflict.init?.status).toBe(409);
    expect(conflict.data).toMatchObject({ error: { key: "concurrency.conflict" }, values: { a: "1" }, conflict: c, version: 9 });
    const invalid = failedSave(form({ version: "8" }), { errors: { a: { key: "error.required" } }, values: { a: "" } });
    expect(invalid.init?.status).toBe(422);
    expect(invalid.data).toMatchObject({ fieldErrors: { a: { key: "error.required" } }, version: 8 });
    expect(failedSave(form({}), { errors: {}, values: {} }).data.version).toBeUndefined();
  });
});

// ---------- incidents ----------

const hr: SessionUser = {
  id: 1, email: "hr@example.com", displayName: null, role: "hr", departmentId: null, department: null, mustChangePassword: false, sessionId: "s1",
};

/** The edit form as the page posts it: the stored values, some changed, and the version it was opened at. */
function incidentForm(db: Db, id: number, version: number, changes: Record<string, string | string[]> = {}): FormData {
  return form({ ...toFormValues(toInput(getIncident(db, id)!)), ...changes, version: String(version) });
}

describe("the incident edit form", () => {
  it("refuses a save from an older version and writes nothing; the current version saves and moves on by one", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput({ severity: 2 }), { today: TODAY });
    const opened = getIncident(db, id)!;
    updateIncident(db, id, { ...toInput(opened), severity: 4 }, toInput(opened), { today: TODAY, actor: other, version: opened.version });
    expect(getIncident(db, id)!.version).toBe(opened.version + 1);

    const before = snapshot(db);
    const stale = errorOf(() =>
      updateIncident(db, id, { ...toInput(opened), summary: "別の欄の変更", behaviours: ["MA01"] }, toInput(opened), { today: TODAY, actor, version: opened.version }),
    );
    expect(stale).toBeInstanceOf(StaleVersion);
    expect(snapshot(db)).toBe(before);
    expect(getIncident(db, id)!.severity).toBe(4);

    const now = getIncident(db, id)!;
    expect(updateIncident(db, id, { ...toInput(now), summary: "別の欄の変更" }, toInput(now), { today: TODAY, actor, version: now.version })).toEqual(["summary"]);
    expect(getIncident(db, id)).toMatchObject({ severity: 4, summary: "別の欄の変更", version: now.version + 1 });
  });

  it("two tabs: the second save gets both versions of what differs, keeps the first's severity, then saves deliberately", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput({ severity: 2 }), { today: TODAY });
    const { version } = getIncident(db, id)!;
    const tab1 = submitIncidentEdit(db, incidentForm(db, id, version, { severity: "4" }), hr, getIncident(db, id)!, actor);
    expect(tab1).toEqual({ ok: true, value: ["severity"] });

    const before = snapshot(db);
    const posted = incidentForm(db, id, version, { severity: "2", prevention: "朝礼で共有する" });
    const tab2 = submitIncidentEdit(db, posted, hr, getIncident(db, id)!, other);
    expect(tab2.ok).toBe(false);
    if (tab2.ok) return;
    expect(tab2.conflict).toEqual({
      version: version + 1,
      fields: ["severity", "prevention"],
      mine: { severity: "2", prevention: "朝礼で共有する" },
      stored: { severity: "4", prevention: "" },
    });
    expect(tab2.values).toMatchObject({ severity: "2", prevention: "朝礼で共有する" }); // what was typed stays in the form
    expect(snapshot(db)).toBe(before);
    expect(getIncident(db, id)!.severity).toBe(4);

    // Having seen the difference, tab 2 keeps tab 1's severity and saves at the version it was shown.
    const again = submitIncidentEdit(db, incidentForm(db, id, tab2.conflict!.version, { prevention: "朝礼で共有する" }), hr, getIncident(db, id)!, other);
    expect(again).toEqual({ ok: true, value: ["prevention"] });
    expect(getIncident(db, id)).toMatchObject({ severity: 4, prevention: "朝礼で共有する", version: version + 2 });
  });

  it("checks the fields first, then refuses a form without a version with a 400", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput(), { today: TODAY });
    const values = { ...toFormValues(toInput(getIncident(db, id)!)) };
    const invalid = submitIncidentEdit(db, form({ ...values, behaviours: [] }), hr, getIncident(db, id)!, actor);
    expect(invalid.ok === false && Object.keys(invalid.errors)).toEqual(["behaviours"]);
    const before = snapshot(db);
    for (const version of [undefined, "", "abc"]) {
      const f = form(version === undefined ? { ...values, severity: "4" } : { ...values, severity: "4", version });
      expect(errorOf(() => submitIncidentEdit(db, f, hr, getIncident(db, id)!, actor))).toMatchObject({ status: 400 });
    }
    expect(snapshot(db)).toBe(before);
  });

  it("is made stale by an import with --update of the same incident", async () => {
    const db = memoryDb();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "occ-"));
    try {
      const fixtures = fileURLToPath(new URL("./fixtures/import/", import.meta.url));
      const run = (file: string, update: boolean) =>
        importFile(db, path.join(fixtures, file), { today: TODAY, update, errorFilePath: path.join(dir, `${file}.errors.csv`) });
      await run("sample-utf8.csv", false);
      const id = db.select({ id: incidents.id }).from(incidents).where(eq(incidents.ref, "KH-0002")).get()!.id;
      const opened = getIncident(db, id)!;
      expect((await run("sample-updated.csv", true)).updated).toBe(1);
      expect(getIncident(db, id)!.version).toBeGreaterThan(opened.version);

      const before = snapshot(db);
      const result = submitIncidentEdit(db, incidentForm(db, id, opened.version, { status: "open", closed_at: "", summary: "フォームの変更" }), hr, getIncident(db, id)!, actor);
      expect(result.ok === false && result.conflict?.stored).toMatchObject({ status: "closed", closed_at: "2025-05-20" });
      expect(snapshot(db)).toBe(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shows a supervisor no stored version of an incident moved out of their department meanwhile", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput({ department: "東京本店" }), { today: TODAY });
    const opened = getIncident(db, id)!;
    const supervisor: SessionUser = { ...hr, id: 5, role: "supervisor", departmentId: opened.departmentId, department: "東京本店" };
    updateIncident(db, id, { ...toInput(opened), department: "大阪支店", summary: "大阪の機微な内容" }, toInput(opened), { today: TODAY, actor: other });
    const e = errorOf(() => submitIncidentEdit(db, incidentForm(db, id, opened.version, { summary: "上書き", department: "東京本店" }), supervisor, opened, actor));
    expect(e).toMatchObject({ status: 403, userMessage: "error.forbiddenIncident" });
    expect(getIncident(db, id)).toMatchObject({ department: "大阪支店", summary: "大阪の機微な内容" });
  });
});

// ---------- the corrective report ----------

const responder = { userId: 2, name: "responder@example.com", ip: null };
const boss = { userId: 3, name: "boss@example.com", ip: null };
const boss2 = { userId: 4, name: "boss2@example.com", ip: null };
const complete: ReportFields = {
  whatHappened: "窓口で大声を出した。",
  causeAnalysis: "基準が共有されていなかった。",
  actions: [{ action: "基準を共有する", owner: "店長", due: "2025-05-15", done: false }],
  supervisorComment: null,
};

describe("the corrective report form", () => {
  const reportIncident = (db: Db, closedOn = "2025-05-01") =>
    createIncident(db, incidentInput({ occurred_at: `${closedOn}T10:00:00+09:00`, reported_at: null, closed_at: closedOn, report_submitted_at: null }), { today: TODAY });
  const version = (db: Db, id: number) => getReport(db, id)?.version ?? NO_REPORT_VERSION;

  it("refuses a draft from a form opened before someone else started the report; the current version saves", () => {
    const db = memoryDb();
    const id = reportIncident(db);
    saveDraft(db, id, { ...complete, causeAnalysis: "先に保存した原因" }, other, NO_REPORT_VERSION);
    expect(version(db, id)).toBe(1);
    const before = snapshot(db);
    expect(errorOf(() => saveDraft(db, id, complete, responder, NO_REPORT_VERSION))).toBeInstanceOf(StaleVersion);
    expect(errorOf(() => submitReport(db, id, complete, responder, "2025-05-05", NO_REPORT_VERSION))).toBeInstanceOf(StaleVersion);
    expect(snapshot(db)).toBe(before);
    saveDraft(db, id, complete, responder, 1);
    expect(getReport(db, id)).toMatchObject({ causeAnalysis: complete.causeAnalysis, version: 2 });
    submitReport(db, id, complete, responder, "2025-05-05", 2);
    expect(getReport(db, id)).toMatchObject({ status: "submitted", version: 3 });
  });

  it("refuses an approval or a return decided on a version another supervisor has already decided", () => {
    const db = memoryDb();
    const id = reportIncident(db);
    submitReport(db, id, complete, responder, "2025-05-05", NO_REPORT_VERSION);
    const opened = version(db, id);
    returnReport(db, id, "原因をもう少し具体的に。", boss2, opened);
    const before = snapshot(db);
    expect(errorOf(() => approveReport(db, id, "承認", boss, "2025-05-06", opened))).toBeInstanceOf(StaleVersion);
    expect(errorOf(() => returnReport(db, id, "差し戻し", boss, opened))).toBeInstanceOf(StaleVersion);
    expect(snapshot(db)).toBe(before);
    expect(getReport(db, id)).toMatchObject({ status: "draft", supervisorComment: "原因をもう少し具体的に。", version: opened + 1 });
  });

  it("shows the stale form both versions: the state, the texts and the actions that differ", () => {
    const db = memoryDb();
    const id = reportIncident(db);
    submitReport(db, id, complete, other, "2025-05-05", NO_REPORT_VERSION);
    const mine: ReportFields = { ...complete, causeAnalysis: "自分の原因分析", actions: [{ ...complete.actions[0], done: true }] };
    const saved = saveOrConflict(
      () => saveDraft(db, id, mine, responder, NO_REPORT_VERSION),
      () => reportComparable(mine, "draft"),
      () => storedReport(db, id),
    );
    expect(saved).toEqual({
      ok: false,
      conflict: {
        version: 1,
        fields: ["status", "causeAnalysis", "actions"],
        mine: { status: "draft", causeAnalysis: "自分の原因分析", actions: ["基準を共有する / 店長 / 2025-05-15 / ✓"] },
        stored: { status: "submitted", causeAnalysis: complete.causeAnalysis, actions: ["基準を共有する / 店長 / 2025-05-15"] },
      },
    });
    expect(getReport(db, id)).toMatchObject({ status: "submitted", causeAnalysis: complete.causeAnalysis });
  });

  it("is made stale by the retention run erasing the report's text", () => {
    const db = memoryDb();
    const id = reportIncident(db, "2020-06-01");
    saveDraft(db, id, complete, responder, NO_REPORT_VERSION);
    const opened = version(db, id);
    expect(erasePersonalData(db, TODAY, 5, actor).incidents).toBe(1);
    expect(version(db, id)).toBe(opened + 1);
    expect(errorOf(() => saveDraft(db, id, complete, responder, opened))).toBeInstanceOf(StaleVersion);
    expect(getReport(db, id)).toMatchObject({ whatHappened: null, causeAnalysis: null });
  });
});

// ---------- measures ----------

function measureForm(overrides: Partial<Record<MeasureField, string>> = {}): Record<MeasureField, string> {
  return { status: "not_yet", evidenceText: "", evidenceUrl: "", inPlaceOn: "", reviewedOn: "", updatedBy: "人事 花子", ...overrides };
}

describe("the measure form", () => {
  it("refuses a save from an older version (even one that changes nothing), shows both, then saves at the stored version", () => {
    const db = memoryDb();
    const opened = getMeasure(db, "G01", TODAY)!.version;
    expect(saveMeasureForm(db, "G01", measureForm({ status: "in_place", inPlaceOn: "2026-04-01" }), TODAY, other, String(opened))).toMatchObject({ ok: true });
    expect(getMeasure(db, "G01", TODAY)!.version).toBe(opened + 1);

    const before = snapshot(db);
    const mine = measureForm({ status: "partial", evidenceText: "規程案を作成中" });
    const stale = saveMeasureForm(db, "G01", mine, TODAY, actor, String(opened));
    expect(stale).toEqual({
      ok: false,
      errors: {},
      values: mine,
      conflict: {
        version: opened + 1,
        fields: ["status", "evidenceText", "inPlaceOn"],
        mine: { status: "partial", evidenceText: "規程案を作成中", inPlaceOn: "" },
        stored: { status: "in_place", evidenceText: "", inPlaceOn: "2026-04-01" },
      },
    });
    // A stale form that would change nothing is refused too: its values are those of a version no longer stored.
    expect(saveMeasureForm(db, "G01", measureForm(), TODAY, actor, String(opened))).toMatchObject({ ok: false, conflict: expect.any(Object) });
    expect(snapshot(db)).toBe(before);

    expect(saveMeasureForm(db, "G01", mine, TODAY, actor, String(opened + 1))).toEqual({ ok: true, changed: ["status", "evidenceText", "inPlaceOn"] });
    expect(getMeasure(db, "G01", TODAY)).toMatchObject({ status: "partial", version: opened + 2 });
    expect(errorOf(() => saveMeasureForm(db, "G01", mine, TODAY, actor, null))).toMatchObject({ status: 400 });
  });

  it("is made stale by any other write of the row", () => {
    const db = memoryDb();
    const opened = getMeasure(db, "N1", TODAY)!.version;
    db.update(measures).set({ reviewedOn: "2026-01-10" }).where(eq(measures.code, "N1")).run();
    const result = saveMeasureForm(db, "N1", measureForm({ status: "partial" }), TODAY, actor, String(opened));
    expect(result).toMatchObject({ ok: false, conflict: { fields: ["status", "reviewedOn"], stored: { reviewedOn: "2026-01-10" } } });
  });
});

// ---------- consultations ----------

const consultationForm = (overrides: Record<string, string> = {}) => ({
  receivedOn: "2026-06-01", route: "desk", employeeRef: "E-1", anonymous: "", incidentId: "", firstResponseOn: "", closedOn: "", followUp: "", ...overrides,
});

describe("the consultation form", () => {
  it("refuses a save from an older version and writes nothing; the stored version saves and moves on by one", () => {
    const db = memoryDb();
    const id = createConsultation(db, { receivedOn: "2026-06-01", route: "desk", employeeRef: "E-1", anonymous: false, incidentId: null, firstResponseOn: null, closedOn: null, followUp: null }, actor);
    const v = () => db.select({ v: consultations.version }).from(consultations).where(eq(consultations.id, id)).get()!.v;
    const opened = v();
    expect(updateConsultationForm(db, id, consultationForm({ firstResponseOn: "2026-06-02" }), TODAY, other, String(opened))).toEqual({ ok: true, value: ["firstResponseOn"] });

    const before = snapshot(db);
    const mine = consultationForm({ followUp: "産業医面談を案内した。" });
    const stale = updateConsultationForm(db, id, mine, TODAY, actor, String(opened));
    expect(stale).toMatchObject({
      ok: false,
      values: mine,
      conflict: {
        version: opened + 1,
        fields: ["firstResponseOn", "followUp"],
        mine: { firstResponseOn: "", followUp: "産業医面談を案内した。" },
        stored: { firstResponseOn: "2026-06-02", followUp: "" },
      },
    });
    expect(snapshot(db)).toBe(before);

    const next = consultationForm({ firstResponseOn: "2026-06-02", followUp: "産業医面談を案内した。" });
    expect(updateConsultationForm(db, id, next, TODAY, actor, String(opened + 1))).toEqual({ ok: true, value: ["followUp"] });
    expect(v()).toBe(opened + 2);
    expect(errorOf(() => updateConsultationForm(db, id, next, TODAY, actor, "x"))).toMatchObject({ status: 400 });
  });
});

// ---------- users ----------

describe("the user form", () => {
  let db: Db;
  beforeAll(() => {
    db = memoryDb();
  });
  afterAll(() => db.$client.close());

  it("refuses a change from an older version; a password reset in between makes the form stale too", async () => {
    const { id } = await createUser(db, { email: "u@example.com", displayName: "山田", role: "hr", department: null }, actor, { password: "a long password 1" });
    const fields = { email: "u@example.com", displayName: "山田", role: "hr" as const, department: null };
    const opened = getUser(db, id)!.version;
    updateUser(db, id, { fields: { ...fields, role: "executive" }, disabled: false, version: opened }, other);
    expect(getUser(db, id)).toMatchObject({ role: "executive", version: opened + 1 });

    const before = snapshot(db);
    expect(errorOf(() => updateUser(db, id, { fields: { ...fields, displayName: "山田 花子" }, disabled: false, version: opened }, actor))).toBeInstanceOf(StaleVersion);
    expect(snapshot(db)).toBe(before);
    expect(storedUser(db, id)).toEqual({
      version: opened + 1,
      values: { email: "u@example.com", displayName: "山田", role: "executive", department: "", disabled: "no" },
    });

    await resetPassword(db, id, other);
    expect(getUser(db, id)!.version).toBe(opened + 2);
    expect(errorOf(() => updateUser(db, id, { fields: { ...fields, role: "executive" }, disabled: true, version: opened + 1 }, actor))).toBeInstanceOf(StaleVersion);
    expect(updateUser(db, id, { fields: { ...fields, role: "executive" }, disabled: true, version: opened + 2 }, actor)).toEqual(["disabled"]);
    expect(getUser(db, id)).toMatchObject({ version: opened + 3, disabledAt: expect.any(String) });
  });
});
