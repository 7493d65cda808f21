/**
 * The consultation desk log (相談窓口): validation (invalid input writes nothing), adding / changing / opening a
 * consultation with its audit entry in the same transaction (an update names fields, never values), the list's filters
 * and paging, the figures for the compliance report against hand-computed expectations, period boundaries, and a
 * deleted incident leaving its consultations in place, unlinked.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { auditLog, consultations } from "../db/schema";
import type { Actor } from "~/modules/auth/audit.server";
import { can, ROLES } from "~/modules/auth/permissions";
import {
  consultationMetrics, createConsultation, createConsultationForm, getConsultation, listConsultations, updateConsultation,
  updateConsultationForm, viewConsultation,
} from "~/modules/consultations/consultations.server";
import {
  consultationQueryToSearch, consultationSchema, parseConsultationQuery, routeLabel, toFormValues,
  type ConsultationField, type ConsultationInput,
} from "~/modules/consultations/schema";
import { median } from "~/modules/statistics";
import { createIncident, deleteIncident } from "~/modules/incidents/mutations.server";
import { parsePeriod } from "~/modules/reports/periods";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const actor: Actor = { userId: 3, name: "hr@example.com", ip: "192.0.2.7" };
const entries = (db: Db) => db.select().from(auditLog).orderBy(auditLog.id).all();
const detailOf = (e: { detail: string | null }) => JSON.parse(e.detail ?? "null") as Record<string, unknown>;
const rows = (db: Db) => db.select().from(consultations).orderBy(consultations.id).all();
const FOLLOW_UP = "上司からの叱責について相談。産業医面談を案内し、翌週に再面談の予定。";

function form(overrides: Partial<Record<ConsultationField, string>> = {}): Record<ConsultationField, string> {
  return {
    receivedOn: "2026-06-01",
    route: "desk",
    employeeRef: "E-10234",
    anonymous: "",
    incidentId: "",
    firstResponseOn: "",
    closedOn: "",
    followUp: "",
    ...overrides,
  };
}

function input(overrides: Partial<ConsultationInput> = {}): ConsultationInput {
  return {
    receivedOn: "2026-06-01",
    route: "desk",
    employeeRef: null,
    anonymous: false,
    incidentId: null,
    firstResponseOn: null,
    closedOn: null,
    followUp: null,
    ...overrides,
  };
}

/** The error keys per field of a form that fails, after checking nothing was written. */
function rejected(db: Db, values: Record<ConsultationField, string>): Record<string, string> {
  const result = createConsultationForm(db, values, TODAY, actor);
  if (result.ok) throw new Error("expected the form to be refused");
  expect(rows(db)).toHaveLength(0);
  expect(entries(db)).toHaveLength(0);
  return Object.fromEntries(Object.entries(result.errors).map(([f, m]) => [f, m.key]));
}

describe("permission", () => {
  it("grants consultations.manage to admin and HR only", () => {
    expect(ROLES.filter((role) => can({ role, departmentId: 1 }, "consultations.manage"))).toEqual(["admin", "hr"]);
  });
});

