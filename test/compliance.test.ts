/** The compliance summary's own sections (the shared aggregates are tested in dashboard.test.ts). */
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { consultations, measures, settings, trainingSessions } from "../db/schema";
import { CHANNELS } from "~/modules/incidents/taxonomy";
import { buildComplianceReport } from "~/modules/reports/compliance.server";
import { parsePeriod } from "~/modules/reports/periods";
import { createIncident } from "~/modules/incidents/mutations.server";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const SETTINGS = { suppressionThreshold: 3, writtenReportDeadlineDays: 7, nationalObligationDate: "2026-10-01" };
const opts = (audience: "hr" | "executive" = "hr") => ({ audience, lang: "ja" as const, today: TODAY, settings: SETTINGS });

describe("the compliance summary", () => {
  it("shows the national measures (N1–N5) only for the part of a period on or after the national date", () => {
    const db = memoryDb();
    const straddling = buildComplianceReport(db, parsePeriod("2026-09-15..2026-10-15")!, opts());
    expect(straddling.national).toEqual({ from: "2026-10-01", to: "2026-10-15" });
    expect(straddling.measures.filter((m) => m.group === "N").map((m) => m.code)).toEqual(["N1", "N2", "N3", "N4", "N5"]);
    const before = buildComplianceReport(db, parsePeriod("FY2025")!, opts());
    expect(before.national).toBeNull();
    expect(before.measures.map((m) => m.code)).toEqual(Array.from({ length: 13 }, (_, i) => `G${String(i + 1).padStart(2, "0")}`));
  });

  it("marks a measure not reviewed within 12 months as stale, and counts training in the period", () => {
    const db = memoryDb();
    db.update(measures).set({ status: "in_place", reviewedOn: "2026-01-10", inPlaceOn: "2025-04-01" }).where(eq(measures.code, "G01")).run();
    db.update(measures).set({ status: "partial", reviewedOn: "2025-11-20" }).where(eq(measures.code, "G02")).run();
    db.insert(trainingSessions).values([
      { heldOn: "2025-06-01", title: "初期対応研修", attendees: 30, invited: 40 },
      { heldOn: "2026-02-01", title: "管理職研修", attendees: 10, invited: 10 },
      { heldOn: "2026-04-01", title: "次年度", attendees: 99, invited: 99 },
    ]).run();
    const r = buildComplianceReport(db, parsePeriod("FY2025")!, opts());
    const g = (code: string) => r.measures.find((m) => m.code === code)!;
    expect(g("G01")).toMatchObject({ status: "in_place", stale: false, inPlaceOn: "2025-04-01" });
    expect(g("G02")).toMatchObject({ status: "partial", stale: true }); // reviewed 366 days before 2026-11-21
    expect(g("G03")).toMatchObject({ status: "not_yet", stale: true, reviewedOn: null });
    expect(r.training).toEqual({ sessions: 2, attendees: 40, invited: 50, coverage: 0.8 });
  });

  it("uses the configured fiscal-year start month (January: FY2025 is the calendar year)", () => {
    const db = memoryDb();
    for (const at of ["2025-01-01T09:00:00+09:00", "2025-12-31T23:00:00+09:00", "2026-01-01T00:30:00+09:00"]) {
      createIncident(db, incidentInput({ occurred_at: at, reported_at: null, closed_at: at.slice(0, 10), report_submitted_at: null }), { today: TODAY });
    }
    const r = buildComplianceReport(db, parsePeriod("FY2025", 1)!, opts());
    expect(r.period).toMatchObject({ from: "2025-01-01", to: "2025-12-31" });
    expect(r.totals.incidents).toBe(2);
  });

  it("puts 2025-06-30 23:59 in FY2025-Q1 and 2025-07-01 00:00 in Q2 (Asia/Tokyo)", () => {
    const db = memoryDb();
    for (const at of ["2025-04-01T00:00:00+09:00", "2025-06-30T23:59:00+09:00", "2025-07-01T00:00:00+09:00"]) {
      createIncident(db, incidentInput({ occurred_at: at, reported_at: null, closed_at: at.slice(0, 10), report_submitted_at: null }), { today: TODAY });
    }
    const q1 = buildComplianceReport(db, parsePeriod("FY2025-Q1")!, opts());
    expect(q1.period).toMatchObject({ from: "2025-04-01", to: "2025-06-30" });
    expect(q1.totals.incidents).toBe(2);
    const q2 = buildComplianceReport(db, parsePeriod("FY2025-Q2")!, opts());
    expect(q2.totals).toMatchObject({ incidents: 1, previous: 2 }); // the previous period is Q1
  });

  it("counts the cases still open at the period's end by age, including one closed only after it", () => {
    const db = memoryDb();
    const add = (at: string, closed: string | null) =>
      createIncident(db, incidentInput({ occurred_at: at, reported_at: null, status: closed ? "closed" : "open", closed_at: closed, report_submitted_at: null }), { today: TODAY });
    add("2025-03-20T10:00:00+09:00", null); // 11 days old at 2025-03-31, before the period: still counts
    add("2025-01-01T10:00:00+09:00", "2025-04-15"); // closed after the period's end: 89 days old
    add("2024-09-01T10:00:00+09:00", null); // 211 days old
    add("2025-03-01T10:00:00+09:00", "2025-03-10"); // closed within: not open
    const r = buildComplianceReport(db, parsePeriod("2025-03")!, opts());
    expect(r.open.count).toBe(3);
    expect(r.open.oldestDays).toBe(211);
    expect(r.open.byAge.map((a) => a.count)).toEqual([1, 1, 0, 1]);
    expect(r.open.closedDateUnknown).toBe(0);
  });

  it("counts closed cases with no close date (終了日不明) apart: never as open, never given a day, shown to executives only from the threshold", () => {
    const db = memoryDb();
    const add = (at: string, input: Parameters<typeof incidentInput>[0]) =>
      createIncident(db, incidentInput({ occurred_at: at, reported_at: null, report_submitted_at: null, ...input }), { today: TODAY });
    add("2025-03-20T10:00:00+09:00", { status: "open", closed_at: null });
    for (const day of ["2024-05-01", "2025-02-01", "2025-03-05"]) add(`${day}T10:00:00+09:00`, { status: "closed", closed_at: null, closed_date_unknown: true });
    add("2025-04-02T10:00:00+09:00", { status: "closed", closed_at: null, closed_date_unknown: true }); // after the period
    const r = buildComplianceReport(db, parsePeriod("2025-03")!, opts());
    expect(r.open).toMatchObject({ count: 1, oldestDays: 11, closedDateUnknown: 3 });
    expect(r.open.byAge.map((a) => a.count)).toEqual([1, 0, 0, 0]);
    // Executives have the report of a fiscal year that has ended, with no month under 3 incidents.
    for (const fy of [2023, 2024]) {
      for (let m = 0; m < 36; m++) {
        const [y, mo] = 4 + (m % 12) > 12 ? [fy + 1, (m % 12) - 8] : [fy, 4 + (m % 12)];
        add(`${y}-${String(mo).padStart(2, "0")}-10T10:00:00+09:00`, { status: "closed", closed_at: `${y}-${String(mo).padStart(2, "0")}-11` });
      }
    }
    // Up to the end of FY2024 (March 2025): the three before April 2025.
    expect(buildComplianceReport(db, parsePeriod("FY2024")!, opts("executive")).open.closedDateUnknown).toBe(3);

    // Up to the end of FY2023: one, below the threshold, hidden from executives.
    add("2023-06-01T10:00:00+09:00", { status: "closed", closed_at: null, closed_date_unknown: true });
    expect(buildComplianceReport(db, parsePeriod("FY2023")!, opts()).open.closedDateUnknown).toBe(1);
    expect(buildComplianceReport(db, parsePeriod("FY2023")!, opts("executive")).open.closedDateUnknown).toBe("χ");
  });

  it("shows the consultation desk's figures for the period (G03/G04/N2), hand-computed", () => {
    const db = memoryDb();
    const linked = createIncident(db, incidentInput({ occurred_at: "2025-06-01T10:00:00+09:00", reported_at: null, closed_at: "2025-06-02", report_submitted_at: null }), { today: TODAY });
    const add = (receivedOn: string, firstResponseOn: string | null, closedOn: string | null, incidentId: number | null) =>
      db.insert(consultations).values({ receivedOn, route: "desk", employeeRef: null, anonymous: true, incidentId, firstResponseOn, closedOn }).run();
    add("2025-06-01", "2025-06-01", "2025-06-05", linked); // 0 days
    add("2025-06-10", "2025-06-12", null, null); // 2 days, open
    add("2025-06-20", "2025-06-23", "2025-07-10", linked); // 3 days, open at the end of June
    add("2025-06-30", null, null, null); // no response yet, open
    add("2025-07-01", "2025-07-01", null, null); // July: not in June
    const r = buildComplianceReport(db, parsePeriod("2025-06")!, opts());
    expect(r.consultations).toEqual({ received: 4, medianDaysToFirstResponse: 2, linkedShare: 0.5, open: 3 });
  });

  it("gives a null rate when nothing applies, and counts unknown values", () => {
    const db = memoryDb();
    createIncident(db, incidentInput({ occurred_at: "2025-05-01", reported_at: null, severity: null, validity: null, closed_at: "2025-05-02", report_submitted_at: null }), { today: TODAY });
    const r = buildComplianceReport(db, parsePeriod("2025-05")!, opts());
    expect(r.care).toMatchObject({ severe: 0, withCare: 0, rate: null });
    expect(r.adherence.find((a) => a.step === "care")).toMatchObject({ applicable: 0, rate: null });
    expect(r.bySeverity.find((s) => s.code === "unknown")!.count).toBe(1);
    expect(r.byValidity.find((s) => s.code === "unknown")!.count).toBe(1);
  });

  it("hides, for executives, a small cell and one more so it cannot be worked out, all as χ", () => {
    const db = memoryDb();
    db.update(settings).set({ disclosureKey: "test-key" }).run();
    // Channels in FY2025: 10 by phone, 2 in person, 5 by e-mail. The 2 is hidden, and so is one other (17 is published).
    const add = (channel: string, n: number) => {
      for (let i = 0; i < n; i++) {
        createIncident(db, incidentInput({ channel, occurred_at: `2025-05-${String(i + 1).padStart(2, "0")}T10:00:00+09:00`, reported_at: null, closed_at: "2025-06-01", report_submitted_at: null }), { today: TODAY });
      }
    };
    add("C2", 10);
    add("C1", 2);
    add("C4", 5);
    const r = buildComplianceReport(db, parsePeriod("FY2025")!, opts("executive"));
    const ch = Object.fromEntries(r.byChannel.filter((c) => c.count !== 0).map((c) => [c.code, c.count]));
    expect(ch.C1).toBe("χ");
    expect(Object.values(ch).filter((c) => c === "χ")).toHaveLength(2);
    // In the fixed code order, whatever the counts.
    expect(r.byChannel.map((c) => c.code)).toEqual([...CHANNELS.map((c) => c.code), "unknown"]);
    expect(r.totals.incidents).toBe(17);
    expect(JSON.stringify(r)).not.toMatch(/ABC商事|<3/);
  });

  it("makes the executive report for a fiscal year that has ended only", () => {
    const db = memoryDb();
    for (const p of ["2025-05", "FY2025-Q1", "FY2026", "2025-04-01..2025-06-30"]) {
      expect(() => buildComplianceReport(db, parsePeriod(p)!, opts("executive")), p).toThrow(expect.objectContaining({ status: 422, userMessage: "reports.executiveFyOnly" }));
    }
    expect(buildComplianceReport(db, parsePeriod("FY2025")!, opts("executive")).audience).toBe("executive");
  });

  it("compares a period in progress over the days so far, and ages open cases to today, not to a day not yet reached", () => {
    const db = memoryDb();
    const add = (at: string, open = false) =>
      createIncident(db, incidentInput({ occurred_at: at, reported_at: null, status: open ? "open" : "closed", closed_at: open ? null : at.slice(0, 10), report_submitted_at: null }), { today: TODAY });
    add("2025-05-01T10:00:00+09:00"); // FY2025, within the same span as FY2026 so far
    add("2025-12-01T10:00:00+09:00"); // FY2025, after 21 November: not in the span compared
    add("2026-06-01T10:00:00+09:00", true); // FY2026, open
    const r = buildComplianceReport(db, parsePeriod("FY2026")!, opts());
    expect(r.comparison).toEqual({
      inProgress: true,
      current: { from: "2026-04-01", to: TODAY, count: 1 },
      previous: { from: "2025-04-01", to: "2025-11-21" },
      yearBefore: { from: "2025-04-01", to: "2025-11-21" },
      asOf: TODAY,
    });
    expect(r.totals).toMatchObject({ incidents: 1, previous: 1, yearBefore: 1 });
    expect(r.open).toMatchObject({ count: 1, oldestDays: 173 }); // 2026-06-01 → 2026-11-21, not → 2027-03-31
    expect(r.narrative.join("")).toContain("2026-11-21までの件数は、前年の同期間と比べて +0件。");
    // A finished period: whole units, open cases at its end.
    const past = buildComplianceReport(db, parsePeriod("2025-12")!, opts());
    expect(past.comparison).toMatchObject({ inProgress: false, previous: { from: "2025-11-01", to: "2025-11-30" }, asOf: "2025-12-31" });
  });

  it("meets step ③ when the supervisor heard of it the same or the next calendar day in Tokyo, however many hours that is", () => {
    const db = memoryDb();
    const add = (occurred: string, reported: string) =>
      createIncident(db, incidentInput({ occurred_at: occurred, reported_at: reported, responses: [], closed_at: occurred.slice(0, 10), report_submitted_at: null }), { today: TODAY });
    add("2025-05-01", "2025-05-02T15:00:00+09:00"); // a date alone, reported the next afternoon (39 hours after its 00:00): met
    add("2025-05-01T23:50:00+09:00", "2025-05-02T23:55:00+09:00"); // the next day, 24 h 5 min later: met
    add("2025-05-01T08:00:00+09:00", "2025-05-03T00:10:00+09:00"); // two days later, though only 40 hours: missed
    add("2025-05-01T10:00:00+09:00", "2025-05-01T10:30:00+09:00"); // the same day: met
    const r = buildComplianceReport(db, parsePeriod("2025-05")!, opts());
    expect(r.adherence.find((a) => a.step === "report")).toMatchObject({ applicable: 4, met: 3 });
    expect(r.missed!.report.count).toBe(1);
  });

  it("lists every incident that missed a step for HR, not only the first 20, and none for executives (issue 19)", () => {
    const db = memoryDb();
    const ids = Array.from({ length: 25 }, (_, i) =>
      createIncident(db, incidentInput({ ref: `KH-2025-${String(i + 1).padStart(5, "0")}`, occurred_at: "2025-05-01T08:00:00+09:00", reported_at: "2025-05-09T10:00:00+09:00", responses: [], closed_at: "2025-05-10", report_submitted_at: null }), { today: TODAY }),
    );
    const r = buildComplianceReport(db, parsePeriod("2025-05")!, opts());
    expect(r.missed!.report.count).toBe(25);
    expect(r.missed!.report.incidents.map((i) => i.id).sort((a, b) => a - b)).toEqual(ids);
    expect(r.missed!.report.incidents.map((i) => i.ref)).toContain("KH-2025-00025");
    expect(buildComplianceReport(db, parsePeriod("FY2025")!, opts("executive")).missed).toBeNull();
  });
});
