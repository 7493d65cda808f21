/** Issuing freezes a report: it reads the same after incidents change, and the differences are told. */
import { describe, expect, it } from "vitest";
import { buildComplianceReport } from "~/modules/reports/compliance.server";
import { differences, getIssued, issueReport, listIssued, sameContent } from "~/modules/reports/issued.server";
import { parsePeriod } from "~/modules/reports/periods";
import { createIncident, deleteIncident, updateIncident } from "~/modules/incidents/mutations.server";
import { getIncident, toInput } from "~/modules/incidents/queries.server";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const SETTINGS = { suppressionThreshold: 3, writtenReportDeadlineDays: 7, nationalObligationDate: "2026-10-01" };
const opts = { audience: "hr" as const, lang: "ja" as const, today: TODAY, settings: SETTINGS };
const actor = { userId: 1, name: "hr@example.com", ip: "127.0.0.1" };
const FY2025 = parsePeriod("FY2025")!;

function sample() {
  const db = memoryDb();
  const ids = ["2025-05-01", "2025-06-01", "2025-07-01"].map((d, i) =>
    createIncident(
      db,
      incidentInput({ occurred_at: `${d}T10:00:00+09:00`, reported_at: null, channel: i === 2 ? "C1" : "C2", closed_at: d, report_submitted_at: null }),
      { today: TODAY },
    ),
  );
  return { db, ids };
}

describe("issued reports", () => {
  it("reads the same after incidents are edited, added and deleted, and the page can tell by how much the live figures differ", () => {
    const { db, ids } = sample();
    const meta = issueReport(db, buildComplianceReport(db, FY2025, opts), actor);
    expect(meta.sha256).toMatch(/^[0-9a-f]{64}$/);
    const frozen = JSON.stringify(getIssued(db, meta.id)!.report);

    // Later: one incident moves from phone to in person, one is added, one deleted.
    const first = getIncident(db, ids[0])!;
    updateIncident(db, ids[0], { ...toInput(first), channel: "C1" }, toInput(first), { today: TODAY });
    createIncident(db, incidentInput({ occurred_at: "2025-08-01T10:00:00+09:00", reported_at: null, closed_at: "2025-08-01", report_submitted_at: null }), { today: TODAY });
    deleteIncident(db, ids[1]);

    const again = getIssued(db, meta.id)!;
    expect(JSON.stringify(again.report)).toBe(frozen);
    expect(again.intact).toBe(true);
    expect(again.report.totals.incidents).toBe(3);

    const live = buildComplianceReport(db, FY2025, opts);
    const diff = differences(again.report, live);
    expect(diff.find((d) => d.section === "byChannel" && d.label === "電話")).toMatchObject({ issued: 2, live: 1, delta: -1 });
    expect(diff.find((d) => d.section === "byChannel" && d.label === "対面")).toMatchObject({ issued: 1, live: 2, delta: 1 });
    // 3 − 1 deleted + 1 added = 3: the total is unchanged, so it is not listed.
    expect(diff.find((d) => d.section === "totals" && d.label === "incidents")).toBeUndefined();
  });

  it("cannot be changed or deleted, records who issued it, and is listed per period", () => {
    const { db } = sample();
    const meta = issueReport(db, buildComplianceReport(db, FY2025, opts), actor);
    expect(() => db.$client.prepare("update issued_reports set content = '{}'").run()).toThrow(/append-only/);
    expect(() => db.$client.prepare("delete from issued_reports").run()).toThrow(/append-only/);
    // REPLACE deletes without a DELETE trigger: refused on its own (issue 18).
    expect(() =>
      db.$client
        .prepare("insert or replace into issued_reports (id, period_key, period_from, period_to, audience, issued_at, issued_by, sha256, content) select id, period_key, period_from, period_to, audience, issued_at, 'forger', sha256, '{}' from issued_reports")
        .run(),
    ).toThrow(/append-only/);
    expect(listIssued(db, { periodKey: "FY2025" })).toEqual([expect.objectContaining({ id: meta.id, issuedBy: "hr@example.com", audience: "hr" })]);
    expect(listIssued(db, { periodKey: "FY2024" })).toEqual([]);
    const entry = db.$client.prepare("select action, target_id from audit_log where action = 'report.issued'").get();
    expect(entry).toEqual({ action: "report.issued", target_id: String(meta.id) });
  });

  it("tells when the stored content no longer matches its SHA-256", () => {
    const { db } = sample();
    const meta = issueReport(db, buildComplianceReport(db, FY2025, opts), actor);
    // Only by going around the triggers (as someone with the file could): the hash then gives it away.
    db.$client.exec("drop trigger issued_reports_no_update");
    db.$client.prepare("update issued_reports set content = replace(content, '\"incidents\":3', '\"incidents\":2')").run();
    expect(getIssued(db, meta.id)!.intact).toBe(false);
  });

  it("compares by code, so a report issued in Japanese and read in English differs only where the figures do", () => {
    const { db, ids } = sample();
    // Three more incidents in every month of FY2025: the executive report needs no month under 3.
    for (let m = 0; m < 36; m++) {
      const [y, mo] = 4 + (m % 12) > 12 ? [2026, (m % 12) - 8] : [2025, 4 + (m % 12)];
      const day = `${y}-${String(mo).padStart(2, "0")}-10`;
      createIncident(db, incidentInput({ occurred_at: `${day}T10:00:00+09:00`, reported_at: null, closed_at: day, report_submitted_at: null }), { today: TODAY });
    }
    const issued = buildComplianceReport(db, FY2025, opts);
    const first = getIncident(db, ids[0])!;
    updateIncident(db, ids[0], { ...toInput(first), channel: "C1" }, toInput(first), { today: TODAY });
    for (const audience of ["hr", "executive"] as const) {
      const before = buildComplianceReport(db, FY2025, { ...opts, audience, lang: "ja" });
      expect(differences(before, buildComplianceReport(db, FY2025, { ...opts, audience, lang: "en" }))).toEqual([]);
    }
    const diff = differences(issued, buildComplianceReport(db, FY2025, { ...opts, lang: "en" }));
    expect(diff.map((d) => [d.section, d.label, d.delta])).toEqual([
      ["byChannel", "In person", 1],
      ["byChannel", "Phone", -1],
      // In person, one responder no longer meets step ④ (the phone is exempt from two responders).
      ["adherence", "two_responders_recorded.met", -1],
    ]);
  });

  it("tells a copy with the same content, whatever day it was made, from a report whose figures changed", () => {
    const { db, ids } = sample();
    const report = buildComplianceReport(db, FY2025, opts);
    expect(sameContent(report, buildComplianceReport(db, FY2025, { ...opts, today: "2026-11-22" }))).toBe(true);
    deleteIncident(db, ids[0]);
    expect(sameContent(report, buildComplianceReport(db, FY2025, opts))).toBe(false);
  });
});