describe("validation (invalid input writes nothing)", () => {
  it("refuses a received day in the future, missing or not a day", () => {
    const db = memoryDb();
    expect(rejected(db, form({ receivedOn: "2026-11-22" }))).toEqual({ receivedOn: "error.futureDate" });
    expect(rejected(db, form({ receivedOn: "" }))).toEqual({ receivedOn: "consultations.errors.receivedOnRequired" });
    expect(rejected(db, form({ receivedOn: "2026-02-30" }))).toEqual({ receivedOn: "error.invalidDate" });
    // Today itself is allowed.
    expect(createConsultationForm(db, form({ receivedOn: TODAY, firstResponseOn: TODAY, closedOn: TODAY }), TODAY, actor).ok).toBe(true);
  });

  it("refuses a first response or a closing before the day received, or in the future", () => {
    const db = memoryDb();
    expect(rejected(db, form({ receivedOn: "2026-06-10", firstResponseOn: "2026-06-09" }))).toEqual({
      firstResponseOn: "consultations.errors.beforeReceived",
    });
    expect(rejected(db, form({ receivedOn: "2026-06-10", closedOn: "2026-06-01" }))).toEqual({
      closedOn: "consultations.errors.beforeReceived",
    });
    expect(rejected(db, form({ firstResponseOn: "2026-11-22", closedOn: "2027-01-01" }))).toEqual({
      firstResponseOn: "error.futureDate",
      closedOn: "error.futureDate",
    });
    // The same day as received is fine.
    expect(createConsultationForm(db, form({ receivedOn: "2026-06-10", firstResponseOn: "2026-06-10", closedOn: "2026-06-10" }), TODAY, actor).ok).toBe(true);
  });

  it("refuses an anonymous consultation with an employee reference, and says so", () => {
    const db = memoryDb();
    expect(rejected(db, form({ anonymous: "on", employeeRef: "E-10234" }))).toEqual({
      employeeRef: "consultations.errors.anonymousWithRef",
    });
    // Anonymous without a reference is fine; white space alone is no reference.
    const ok = createConsultationForm(db, form({ anonymous: "on", employeeRef: "  " }), TODAY, actor);
    expect(ok.ok).toBe(true);
    expect(rows(db)[0]).toMatchObject({ anonymous: true, employeeRef: null });
  });

  it("refuses an incident reference or id that is not on file, and text that cannot be one", () => {
    const db = memoryDb();
    expect(rejected(db, form({ incidentId: "999" }))).toEqual({ incidentId: "consultations.errors.incidentMissing" });
    expect(rejected(db, form({ incidentId: "KH-1" }))).toEqual({ incidentId: "consultations.errors.incidentMissing" });
    expect(rejected(db, form({ incidentId: "0" }))).toEqual({ incidentId: "consultations.errors.incidentMissing" });
    expect(rejected(db, form({ incidentId: "K".repeat(101) }))).toEqual({ incidentId: "consultations.errors.incidentId" });
    expect(consultationSchema(TODAY).safeParse(form({ incidentId: "KH-1" })).success).toBe(false);
  });

  it("links an incident by its 管理番号 in any width, case or dash, or by its id, and shows it by its 管理番号", () => {
    const db = memoryDb();
    const kh5 = createIncident(db, incidentInput({ ref: "KH-2025-00005" }));
    const plain = createIncident(db, incidentInput({ ref: null, summary: "管理番号のない事案" }));
    const numeric = createIncident(db, incidentInput({ ref: "12", summary: "数字だけの管理番号" }));
    const linked = (typed: string) => {
      const r = createConsultationForm(db, form({ incidentId: typed }), TODAY, actor);
      return r.ok ? getConsultation(db, r.value)!.incident?.id : r.errors;
    };
    expect(linked("KH-2025-00005")).toBe(kh5);
    expect(linked("ＫＨ－２０２５－００００５")).toBe(kh5);
    expect(linked("kh-2025-00005")).toBe(kh5);
    expect(linked("KH−2025ー00005")).toBe(kh5);
    expect(linked(String(plain))).toBe(plain);
    expect(linked(`#${plain}`)).toBe(plain);
    // A 管理番号 made of digits is read as that 管理番号 first; "#" says the internal id.
    expect(linked("12")).toBe(numeric);
    expect(linked(`#${kh5}`)).toBe(kh5);
    expect(linked("KH-2025-0000")).toEqual({ incidentId: { key: "consultations.errors.incidentMissing" } });
    // The edit form shows the 管理番号, or "#id" for an incident without one; either is read back as the same incident.
    const withRef = createConsultationForm(db, form({ incidentId: "kh-2025-00005" }), TODAY, actor);
    expect(toFormValues(getConsultation(db, withRef.ok ? withRef.value : -1)!).incidentId).toBe("KH-2025-00005");
    const withoutRef = createConsultationForm(db, form({ incidentId: String(plain) }), TODAY, actor);
    expect(toFormValues(getConsultation(db, withoutRef.ok ? withoutRef.value : -1)!).incidentId).toBe(`#${plain}`);
  });

  it("refuses an unknown route, a reference over 50 characters and a follow-up over 2000", () => {
    const db = memoryDb();
    expect(rejected(db, form({ route: "" }))).toEqual({ route: "consultations.errors.route" });
    expect(rejected(db, form({ route: "fax" }))).toEqual({ route: "consultations.errors.route" });
    expect(rejected(db, form({ employeeRef: "E".repeat(51) }))).toEqual({ employeeRef: "consultations.errors.tooLong" });
    expect(rejected(db, form({ followUp: "あ".repeat(2001) }))).toEqual({ followUp: "consultations.errors.tooLong" });
    expect(rejected(db, form({ anonymous: "maybe" }))).toEqual({ anonymous: "consultations.errors.anonymous" });
  });

  it("reports every field's problem at once", () => {
    const db = memoryDb();
    expect(
      rejected(db, form({ receivedOn: "2026-12-01", route: "fax", anonymous: "on", employeeRef: "E-1", incidentId: "42" })),
    ).toEqual({
      receivedOn: "error.futureDate",
      route: "consultations.errors.route",
      employeeRef: "consultations.errors.anonymousWithRef",
      incidentId: "consultations.errors.incidentMissing",
    });
  });

  it("normalises the reference (NFKC, trimmed) and the follow-up's line endings", () => {
    const parsed = consultationSchema(TODAY).parse(
      form({ employeeRef: " ＥＭＰ－００１２ ", followUp: "  一行目\r\n二行目  ", incidentId: "＃１２", receivedOn: "２０２６-０６-０１" }),
    );
    expect(parsed).toMatchObject({ employeeRef: "EMP-0012", followUp: "一行目\n二行目", incidentId: 12, receivedOn: "2026-06-01" });
    expect(consultationSchema(TODAY).parse(form({ employeeRef: "E".repeat(50) })).employeeRef).toHaveLength(50);
    expect(consultationSchema(TODAY).parse(form({ followUp: "あ".repeat(2000) })).followUp).toHaveLength(2000);
  });
});

