/** The 是正処置計画書兼報告書 workflow, its effect on response-flow step ⑤, and overdue corrective actions. */
import { describe, expect, it } from "vitest";
import { buildComplianceReport } from "~/modules/reports/compliance.server";
import { parsePeriod } from "~/modules/reports/periods";
import { createIncident } from "~/modules/incidents/mutations.server";
import { getIncident } from "~/modules/incidents/queries.server";
import { approveReport, getReport, overdueActions, ReportNotReady, returnReport, saveDraft, submitReport } from "~/modules/incidents/report.server";
import type { ReportFields } from "~/modules/incidents/report-schema";
import { AppError } from "~/modules/errors";
import { incidentInput, memoryDb, TODAY } from "./helpers";

const responder = { userId: 2, name: "responder@example.com", ip: null };
const supervisor = { userId: 3, name: "supervisor@example.com", ip: null };
const complete: ReportFields = {
  whatHappened: "窓口で大声を出し、同じ要求を繰り返した。",
  causeAnalysis: "一次対応で打切りの基準が共有されていなかった。",
  actions: [
    { action: "打切り基準を店舗で共有する", owner: "店長", due: "2025-05-15", done: false },
    { action: "録音機の設置", owner: "総務", due: "2025-06-30", done: true },
  ],
  supervisorComment: null,
};

function incident(db: ReturnType<typeof memoryDb>, occurredOn = "2025-05-01") {
  return createIncident(db, incidentInput({ occurred_at: `${occurredOn}T10:00:00+09:00`, reported_at: null, closed_at: occurredOn, report_submitted_at: null }), { today: TODAY });
}

describe("the corrective-action report", () => {
  it("goes draft → submitted → approved, and submitting sets the incident's report_submitted_at", () => {
    const db = memoryDb();
    const id = incident(db);
    saveDraft(db, id, { ...complete, causeAnalysis: null }, responder);
    expect(getReport(db, id)).toMatchObject({ status: "draft", causeAnalysis: null });
    expect(getIncident(db, id)!.report_submitted_at).toBeNull();

    submitReport(db, id, complete, responder, "2025-05-05");
    expect(getReport(db, id)).toMatchObject({ status: "submitted", submittedOn: "2025-05-05", submittedBy: "responder@example.com" });
    expect(getIncident(db, id)!.report_submitted_at).toBe("2025-05-05");
    // The responder cannot change it now.
    expect(() => saveDraft(db, id, complete, responder)).toThrow(AppError);

    approveReport(db, id, "基準の共有を確認した。", supervisor, "2025-05-06");
    expect(getReport(db, id)).toMatchObject({ status: "approved", approvedBy: "supervisor@example.com", approvedOn: "2025-05-06", supervisorComment: "基準の共有を確認した。" });
    expect(() => submitReport(db, id, complete, responder, "2025-05-07")).toThrow(AppError);
    const actions = db.$client.prepare("select action from audit_log where target_id = ? order by id").all(String(id)) as { action: string }[];
    expect(actions.map((a) => a.action)).toEqual(["incident_report.saved", "incident_report.submitted", "incident_report.approved"]);
  });

  it("four eyes: whoever submitted a report can neither approve nor return it, whichever caller asks; nothing is written", () => {
    const db = memoryDb();
    const id = incident(db);
    submitReport(db, id, complete, responder, "2025-05-05");
    for (const decide of [() => approveReport(db, id, "自分で承認", responder, "2025-05-06"), () => returnReport(db, id, "自分で差し戻し", responder)]) {
      try {
        decide();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect([(e as AppError).status, (e as AppError).userMessage]).toEqual([403, "incidentReport.errors.ownApproval"]);
      }
    }
    expect(getReport(db, id)).toMatchObject({ status: "submitted", supervisorComment: null, approvedBy: null });
    approveReport(db, id, null, supervisor, "2025-05-06");
    expect(getReport(db, id)).toMatchObject({ status: "approved", approvedBy: "supervisor@example.com" });
  });

  it("refuses to submit without what happened, the cause and one whole action, and stores nothing", () => {
    const db = memoryDb();
    const id = incident(db);
    try {
      submitReport(db, id, { whatHappened: null, causeAnalysis: null, actions: [{ action: "共有", owner: "", due: null, done: false }], supervisorComment: null }, responder, "2025-05-05");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ReportNotReady);
      expect(Object.keys((e as ReportNotReady).problems).sort()).toEqual(["action_0", "actions", "causeAnalysis", "whatHappened"]);
    }
    expect(getReport(db, id)).toBeNull();
    expect(getIncident(db, id)!.report_submitted_at).toBeNull();
  });

  it("keeps the first submission day when a returned report is submitted again", () => {
    const db = memoryDb();
    const id = incident(db);
    submitReport(db, id, complete, responder, "2025-05-05");
    returnReport(db, id, "原因をもう少し具体的に。", supervisor);
    expect(getReport(db, id)).toMatchObject({ status: "draft", supervisorComment: "原因をもう少し具体的に。" });
    submitReport(db, id, complete, responder, "2025-05-20");
    expect(getIncident(db, id)!.report_submitted_at).toBe("2025-05-05");
  });

  it("counts for step ⑤ when submitted within the deadline (7 days), in the compliance report", () => {
    const db = memoryDb();
    const onTime = incident(db, "2025-05-01");
    const late = incident(db, "2025-05-02");
    incident(db, "2025-05-03"); // no report
    submitReport(db, onTime, complete, responder, "2025-05-08"); // 7 days: met
    submitReport(db, late, complete, responder, "2025-05-10"); // 8 days: not met
    const r = buildComplianceReport(db, parsePeriod("2025-05")!, {
      audience: "hr", lang: "ja", today: TODAY,
      settings: { suppressionThreshold: 3, writtenReportDeadlineDays: 7, nationalObligationDate: "2026-10-01" },
    });
    expect(r.adherence.find((a) => a.step === "written_report")).toMatchObject({ met: 1, applicable: 3 });
  });

  it("lists corrective actions past due and not done, oldest first, by department when asked", () => {
    const db = memoryDb();
    const a = incident(db, "2025-05-01");
    const b = incident(db, "2025-04-01");
    saveDraft(db, a, complete, responder); // one action due 2025-05-15 open, one done
    saveDraft(db, b, { ...complete, actions: [{ action: "再発防止会議", owner: "人事", due: "2025-04-20", done: false }, { action: "未来の期限", owner: "人事", due: "2099-01-01", done: false }] }, responder);
    const overdue = overdueActions(db, "2025-06-01");
    expect(overdue.map((o) => [o.incidentId, o.action, o.due])).toEqual([
      [b, "再発防止会議", "2025-04-20"],
      [a, "打切り基準を店舗で共有する", "2025-05-15"],
    ]);
    expect(overdueActions(db, "2025-05-01").map((o) => o.action)).toEqual(["再発防止会議"]);
    expect(overdueActions(db, "2025-06-01", 999)).toEqual([]);
  });
});
