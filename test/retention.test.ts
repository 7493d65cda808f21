/** Retention erases exactly the personal fields of incidents closed long enough ago, and nothing else. */
import { describe, expect, it } from "vitest";
import { buildComplianceReport } from "~/modules/reports/compliance.server";
import { getIssued, issueReport } from "~/modules/reports/issued.server";
import { parsePeriod } from "~/modules/reports/periods";
import { createIncident } from "~/modules/incidents/mutations.server";
import { saveDraft } from "~/modules/incidents/report.server";
import { erasePersonalData, erasureCandidates, retentionCutoff } from "~/modules/retention/retention.server";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const actor = { userId: 1, name: "admin@example.com", ip: null };
const SETTINGS = { suppressionThreshold: 3, writtenReportDeadlineDays: 7, nationalObligationDate: "2026-10-01" };

function sample() {
  const db = memoryDb();
  const add = (occurred: string, closed: string | null, client: string) =>
    createIncident(
      db,
      incidentInput({
        occurred_at: `${occurred}T10:00:00+09:00`, reported_at: null, client, status: closed ? "closed" : "open", closed_at: closed,
        report_submitted_at: null, summary: `${client}の件の概要`, verbatim: "責任者を出せ",
      }),
      { today: TODAY },
    );
  const old = add("2021-05-01", "2021-05-10", "古い商事"); // closed 5½ years before 2026-11-21
  const edge = add("2021-11-01", "2021-11-21", "境界商事"); // closed exactly 5 years before: kept
  const shared = add("2021-06-01", "2021-06-02", "共有商事"); // old, but its client also has a recent incident
  add("2026-06-01", "2026-06-02", "共有商事");
  const open = add("2020-01-01", null, "未完了商事"); // never closed: kept however old
  return { db, old, edge, shared, open };
}

const row = (db: ReturnType<typeof memoryDb>, id: number) => db.$client.prepare("select * from incidents where id = ?").get(id) as Record<string, unknown>;

describe("retention", () => {
  it("lists in a dry run exactly the incidents closed more than 5 years ago, and changes nothing", () => {
    const { db, old, shared } = sample();
    expect(retentionCutoff(TODAY, 5)).toBe("2021-11-21");
    const before = db.$client.prepare("select * from incidents order by id").all();
    const candidates = erasureCandidates(db, TODAY, 5);
    expect(candidates.map((c) => c.id)).toEqual([old, shared]);
    expect(candidates[0].fields).toEqual(["summary", "verbatim", "client"]);
    expect(db.$client.prepare("select * from incidents order by id").all()).toEqual(before);
  });

  it("erases the summary, the customer's words, the client link and the report's text — and nothing else", () => {
    const { db, old, shared, edge, open } = sample();
    saveDraft(db, old, { whatHappened: "古い商事の担当者が…", causeAnalysis: "…", actions: [{ action: "共有", owner: "山田", due: "2021-06-01", done: true }], supervisorComment: "確認" }, actor);
    const before = row(db, old);
    const codesBefore = db.$client.prepare("select field, code from incident_codes where incident_id = ? order by field, code").all(old);
    const untouched = [edge, open].map((id) => row(db, id));
    const result = erasePersonalData(db, TODAY, 5, actor);
    expect(result).toEqual({ incidents: 2, clients: 1 }); // 古い商事 goes; 共有商事 stays (a recent incident uses it)
    const after = row(db, old);
    expect(after).toMatchObject({ summary: null, verbatim: null, client_id: null, personal_erased_at: expect.any(String) });
    // The erasure is a change like any other: an edit form opened before it is now stale (issue 18).
    expect(after.version).toBe((before.version as number) + 1);
    // Every other column — dates, codes, counts, the fingerprint — is as it was.
    for (const k of Object.keys(before)) {
      if (["summary", "verbatim", "client_id", "personal_erased_at", "updated_at", "version"].includes(k)) continue;
      expect(after[k], k).toEqual(before[k]);
    }
    expect(db.$client.prepare("select what_happened, cause_analysis, supervisor_comment, actions from incident_reports where incident_id = ?").get(old)).toEqual({
      what_happened: null, cause_analysis: null, supervisor_comment: null, actions: "[]",
    });
    expect([edge, open].map((id) => row(db, id))).toEqual(untouched);
    expect((db.$client.prepare("select name from clients order by name").all() as { name: string }[]).map((c) => c.name)).toEqual(["共有商事", "境界商事", "未完了商事"]);
    expect(row(db, shared).client_id).toBeNull();
    // Coded facts stay in the statistics; audited once; a second run finds nothing.
    expect(db.$client.prepare("select field, code from incident_codes where incident_id = ? order by field, code").all(old)).toEqual(codesBefore);
    expect(db.$client.prepare("select count(*) as n from audit_log where action = 'retention.erased'").get()).toEqual({ n: 1 });
    expect(erasePersonalData(db, TODAY, 5, actor)).toEqual({ incidents: 0, clients: 0 });
  });

  it("leaves a report issued before the erasure as it was, while the live figures keep every incident", () => {
    const { db } = sample();
    const period = parsePeriod("FY2021")!;
    const opts = { audience: "hr" as const, lang: "ja" as const, today: TODAY, settings: SETTINGS };
    const issued = issueReport(db, buildComplianceReport(db, period, opts), actor);
    const frozen = JSON.stringify(getIssued(db, issued.id)!.report);
    erasePersonalData(db, TODAY, 5, actor);
    expect(JSON.stringify(getIssued(db, issued.id)!.report)).toBe(frozen);
    const live = buildComplianceReport(db, period, opts);
    expect(live.totals.incidents).toBe(JSON.parse(frozen).totals.incidents);
    expect(live.byClient.map((c) => c.label)).not.toContain("古い商事");
  });
});