describe("create, update, view (audited in the same transaction)", () => {
  it("adds a consultation with its audit entry, holding neither the reference nor the follow-up", () => {
    const db = memoryDb();
    const incident = createIncident(db, incidentInput({ ref: "KH-7" }));
    const result = createConsultationForm(
      db,
      form({ route: "meeting", incidentId: String(incident), firstResponseOn: "2026-06-03", followUp: FOLLOW_UP }),
      TODAY,
      actor,
    );
    expect(result.ok).toBe(true);
    const id = result.ok ? result.value : -1;
    expect(rows(db)).toEqual([
      expect.objectContaining({
        id, receivedOn: "2026-06-01", route: "meeting", employeeRef: "E-10234", anonymous: false, incidentId: incident,
        firstResponseOn: "2026-06-03", closedOn: null, followUp: FOLLOW_UP, createdBy: "hr@example.com",
      }),
    ]);
    const log = entries(db);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: "consultation.created", targetType: "consultation", targetId: String(id), userId: 3, ip: "192.0.2.7" });
    expect(detailOf(log[0])).toEqual({ receivedOn: "2026-06-01", route: "meeting", anonymous: false, incidentId: incident });
    expect(log[0].detail).not.toContain("E-10234");
    expect(log[0].detail).not.toContain("産業医");

    // The page shows the incident's ref and date.
    expect(getConsultation(db, id)?.incident).toEqual({ id: incident, ref: "KH-7", occurredOn: "2025-04-01" });
  });

  it("lists the changed field names only, never the follow-up text", () => {
    const db = memoryDb();
    const id = createConsultation(db, input({ employeeRef: "E-1" }), actor);
    const changed = updateConsultationForm(
      db,
      id,
      form({ employeeRef: "E-1", receivedOn: "2026-06-01", firstResponseOn: "2026-06-02", followUp: FOLLOW_UP }),
      TODAY,
      { ...actor, name: "admin@example.com" },
    );
    expect(changed).toEqual({ ok: true, value: ["firstResponseOn", "followUp"] });
    expect(rows(db)[0]).toMatchObject({ firstResponseOn: "2026-06-02", followUp: FOLLOW_UP, createdBy: "hr@example.com" });
    const log = entries(db);
    expect(log).toHaveLength(2);
    expect(log[1]).toMatchObject({ action: "consultation.updated", targetType: "consultation", targetId: String(id), actor: "admin@example.com" });
    expect(detailOf(log[1])).toEqual({ fields: ["firstResponseOn", "followUp"] });

    // Changing the follow-up again: still only its name.
    const again = updateConsultationForm(
      db,
      id,
      form({ employeeRef: "E-1", firstResponseOn: "2026-06-02", followUp: `${FOLLOW_UP}\n再面談済み。`, closedOn: "2026-06-20" }),
      TODAY,
      actor,
    );
    expect(again).toEqual({ ok: true, value: ["closedOn", "followUp"] });
    for (const e of entries(db)) {
      expect(e.detail ?? "").not.toContain("叱責");
      expect(e.detail ?? "").not.toContain("再面談");
      expect(e.detail ?? "").not.toContain("E-1");
    }
  });

  it("writes nothing when nothing changed, when the input is invalid, or when there is no such consultation", () => {
    const db = memoryDb();
    const id = createConsultation(db, input({ employeeRef: "E-1", followUp: FOLLOW_UP }), actor);
    const before = rows(db);
    expect(updateConsultationForm(db, id, form({ employeeRef: " Ｅ-1 ", followUp: `${FOLLOW_UP}\r\n` }), TODAY, actor)).toEqual({ ok: true, value: [] });
    const invalid = updateConsultationForm(db, id, form({ employeeRef: "E-1", firstResponseOn: "2026-05-01" }), TODAY, actor);
    expect(invalid).toMatchObject({ ok: false, errors: { firstResponseOn: { key: "consultations.errors.beforeReceived" } } });
    expect(rows(db)).toEqual(before);
    expect(entries(db)).toHaveLength(1);
    expect(updateConsultationForm(db, id + 1, form(), TODAY, actor)).toBeNull();
    expect(updateConsultationForm(db, id + 1, form({ receivedOn: "" }), TODAY, actor)).toBeNull();
    expect(updateConsultation(db, id + 1, input(), actor)).toBeNull();
    expect(entries(db)).toHaveLength(1);
  });

  it("audits opening a consultation as consultation.viewed (and nothing for one that does not exist)", () => {
    const db = memoryDb();
    const id = createConsultation(db, input(), actor);
    expect(viewConsultation(db, id, actor)?.id).toBe(id);
    expect(viewConsultation(db, id + 1, actor)).toBeNull();
    const log = entries(db);
    expect(log.map((e) => e.action)).toEqual(["consultation.created", "consultation.viewed"]);
    expect(log[1]).toMatchObject({ targetType: "consultation", targetId: String(id), detail: null });
  });

  it("shows a stored consultation in the form as it was entered", () => {
    const db = memoryDb();
    const id = createConsultation(db, input({ anonymous: true, closedOn: "2026-06-05" }), actor);
    const values = toFormValues(getConsultation(db, id)!);
    expect(values).toEqual(form({ employeeRef: "", anonymous: "on", closedOn: "2026-06-05" }));
    // Saving the form unchanged changes nothing.
    expect(updateConsultationForm(db, id, values, TODAY, actor)).toEqual({ ok: true, value: [] });
  });
});

