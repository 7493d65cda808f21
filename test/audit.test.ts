/**
 * The audit trail: writing and listing entries, the append-only guarantee of the database, and the entries written by
 * incident edits and imports in the same transaction as the change they record.
 */
import { fileURLToPath } from "node:url";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { auditLog, incidents, users } from "../db/schema";
import {
  audit, AUDIT_PAGE_SIZE, type AuditFilters, type Actor, auditSlice, listAudit, NO_AUDIT_FILTERS,
} from "~/modules/auth/audit.server";
import { parseAuditQuery } from "~/modules/auth/audit-filters";
import { auditDetailPairs, DETAIL_KEYS } from "~/modules/auth/audit-detail";
import { ja } from "~/i18n/dictionary.server";
import { undoBatch } from "~/modules/import/batches.server";
import { importFile } from "~/modules/import/commit.server";
import { createIncident, deleteIncident, updateIncident, ValidationFailed } from "~/modules/incidents/mutations.server";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const actor: Actor = { userId: 7, name: "hr@example.com", ip: "192.0.2.1" };
const filters = (f: Partial<AuditFilters>): AuditFilters => ({ ...NO_AUDIT_FILTERS, ...f });
const entries = (db: Db) => db.select().from(auditLog).orderBy(auditLog.id).all();
const ofAction = (db: Db, action: string) => entries(db).filter((e) => e.action === action);
const detailOf = (e: { detail: string | null }) => JSON.parse(e.detail ?? "null") as Record<string, unknown>;

/** An entry written directly, at a chosen instant. */
function put(db: Db, at: string, actorName: string, action: string, target: { type?: string; id?: string } = {}) {
  db.insert(auditLog)
    .values({ at, actor: actorName, action, userId: null, targetType: target.type ?? null, targetId: target.id ?? null })
    .run();
}

