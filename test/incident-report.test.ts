/** The 是正処置計画書兼報告書 workflow, its effect on response-flow step ⑤, and overdue corrective actions. */
import { describe, expect, it } from "vitest";
import { buildComplianceReport } from "~/modules/reports/compliance.server";
import { parsePeriod } from "~/modules/reports/periods";
import { createIncident } from "~/modules/incidents/mutations.server";
import { getIncident } from "~/modules/incidents/queries.server";
import {
  approveReport, completeActions, getReport, overdueActions, ownerChoices, peopleNames, ReportNotReady, resolveOwners, returnReport, saveDraft, submitReport,
} from "~/modules/incidents/report.server";
import { reportFormInput, type ReportFields } from "~/modules/incidents/report-schema";
import { StaleVersion } from "~/modules/concurrency";
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

  describe("completing actions after submission (issue 19)", () => {
    const addUser = (db: ReturnType<typeof memoryDb>, email: string, role: string, departmentId: number | null, name: string | null = null, disabled = false) =>
      Number(
        db.$client
          .prepare("insert into users (email, display_name, role, department_id, password_hash, disabled_at) values (?, ?, ?, ?, 'x', ?)")
          .run(email, name, role, departmentId, disabled ? "2025-01-01" : null).lastInsertRowid,
      );
    const departmentOf = (db: ReturnType<typeof memoryDb>, id: number) => getIncident(db, id)!.departmentId!;

    it("records who and when, clears the overdue flag, audits line numbers only, and checks the version", () => {
      const db = memoryDb();
      const id = incident(db);
      const dept = departmentOf(db, id);
      const hr = addUser(db, "hr@example.com", "hr", null, "人事 花子");
      submitReport(db, id, complete, responder, "2025-05-05");
      approveReport(db, id, null, supervisor, "2025-05-06");
      expect(overdueActions(db, "2025-06-01").map((o) => o.action)).toEqual(["打切り基準を店舗で共有する"]);
      const before = getReport(db, id)!;
      const hrUser = { id: hr, role: "hr" as const, departmentId: null };
      // A form opened before the last write is refused.
      expect(() => completeActions(db, id, [true, true], hrUser, { userId: hr, name: "hr@example.com", ip: null }, "2025-06-02", before.version - 1)).toThrow(StaleVersion);
      expect(completeActions(db, id, [true, true], hrUser, { userId: hr, name: "hr@example.com", ip: null }, "2025-06-02", before.version)).toBe(1);
      const after = getReport(db, id)!;
      expect(after.actions[0]).toMatchObject({ done: true, doneOn: "2025-06-02", doneBy: hr });
      // Done when it was submitted: stamped then, and left as it was.
      expect(after.actions[1]).toEqual({ ...complete.actions[1], doneOn: "2025-05-05", doneBy: responder.userId });
      expect(after.version).toBe(before.version + 1);
      expect(after.status).toBe("approved");
      expect(overdueActions(db, "2025-06-01")).toEqual([]);
      const entry = db.$client.prepare("select detail from audit_log where action = 'incident_report.actions_completed'").get() as { detail: string };
      expect(JSON.parse(entry.detail)).toEqual({ completed: [1], reopened: [] });
      // Nothing changed: nothing written.
      expect(completeActions(db, id, [true, true], hrUser, { userId: hr, name: "hr@example.com", ip: null }, "2025-06-03", after.version)).toBe(0);
      expect(getReport(db, id)!.version).toBe(after.version);
      // Unticking removes who and when; the action is overdue again.
      completeActions(db, id, [false, true], hrUser, { userId: hr, name: "hr@example.com", ip: null }, "2025-06-04");
      expect(getReport(db, id)!.actions[0]).toEqual(complete.actions[0]);
      expect(peopleNames(db, ["hr@example.com", "nobody@example.com"], [hr]).byEmail).toEqual({ "hr@example.com": "人事 花子" });
    });

    it("lets HR, the department's supervisor and the action's owner complete it, nobody else; a draft saves its own boxes", () => {
      const db = memoryDb();
      const id = incident(db);
      const dept = departmentOf(db, id);
      const otherDept = departmentOf(db, createIncident(db, incidentInput({ department: "大阪支店", occurred_at: "2025-05-01T10:00:00+09:00", reported_at: null, closed_at: "2025-05-01", report_submitted_at: null }), { today: TODAY }));
      const owner = addUser(db, "owner@example.com", "supervisor", otherDept, "担当 一郎");
      const boss = addUser(db, "boss@example.com", "supervisor", dept);
      const stranger = addUser(db, "stranger@example.com", "supervisor", otherDept);
      const actions = [{ ...complete.actions[0], ownerUserId: owner, owner: "担当 一郎" }, { ...complete.actions[1], done: false }];
      // In a draft, completion goes with the draft (and is stamped there too).
      saveDraft(db, id, { ...complete, actions }, responder, undefined, "2025-05-04");
      expect(() => completeActions(db, id, [true, false], { id: owner, role: "supervisor", departmentId: otherDept }, responder, "2025-05-05")).toThrow(AppError);
      submitReport(db, id, { ...complete, actions }, responder, "2025-05-05");
      const as = (u: number, d: number) => ({ id: u, role: "supervisor" as const, departmentId: d });
      try {
        completeActions(db, id, [true, false], as(stranger, otherDept), responder, "2025-05-07");
        expect.unreachable();
      } catch (e) {
        expect((e as AppError).status).toBe(403);
        expect((e as AppError).userMessage).toBe("incidentReport.errors.notYourAction");
      }
      // The owner may complete their own action, not another's.
      expect(() => completeActions(db, id, [true, true], as(owner, otherDept), responder, "2025-05-07")).toThrow(AppError);
      expect(getReport(db, id)!.actions.map((a) => a.done)).toEqual([false, false]);
      completeActions(db, id, [true, false], as(owner, otherDept), responder, "2025-05-07");
      completeActions(db, id, [true, true], as(boss, dept), responder, "2025-05-08");
      expect(getReport(db, id)!.actions.map((a) => [a.done, a.doneOn, a.doneBy])).toEqual([[true, "2025-05-07", owner], [true, "2025-05-08", boss]]);
    });

    it("reads owners chosen as users: names resolved, unknown ids refused per row, old free-text owners kept", () => {
      const db = memoryDb();
      const id = incident(db);
      const dept = departmentOf(db, id);
      const mine = addUser(db, "a@example.com", "supervisor", dept, "部署 太郎");
      const other = addUser(db, "b@example.com", "hr", null);
      addUser(db, "gone@example.com", "hr", null, "退職 者", true);
      addUser(db, "exec@example.com", "executive", null, "役員");
      const elsewhere = db.$client.prepare("insert into departments (name, normalized_name) values ('大阪支店', '大阪支店') returning id").get() as { id: number };
      const otherBoss = addUser(db, "osaka@example.com", "supervisor", elsewhere.id, "大阪 上長");
      // Another department's supervisor cannot open this incident, so could never mark the action done: not offered.
      expect(ownerChoices(db, dept).map((o) => [o.name, o.ownDepartment])).toEqual([["部署 太郎", true], ["b@example.com", false]]);
      const form = new FormData();
      form.set("action_0", "共有する");
      form.set("owner_0", `user:${mine}`);
      form.set("due_0", "2025-05-10");
      form.set("action_2", "録音機");
      form.set("owner_2", "総務(旧記入)");
      form.set("due_2", "2025-05-20");
      const input = reportFormInput(form);
      expect(input.actions.map((a) => [a.owner, a.ownerUserId])).toEqual([["", mine], ["総務(旧記入)", undefined]]);
      const f = resolveOwners(db, { ...complete, actions: input.actions.map(({ row: _r, ...a }) => ({ ...a, due: a.due })) }, dept);
      expect(f.actions.map((a) => [a.owner, a.ownerUserId])).toEqual([["部署 太郎", mine], ["総務(旧記入)", undefined]]);
      try {
        resolveOwners(db, { ...complete, actions: [{ action: "x", owner: "", ownerUserId: 9999, due: "2025-05-10", done: false }] }, dept, () => 3);
        expect.unreachable();
      } catch (e) {
        expect((e as AppError).fieldErrors).toEqual({ owner_3: { key: "incidentReport.errors.ownerUnknown" } });
      }
      // Posted anyway (an edited form): refused like an unknown user.
      expect(() => resolveOwners(db, { ...complete, actions: [{ action: "x", owner: "", ownerUserId: otherBoss, due: "2025-05-10", done: false }] }, dept))
        .toThrow(AppError);
      void other;
      // An old row without the new fields reads as it was written.
      db.$client.prepare("insert into incident_reports (incident_id, status, actions) values (?, 'approved', ?)").run(id, JSON.stringify([{ action: "旧", owner: "店長", due: "2025-01-01", done: false }]));
      expect(getReport(db, id)!.actions).toEqual([{ action: "旧", owner: "店長", due: "2025-01-01", done: false }]);
      expect(overdueActions(db, "2025-06-01").map((o) => o.owner)).toEqual(["店長"]);
    });
  });
});