describe("list", () => {
  it("filters by period on received_on, route and open/closed, and counts", () => {
    const db = memoryDb();
    createConsultation(db, input({ receivedOn: "2026-05-31", route: "phone" }), actor);
    createConsultation(db, input({ receivedOn: "2026-06-01", route: "phone", closedOn: "2026-06-02" }), actor);
    createConsultation(db, input({ receivedOn: "2026-06-30", route: "email" }), actor);
    createConsultation(db, input({ receivedOn: "2026-07-01", route: "phone" }), actor);
    const june = parsePeriod("2026-06")!;
    const all = listConsultations(db, { period: null, route: null, state: null, page: 1 });
    expect(all.counts).toEqual({ total: 4, open: 3, closed: 1 });
    expect(all.rows.map((r) => r.receivedOn)).toEqual(["2026-07-01", "2026-06-30", "2026-06-01", "2026-05-31"]);
    const inJune = listConsultations(db, { period: june, route: null, state: null, page: 1 });
    expect(inJune.rows.map((r) => r.receivedOn)).toEqual(["2026-06-30", "2026-06-01"]);
    expect(inJune.counts).toEqual({ total: 2, open: 1, closed: 1 });
    expect(listConsultations(db, { period: june, route: "phone", state: null, page: 1 }).rows.map((r) => r.receivedOn)).toEqual(["2026-06-01"]);
    expect(listConsultations(db, { period: null, route: "phone", state: "open", page: 1 }).counts).toEqual({ total: 2, open: 2, closed: 0 });
    expect(listConsultations(db, { period: null, route: null, state: "closed", page: 1 }).rows.map((r) => r.receivedOn)).toEqual(["2026-06-01"]);
  });

  it("pages by 50, a page past the end showing the last", () => {
    const db = memoryDb();
    for (let i = 0; i < 51; i++) createConsultation(db, input({ receivedOn: i === 50 ? "2026-01-01" : "2026-06-01" }), actor);
    const p1 = listConsultations(db, { period: null, route: null, state: null, page: 1 });
    expect([p1.rows.length, p1.pages, p1.counts.total]).toEqual([50, 2, 51]);
    const p2 = listConsultations(db, { period: null, route: null, state: null, page: 9 });
    expect(p2.page).toBe(2);
    expect(p2.rows.map((r) => r.receivedOn)).toEqual(["2026-01-01"]);
  });

  it("reads its query from the URL and writes it back", () => {
    const q = parseConsultationQuery(new URLSearchParams("period=fy2026-q1&route=meeting&state=open&page=3"), 4);
    expect(q).toMatchObject({ route: "meeting", state: "open", page: 3, invalidPeriod: null });
    expect(q.period).toMatchObject({ key: "FY2026-Q1", from: "2026-04-01", to: "2026-06-30" });
    expect(consultationQueryToSearch(q)).toBe("?period=FY2026-Q1&route=meeting&state=open&page=3");
    const bad = parseConsultationQuery(new URLSearchParams("period=someday&route=fax&state=x&page=-1"));
    expect(bad).toEqual({ period: null, invalidPeriod: "someday", route: null, state: null, page: 1 });
    expect(consultationQueryToSearch(bad)).toBe("");
  });

  it("labels routes in Japanese", () => {
    expect(["desk", "phone", "email", "meeting"].map((r) => routeLabel(r))).toEqual(["窓口", "電話", "メール", "面談"]);
  });
});