describe("writing entries", () => {
  it("records who, what, which record, when and from where", () => {
    const db = memoryDb();
    const before = new Date().toISOString();
    audit(db, actor, "incident.viewed", { type: "incident", id: 42 }, { tab: "detail" });
    audit(db, { userId: null, name: "cli:root", ip: null }, "settings.updated");
    const [a, b] = entries(db);
    expect(a).toMatchObject({
      userId: 7, actor: "hr@example.com", action: "incident.viewed", targetType: "incident", targetId: "42", ip: "192.0.2.1",
    });
    expect(detailOf(a)).toEqual({ tab: "detail" });
    expect(a.at >= before && a.at <= new Date().toISOString()).toBe(true);
    expect(a.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(b).toMatchObject({ userId: null, actor: "cli:root", targetType: null, targetId: null, detail: null, ip: null });
  });
});

describe("listing entries", () => {
  function sample(): Db {
    const db = memoryDb();
    put(db, "2025-04-01T14:59:59.999Z", "a@example.com", "auth.signed_in"); // Tokyo 2025-04-01 23:59:59
    put(db, "2025-04-01T15:30:00.000Z", "b@example.com", "user.created", { type: "user", id: "3" }); // Tokyo 04-02 00:30
    put(db, "2025-04-02T14:59:00.000Z", "a@example.com", "user.created", { type: "user", id: "4" }); // Tokyo 04-02 23:59
    put(db, "2025-04-02T15:00:00.000Z", "b@example.com", "auth.signed_in"); // Tokyo 04-03 00:00
    return db;
  }
  const ats = (r: { entries: { at: string }[] }) => r.entries.map((e) => e.at);

  it("lists every entry newest first with the total", () => {
    const r = listAudit(sample(), NO_AUDIT_FILTERS);
    expect(r.total).toBe(4);
    expect(ats(r)).toEqual([
      "2025-04-02T15:00:00.000Z", "2025-04-02T14:59:00.000Z", "2025-04-01T15:30:00.000Z", "2025-04-01T14:59:59.999Z",
    ]);
  });

  it("filters by actor, by action, and by both", () => {
    const db = sample();
    expect(listAudit(db, filters({ actor: "a@example.com" })).entries.map((e) => e.actor)).toEqual(["a@example.com", "a@example.com"]);
    expect(listAudit(db, filters({ action: "user.created" })).entries.map((e) => e.targetId)).toEqual(["4", "3"]);
    const both = listAudit(db, filters({ actor: "b@example.com", action: "user.created" }));
    expect([both.total, both.entries.map((e) => e.targetId)]).toEqual([1, ["3"]]);
    expect(listAudit(db, filters({ actor: "nobody" })).total).toBe(0);
  });

  it("filters by a part of the e-mail or of the user's name, in any case (issue 19)", async () => {
    const db = sample();
    put(db, "2025-04-03T00:00:00.000Z", "Alice.Tanaka@example.com", "auth.signed_in");
    db.insert(users).values({ email: "b@example.com", displayName: "佐藤 Bob", role: "hr", passwordHash: "x" }).run();
    const actorsOf = (actor: string) => listAudit(db, filters({ actor })).entries.map((e) => e.actor);
    expect(actorsOf("ALICE")).toEqual(["Alice.Tanaka@example.com"]);
    expect(actorsOf("tanaka@")).toEqual(["Alice.Tanaka@example.com"]);
    expect(actorsOf("ａｌｉｃｅ")).toEqual(["Alice.Tanaka@example.com"]);
    expect(actorsOf("bob")).toEqual(["b@example.com", "b@example.com"]);
    expect(actorsOf("佐藤")).toEqual(["b@example.com", "b@example.com"]);
    expect(actorsOf("b@example.com")).toEqual(["b@example.com", "b@example.com"]);
    expect(actorsOf("%")).toEqual([]);
    expect(actorsOf("nobody")).toEqual([]);
  });

  it("shows a detail as label: value pairs, keys translated where known, identifiers as recorded", () => {
    expect(auditDetailPairs(JSON.stringify({ filters: "?channel=C2", count: 3, format: "xlsx", fields: ["summary", "severity"], changes: { added: 2 }, odd: null }))).toEqual([
      { key: "filters", label: "audit.detail.filters", value: "?channel=C2" },
      { key: "count", label: "audit.detail.count", value: "3" },
      { key: "format", label: "audit.detail.format", value: "xlsx" },
      { key: "fields", label: "audit.detail.fields", value: "summary, severity" },
      { key: "changes.added", label: null, value: "2" },
      { key: "odd", label: null, value: "—" },
    ]);
    expect(auditDetailPairs(JSON.stringify({ filters: "?q=%E7%B9%B0%E3%82%8A+%E8%BF%94%E3%81%97&status=open" }))[0].value).toBe("?q=繰り 返し&status=open");
    expect(auditDetailPairs(null)).toEqual([]);
    expect(auditDetailPairs("not json")).toEqual([{ key: "", label: null, value: "not json" }]);
    for (const key of DETAIL_KEYS) expect(ja[`audit.detail.${key}`]).toBeTruthy();
  });

  it("filters by target", () => {
    const r = listAudit(sample(), filters({ targetType: "user", targetId: "4" }));
    expect(r.entries.map((e) => e.at)).toEqual(["2025-04-02T14:59:00.000Z"]);
  });

  it("filters by Tokyo calendar day, both ends included", () => {
    const db = sample();
    // 2025-04-02 in Tokyo runs from 2025-04-01T15:00Z to 2025-04-02T15:00Z.
    expect(ats(listAudit(db, filters({ from: "2025-04-02", to: "2025-04-02" })))).toEqual([
      "2025-04-02T14:59:00.000Z", "2025-04-01T15:30:00.000Z",
    ]);
    expect(listAudit(db, filters({ from: "2025-04-02" })).total).toBe(3);
    expect(ats(listAudit(db, filters({ to: "2025-04-01" })))).toEqual(["2025-04-01T14:59:59.999Z"]);
    expect(ats(listAudit(db, filters({ from: "2025-04-03", to: "2025-04-03" })))).toEqual(["2025-04-02T15:00:00.000Z"]);
    expect(listAudit(db, filters({ from: "2025-04-04" })).total).toBe(0);
  });

  it("ignores an impossible day typed into the page's URL instead of failing", () => {
    const db = sample();
    // The audit page reads its filters with parseAuditQuery ("anything unreadable is ignored") and lists with them.
    for (const search of ["from=2025-13-01", "to=2025-00-10", "from=2025-02-30"]) {
      const { page: _page, ...f } = parseAuditQuery(new URLSearchParams(search));
      expect(() => listAudit(db, f), search).not.toThrow();
      expect(listAudit(db, f).total, search).toBe(4);
    }
  });

  it("pages by AUDIT_PAGE_SIZE and gives the total on every page", () => {
    const db = memoryDb();
    const n = AUDIT_PAGE_SIZE * 2 + 5;
    db.transaction(() => {
      for (let i = 0; i < n; i++) put(db, new Date(Date.UTC(2025, 3, 1, 0, 0, i)).toISOString(), "a", "report.viewed", { id: String(i) });
    });
    const pages = [1, 2, 3, 4].map((p) => listAudit(db, NO_AUDIT_FILTERS, p));
    expect(pages.map((p) => p.entries.length)).toEqual([AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE, 5, 0]);
    expect(pages.map((p) => p.total)).toEqual([n, n, n, n]);
    expect(pages[0].entries[0].targetId).toBe(String(n - 1));
    expect(pages[2].entries.at(-1)!.targetId).toBe("0");
    const ids = pages.flatMap((p) => p.entries.map((e) => e.id));
    expect(new Set(ids).size).toBe(n);
  });

  it("reads every matching entry in slices older than the last one seen, newest first", () => {
    const db = sample();
    const all = listAudit(db, NO_AUDIT_FILTERS).entries;
    const first = auditSlice(db, NO_AUDIT_FILTERS, null, 3);
    expect(first).toEqual(all.slice(0, 3));
    const rest = auditSlice(db, NO_AUDIT_FILTERS, first.at(-1)!.id, 3);
    expect(rest).toEqual(all.slice(3));
    expect(auditSlice(db, NO_AUDIT_FILTERS, rest.at(-1)!.id, 3)).toEqual([]);
    // The filters apply to every slice.
    const signIns = filters({ action: "auth.signed_in" });
    const one = auditSlice(db, signIns, null, 1);
    expect(one.map((e) => e.at)).toEqual(["2025-04-02T15:00:00.000Z"]);
    expect(auditSlice(db, signIns, one[0].id, 10).map((e) => e.at)).toEqual(["2025-04-01T14:59:59.999Z"]);
  });
});

describe("the audit trail is append-only", () => {
  function withEntries(): Db {
    const db = memoryDb();
    audit(db, actor, "user.created", { type: "user", id: 1 }, { role: "hr" });
    audit(db, actor, "auth.signed_in");
    return db;
  }

  it("refuses UPDATE and DELETE in SQL and leaves the entries as they were", () => {
    const db = withEntries();
    const before = entries(db);
    expect(() => db.$client.prepare("UPDATE audit_log SET action='x'").run()).toThrow(/append-only/);
    expect(() => db.$client.prepare("UPDATE audit_log SET detail=NULL WHERE id=1").run()).toThrow(/append-only/);
    expect(() => db.$client.prepare("DELETE FROM audit_log").run()).toThrow(/append-only/);
    expect(() => db.$client.prepare("DELETE FROM audit_log WHERE id=2").run()).toThrow(/append-only/);
    expect(entries(db)).toEqual(before);
  });

  it("refuses INSERT OR REPLACE (and REPLACE) of an existing entry, which fires no DELETE trigger (issue 18)", () => {
    const db = withEntries();
    const before = entries(db);
    const columns = "id, at, actor, action";
    expect(() => db.$client.prepare(`INSERT OR REPLACE INTO audit_log (${columns}) VALUES (1, '2020-01-01T00:00:00Z', 'forger', 'auth.signed_in')`).run()).toThrow(/append-only/);
    expect(() => db.$client.prepare(`REPLACE INTO audit_log (${columns}) VALUES (2, '2020-01-01T00:00:00Z', 'forger', 'auth.signed_in')`).run()).toThrow(/append-only/);
    expect(entries(db)).toEqual(before);
    // New entries are written as before.
    audit(db, actor, "auth.signed_out");
    expect(entries(db)).toHaveLength(before.length + 1);
  });

  it("refuses updates and deletes through drizzle too, also inside a transaction", () => {
    const db = withEntries();
    const before = entries(db);
    expect(() => db.update(auditLog).set({ actor: "someone else" }).where(eq(auditLog.id, 1)).run()).toThrow(/append-only/);
    expect(() => db.delete(auditLog).run()).toThrow(/append-only/);
    expect(() =>
      db.transaction((tx) => {
        audit(tx, actor, "auth.signed_out");
        tx.delete(auditLog).where(eq(auditLog.id, 1)).run();
      }),
    ).toThrow(/append-only/);
    expect(entries(db)).toEqual(before);
  });
});

describe("incident changes are audited in the same transaction", () => {
  const opts = { today: TODAY, actor };

  it("creating an incident writes incident.created for it", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput(), opts);
    expect(entries(db)).toMatchObject([
      { action: "incident.created", targetType: "incident", targetId: String(id), userId: 7, actor: "hr@example.com", ip: "192.0.2.1" },
    ]);
  });

  it("an edit lists the changed field names, and never a value", () => {
    const db = memoryDb();
    const secretBefore = "元の概要:田中様が来店し大声を出した";
    const secretAfter = "新しい概要:山本様が電話で脅迫した";
    const id = createIncident(db, incidentInput({ summary: secretBefore, verbatim: "元の発言" }), opts);
    const before = toInput(getIncident(db, id)!);
    const fields = updateIncident(db, id, { ...before, summary: secretAfter, verbatim: "新しい発言", severity: 3 }, before, opts);
    expect(fields.sort()).toEqual(["severity", "summary", "verbatim"]);
    const [entry] = ofAction(db, "incident.updated");
    expect(entry).toMatchObject({ targetType: "incident", targetId: String(id), actor: "hr@example.com" });
    expect((detailOf(entry).fields as string[]).sort()).toEqual(["severity", "summary", "verbatim"]);
    const everything = JSON.stringify(entries(db));
    for (const value of [secretBefore, secretAfter, "元の発言", "新しい発言", "ABC商事"]) expect(everything).not.toContain(value);
  });

  it("an edit that changes nothing writes no entry", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput(), opts);
    const before = toInput(getIncident(db, id)!);
    expect(updateIncident(db, id, before, before, opts)).toEqual([]);
    expect(ofAction(db, "incident.updated")).toHaveLength(0);
  });

  it("deleting writes incident.deleted with the ref, and a missing incident writes nothing", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput({ ref: "KH-9" }), opts);
    expect(deleteIncident(db, id, actor)).toBe(true);
    expect(deleteIncident(db, id, actor)).toBe(false);
    const deleted = ofAction(db, "incident.deleted");
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toMatchObject({ targetId: String(id) });
    expect(detailOf(deleted[0])).toEqual({ ref: "KH-9" });
  });

  it("a refused change writes no entry", () => {
    const db = memoryDb();
    expect(() => createIncident(db, incidentInput({ responders: 0 }), opts)).toThrow(ValidationFailed);
    const id = createIncident(db, incidentInput(), opts);
    const before = toInput(getIncident(db, id)!);
    expect(() => updateIncident(db, id, { ...before, behaviours: [] }, before, opts)).toThrow(ValidationFailed);
    expect(entries(db).map((e) => e.action)).toEqual(["incident.created"]);
  });

  it("when the entry cannot be written, the change is not stored either", () => {
    const db = memoryDb();
    const id = createIncident(db, incidentInput({ ref: "KH-1" }), opts);
    const before = toInput(getIncident(db, id)!);
    // Make every further audit insert fail, as a full disk or a broken trigger would.
    db.$client.exec("CREATE TRIGGER audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit down'); END");
    expect(() => createIncident(db, incidentInput({ ref: "KH-2" }), opts)).toThrow(/audit down/);
    expect(() => updateIncident(db, id, { ...before, severity: 4 }, before, opts)).toThrow(/audit down/);
    expect(() => deleteIncident(db, id, actor)).toThrow(/audit down/);
    expect(db.select({ ref: incidents.ref, severity: incidents.severity }).from(incidents).all()).toEqual([{ ref: "KH-1", severity: 2 }]);
  });
});