describe("consultationMetrics", () => {
  /**
   * June 2026: five received (response delays 0, 2, 3, 10 days and one unanswered; two linked to incidents; one
   * anonymous; open at 30 June: B, C — closed only in July — and E), and one either side of the month.
   */
  function june(db: Db) {
    const i1 = createIncident(db, incidentInput({ ref: "KH-1" }));
    const i2 = createIncident(db, incidentInput({ ref: "KH-2", summary: "別件" }));
    createConsultation(db, input({ receivedOn: "2026-05-31", firstResponseOn: "2026-06-20", incidentId: i1 }), actor); // outside
    createConsultation(db, input({ receivedOn: "2026-06-01", firstResponseOn: "2026-06-01", closedOn: "2026-06-05", incidentId: i1 }), actor); // A: 0
    createConsultation(db, input({ receivedOn: "2026-06-03", firstResponseOn: "2026-06-05", anonymous: true }), actor); // B: 2
    createConsultation(db, input({ receivedOn: "2026-06-10", firstResponseOn: "2026-06-13", closedOn: "2026-07-02" }), actor); // C: 3
    createConsultation(db, input({ receivedOn: "2026-06-20", firstResponseOn: "2026-06-30", closedOn: "2026-06-30", incidentId: i2 }), actor); // D: 10
    createConsultation(db, input({ receivedOn: "2026-06-30", route: "email" }), actor); // E: unanswered, last day of the month
    createConsultation(db, input({ receivedOn: "2026-07-01", firstResponseOn: "2026-07-01", anonymous: true }), actor); // outside
    return { i1, i2 };
  }

  it("computes the figures for the period by hand", () => {
    const db = memoryDb();
    june(db);
    expect(consultationMetrics(db, "2026-06-01", "2026-06-30")).toEqual({
      received: 5,
      anonymous: 1,
      medianDaysToFirstResponse: 2.5,
      responded: 4,
      linkedToIncident: 2,
      linkedShare: 2 / 5,
      open: 3,
    });
  });

  it("takes the last day of a month in and leaves the first of the next out", () => {
    const db = memoryDb();
    june(db);
    const p = parsePeriod("2026-06")!;
    expect(consultationMetrics(db, p.from, p.to).received).toBe(5);
    // Without the first five days of June: B (06-03) and A (06-01) drop out.
    expect(consultationMetrics(db, "2026-06-04", "2026-06-30")).toMatchObject({ received: 3, medianDaysToFirstResponse: 6.5 });
    // The last day of June alone holds only E; 1 July holds only the one received that day.
    expect(consultationMetrics(db, "2026-06-30", "2026-06-30")).toEqual({
      received: 1, anonymous: 0, medianDaysToFirstResponse: null, responded: 0, linkedToIncident: 0, linkedShare: 0, open: 1,
    });
    expect(consultationMetrics(db, "2026-07-01", "2026-07-31")).toMatchObject({ received: 1, anonymous: 1, medianDaysToFirstResponse: 0, open: 1 });
    expect(consultationMetrics(db, "2026-05-01", "2026-05-31")).toMatchObject({ received: 1, medianDaysToFirstResponse: 20, linkedShare: 1 });
  });

  it("has nulls, not zeros, where there is nothing to divide or take the median of", () => {
    expect(consultationMetrics(memoryDb(), "2026-04-01", "2027-03-31")).toEqual({
      received: 0, anonymous: 0, medianDaysToFirstResponse: null, responded: 0, linkedToIncident: 0, linkedShare: null, open: 0,
    });
  });

  it("takes the median of an odd and an even count", () => {
    expect(median([10, 0, 3])).toBe(3);
    expect(median([10, 0, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe("a linked incident deleted", () => {
  it("keeps the consultation, its incident_id now null, and no longer counts it as linked", () => {
    const db = memoryDb();
    const incident = createIncident(db, incidentInput({ ref: "KH-9" }));
    const id = createConsultation(db, input({ incidentId: incident }), actor);
    expect(consultationMetrics(db, "2026-06-01", "2026-06-30").linkedToIncident).toBe(1);
    expect(deleteIncident(db, incident, actor)).toBe(true);
    const after = db.select().from(consultations).where(eq(consultations.id, id)).get();
    expect(after).toMatchObject({ id, incidentId: null, receivedOn: "2026-06-01" });
    expect(getConsultation(db, id)?.incident).toBeNull();
    expect(consultationMetrics(db, "2026-06-01", "2026-06-30")).toMatchObject({ received: 1, linkedToIncident: 0, linkedShare: 0 });
  });
});