describe("imports are audited", () => {
  const FIXTURES = fileURLToPath(new URL("./fixtures/import/", import.meta.url));
  const fixture = (name: string) => path.join(FIXTURES, name);
  const run = (db: Db, name: string, extra: { dryRun?: boolean } = {}) =>
    importFile(db, fixture(name), { today: TODAY, errorFilePath: null, actor, ...extra });

  it("a committed import writes one import.committed entry with its counts", async () => {
    const db = memoryDb();
    const r = await run(db, "sample-utf8.csv");
    expect(r.committed).toBe(true);
    expect(entries(db)).toHaveLength(1);
    const [entry] = entries(db);
    expect(entry).toMatchObject({
      action: "import.committed", targetType: "import_batch", targetId: r.batchId, userId: 7, actor: "hr@example.com", ip: "192.0.2.1",
    });
    expect(detailOf(entry)).toEqual({ file: "sample-utf8.csv", rows: 5, imported: 5, updated: 0, duplicates: 0, invalid: 0 });
  });

  it("a dry run, a blocked batch and a file that adds nothing write no entry", async () => {
    const db = memoryDb();
    const dry = await run(db, "sample-utf8.csv", { dryRun: true });
    expect([dry.committed, dry.imported, dry.valid.imported]).toEqual([false, 0, 5]);
    const blocked = await run(db, "invalid.csv");
    expect([blocked.committed, blocked.invalid > 0]).toEqual([false, true]);
    expect(entries(db)).toHaveLength(0);

    await run(db, "sample-utf8.csv");
    const again = await run(db, "sample-utf8.csv");
    expect([again.committed, again.duplicates]).toEqual([false, 5]);
    expect(entries(db).map((e) => e.action)).toEqual(["import.committed"]);
  });

  it("undoing a batch writes import.undone with what it removed", async () => {
    const db = memoryDb();
    const r = await run(db, "sample-utf8.csv");
    expect(undoBatch(db, r.batchId!, actor)).toEqual({ deleted: 5, restored: 0 });
    const undone = ofAction(db, "import.undone");
    expect(undone).toHaveLength(1);
    expect(undone[0]).toMatchObject({ targetType: "import_batch", targetId: r.batchId, actor: "hr@example.com" });
    expect(detailOf(undone[0])).toEqual({ deleted: 5, restored: 0 });
    expect(db.get<{ n: number }>(sql`select count(*) as n from incidents`)!.n).toBe(0);
  });
});

describe("what the trail holds (ADR 0005: identifiers, not values)", () => {
  it("keeps no name, e-mail, title or free text typed into users, measures, training, consultations or incidents", async () => {
    const db = memoryDb();
    const secrets = ["山田 花子", "hanako.yamada@example.co.jp", "鈴木 記入", "佐藤さん向け個別研修", "社員番号 A-99817", "顧客 田中様が激高"];
    const { createUser, updateUser } = await import("~/modules/auth/users.server");
    const { saveMeasureForm } = await import("~/modules/registers/measures.server");
    const { addTrainingForm, deleteTraining } = await import("~/modules/registers/training.server");
    const { createConsultation, updateConsultation } = await import("~/modules/consultations/consultations.server");
    db.$client.prepare("insert into departments (name, normalized_name) values ('東京本店', '東京本店')").run();
    const { id: userId } = await createUser(db, { email: "yamada@example.co.jp", displayName: secrets[0], role: "hr", department: null }, actor, { password: "a long enough password" });
    updateUser(db, userId, { fields: { email: secrets[1], displayName: `${secrets[0]}(人事)`, role: "supervisor", department: "東京本店" }, disabled: false }, actor);
    saveMeasureForm(db, "G03", { status: "in_place", evidenceText: secrets[5], evidenceUrl: "https://intra.example.co.jp/x", inPlaceOn: "2025-04-01", reviewedOn: "", updatedBy: secrets[2] }, TODAY, actor);
    const training = addTrainingForm(db, { heldOn: "2025-06-10", title: secrets[3], attendees: "3", invited: "4", notes: secrets[5] }, TODAY, actor);
    if (training.ok) deleteTraining(db, training.id, actor);
    const consultation = createConsultation(db, { receivedOn: "2025-05-01", route: "phone", employeeRef: secrets[4], anonymous: false, incidentId: null, firstResponseOn: null, followUp: secrets[5], closedOn: null }, actor);
    updateConsultation(db, consultation, { receivedOn: "2025-05-01", route: "phone", employeeRef: secrets[4], anonymous: false, incidentId: null, firstResponseOn: "2025-05-02", followUp: `${secrets[5]}。続報`, closedOn: null }, actor);
    const incident = createIncident(db, incidentInput({ summary: secrets[5], client: secrets[0] }), { today: TODAY, actor });
    updateIncident(db, incident, incidentInput({ summary: `${secrets[5]}。再度`, client: secrets[0], severity: 4 }), toInput(getIncident(db, incident)!), { today: TODAY, actor });

    const details = db.select({ action: auditLog.action, detail: auditLog.detail }).from(auditLog).all();
    expect(details.map((d) => d.action)).toEqual(expect.arrayContaining(["user.created", "user.updated", "measure.updated", "training.created", "training.deleted", "consultation.created", "consultation.updated", "incident.created", "incident.updated"]));
    for (const { action, detail } of details) {
      for (const secret of secrets) expect(detail ?? "", `${action} keeps "${secret}"`).not.toContain(secret);
    }
  });
});
