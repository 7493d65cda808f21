/**
 * Scheduled reports (issue 20, docs/decisions/0032): a schedule issues exactly one report per closed period — also
 * across a restart over the due date, after downtime (every missed period, in order) and with two issuers racing —
 * frozen and hashed, told to its audience and mailed when SMTP is set. Every clock is injected (the suite also runs
 * under faketime years ahead), except the command line's, whose fixtures are relative to the real today.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type Db } from "../db/client.server";
import { auditLog, departments, issuedReports, notifications, reportIssuances, users } from "../db/schema";
import { createIncident } from "~/modules/incidents/mutations.server";
import { todayInTokyo } from "~/modules/incidents/dates";
import { listNotifications } from "~/modules/notifications/notifications.server";
import { buildComplianceReport } from "~/modules/reports/compliance.server";
import { getIssued, sameContent } from "~/modules/reports/issued.server";
import { parsePeriod } from "~/modules/reports/periods";
import {
  createSchedule, issueDueReports, listSchedules, nextPeriodKey, periodContaining, SCHEDULE_ACTOR, startReportScheduler, stopSchedule,
  validateSchedule,
} from "~/modules/reports/schedules.server";
import { getSettings } from "~/modules/settings/settings.server";
import { startCli } from "./cli";
import { incidentInput, memoryDb, TODAY } from "./helpers";
import { startSmtpSink, type SmtpSink } from "./smtp-sink";

const admin = { userId: null, name: "admin@example.com", ip: null };
/** A moment in Asia/Tokyo. */
const at = (local: string) => new Date(`${local}+09:00`);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kasuhara-schedules-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

/** One user of each role and a few incidents in FY2025 (Apr 2025 – Mar 2026). */
function seed(db: Db, perMonth = 1): void {
  db.insert(departments).values({ name: "東京本店", normalizedName: "東京本店" }).run();
  for (const [email, role] of [["admin@example.com", "admin"], ["hr@example.com", "hr"], ["sup@example.com", "supervisor"], ["exec@example.com", "executive"]] as const) {
    db.insert(users).values({ email, role, departmentId: role === "supervisor" ? 1 : null, passwordHash: "x" }).run();
  }
  const months = ["2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"];
  for (const m of months) {
    for (let k = 0; k < perMonth; k++) {
      const day = String(10 + k).padStart(2, "0");
      createIncident(db, incidentInput({ occurred_at: `${m}-${day}T10:30:00+09:00`, reported_at: `${m}-${day}T15:00:00+09:00`, closed_at: `${m}-${day}`, report_submitted_at: `${m}-${day}` }), { today: TODAY });
    }
  }
}

function fileDb(name: string): { path: string; open: () => Db } {
  const file = path.join(dir, name);
  return { path: file, open: () => openDatabase(file) };
}

function quarterly(db: Db, startsWith = "FY2025-Q1"): number {
  const v = validateSchedule(db, { frequency: "quarterly", audience: "hr", startsWith });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return createSchedule(db, v.value, admin);
}

const issuedKeys = (db: Db) => db.select({ k: reportIssuances.periodKey }).from(reportIssuances).orderBy(reportIssuances.id).all().map((r) => r.k);

describe("periods of a schedule", () => {
  it("steps months, fiscal quarters and fiscal years, and finds the one containing a day", () => {
    expect(nextPeriodKey("monthly", "2025-12")).toBe("2026-01");
    expect(nextPeriodKey("quarterly", "FY2025-Q4")).toBe("FY2026-Q1");
    expect(nextPeriodKey("quarterly", "FY2025-Q2")).toBe("FY2025-Q3");
    expect(nextPeriodKey("fiscal_year", "FY2025")).toBe("FY2026");
    expect(periodContaining("quarterly", "2026-02-10", 4)).toBe("FY2025-Q4");
    expect(periodContaining("quarterly", "2026-02-10", 1)).toBe("FY2026-Q1");
    expect(periodContaining("fiscal_year", "2026-02-10", 4)).toBe("FY2025");
    expect(periodContaining("monthly", "2026-02-10", 4)).toBe("2026-02");
  });

  it("refuses a first period of another kind, an executive schedule other than per fiscal year, and a duplicate", () => {
    const db = memoryDb();
    expect(validateSchedule(db, { frequency: "quarterly", audience: "hr", startsWith: "2025-04" })).toEqual({ ok: false, errors: { startsWith: "schedules.errors.startsWith" } });
    expect(validateSchedule(db, { frequency: "weekly", audience: "hr", startsWith: "2025-04" })).toMatchObject({ ok: false, errors: { frequency: "schedules.errors.frequency" } });
    expect(validateSchedule(db, { frequency: "quarterly", audience: "executive", startsWith: "FY2025-Q1" })).toEqual({ ok: false, errors: { audience: "schedules.errors.executiveFiscalYear" } });
    expect(validateSchedule(db, { frequency: "quarterly", audience: "hr", startsWith: "fy2025-q1" })).toEqual({ ok: true, value: { frequency: "quarterly", audience: "hr", startsWith: "FY2025-Q1" } });
    quarterly(db);
    expect(validateSchedule(db, { frequency: "quarterly", audience: "hr", startsWith: "FY2026-Q1" })).toEqual({ ok: false, errors: { frequency: "schedules.errors.duplicate" } });
  });
});

describe("issueDueReports", () => {
  it("issues exactly one report per closed quarter, in order; calling again issues nothing", async () => {
    const db = memoryDb();
    seed(db);
    quarterly(db);
    const first = await issueDueReports(db, { now: at("2025-10-01T08:00:00"), send: null });
    expect(first.issued.map((x) => x.periodKey)).toEqual(["FY2025-Q1", "FY2025-Q2"]);
    expect(first.issued[0].label).toBe("2025年度 第1四半期");
    const again = await issueDueReports(db, { now: at("2025-10-01T09:00:00"), send: null });
    expect(again.issued).toEqual([]);
    expect(db.select().from(issuedReports).all().map((r) => [r.periodKey, r.audience, r.issuedBy])).toEqual([
      ["FY2025-Q1", "hr", "定期発行"],
      ["FY2025-Q2", "hr", "定期発行"],
    ]);
    // Audited as issued by the schedule.
    expect(db.select().from(auditLog).where(eq(auditLog.action, "report.issued")).all().map((a) => a.actor)).toEqual([SCHEDULE_ACTOR.name, SCHEDULE_ACTOR.name]);
    // HR and admins are told, once per report; supervisors and executives are not.
    const told = db.select({ userId: notifications.userId, kind: notifications.kind, payload: notifications.payload }).from(notifications).all();
    expect(told.map((n) => n.userId).sort()).toEqual([1, 1, 2, 2]);
    expect(told.every((n) => n.kind === "report_issued")).toBe(true);
    expect(JSON.parse(told[0].payload)).toEqual({ period: "FY2025-Q1", audience: "hr", issuedReportId: first.issued[0].issuedReportId });
    const page = listNotifications(db, 2, 1, "ja");
    expect(page.items.map((i) => [i.title, i.href])).toEqual([
      ["定期報告書を発行しました: 2025年度 第2四半期（人事向け）", `/reports/issued/${first.issued[1].issuedReportId}`],
      ["定期報告書を発行しました: 2025年度 第1四半期（人事向け）", `/reports/issued/${first.issued[0].issuedReportId}`],
    ]);
    expect(listNotifications(db, 2, 1, "en").items[1].title).toBe("Scheduled report issued: FY2025 Q1 (HR)");
  });

  it("issues nothing before a quarter closes, one after a restart across the due date, and nothing again", async () => {
    const f = fileDb("restart.db");
    let db = f.open();
    seed(db);
    quarterly(db);
    // The last day of Q1, just before midnight in Tokyo: not closed yet.
    const before = startReportScheduler(() => db, { now: () => at("2025-06-30T23:59:00"), send: null });
    expect((await before.runNow())?.issued).toEqual([]);
    before.stop();
    db.$client.close();

    // The server is down over the due date and starts again on 1 July: a new connection and scheduler.
    db = f.open();
    const after = startReportScheduler(() => db, { now: () => at("2025-07-01T00:00:30"), send: null });
    expect((await after.runNow())?.issued.map((x) => x.periodKey)).toEqual(["FY2025-Q1"]);
    expect((await after.runNow())?.issued).toEqual([]);
    after.stop();
    db.$client.close();

    db = f.open();
    expect((await issueDueReports(db, { now: at("2025-09-30T12:00:00"), send: null })).issued).toEqual([]);
    expect(issuedKeys(db)).toEqual(["FY2025-Q1"]);
    db.$client.close();
  });

  it("catches up every quarter missed during downtime, oldest first", async () => {
    const db = memoryDb();
    seed(db);
    quarterly(db);
    await issueDueReports(db, { now: at("2025-07-02T10:00:00"), send: null });
    // Down from July to January: Q2 and Q3 have closed meanwhile.
    const r = await issueDueReports(db, { now: at("2026-01-05T10:00:00"), send: null });
    expect(r.issued.map((x) => x.periodKey)).toEqual(["FY2025-Q2", "FY2025-Q3"]);
    expect(r.issued[0].issuedReportId).toBeLessThan(r.issued[1].issuedReportId);
    expect(issuedKeys(db)).toEqual(["FY2025-Q1", "FY2025-Q2", "FY2025-Q3"]);
    const [view] = listSchedules(db, "ja");
    expect(view.last?.periodKey).toBe("FY2025-Q3");
    expect(view.next).toEqual({ periodKey: "FY2025-Q4", label: "2025年度 第4四半期", dueOn: "2026-04-01" });
    expect(view.issuances.map((i) => i.periodKey)).toEqual(["FY2025-Q3", "FY2025-Q2", "FY2025-Q1"]);
  });

  it("two issuers on two connections to one file issue each period once", async () => {
    const f = fileDb("race.db");
    const setup = f.open();
    seed(setup);
    quarterly(setup);
    setup.$client.close();
    const a = f.open();
    const b = f.open();
    const now = at("2026-01-05T10:00:00");
    const [ra, rb] = await Promise.all([issueDueReports(a, { now, send: null }), issueDueReports(b, { now, send: null })]);
    const all = [...ra.issued, ...rb.issued].map((x) => x.periodKey).sort();
    expect(all).toEqual(["FY2025-Q1", "FY2025-Q2", "FY2025-Q3"]);
    expect(a.select().from(issuedReports).all()).toHaveLength(3);
    expect(a.select().from(notifications).all()).toHaveLength(6);
    a.$client.close();
    b.$client.close();
  });

  it("a stopped schedule issues nothing more; what it issued stays", async () => {
    const db = memoryDb();
    seed(db);
    const id = quarterly(db);
    await issueDueReports(db, { now: at("2025-07-02T10:00:00"), send: null });
    stopSchedule(db, id, admin);
    expect(() => stopSchedule(db, id, admin)).toThrow();
    expect((await issueDueReports(db, { now: at("2026-04-02T10:00:00"), send: null })).issued).toEqual([]);
    expect(issuedKeys(db)).toEqual(["FY2025-Q1"]);
    expect(db.select({ a: auditLog.action }).from(auditLog).all().map((r) => r.a).filter((a) => a.startsWith("report_schedule"))).toEqual([
      "report_schedule.created",
      "report_schedule.stopped",
    ]);
  });

  it("the issued report is frozen and hashed; the executive one is the protected report with no names or text", async () => {
    const db = memoryDb();
    seed(db, 3);
    const v = validateSchedule(db, { frequency: "fiscal_year", audience: "executive", startsWith: "FY2025" });
    if (!v.ok) throw new Error("invalid");
    createSchedule(db, v.value, admin);
    quarterly(db, "FY2025-Q4");
    const now = at("2026-04-01T06:00:00");
    const r = await issueDueReports(db, { now, send: null });
    expect(r.issued.map((x) => [x.periodKey, x.audience])).toEqual([["FY2025", "executive"], ["FY2025-Q4", "hr"]]);
    for (const x of r.issued) {
      const issued = getIssued(db, x.issuedReportId)!;
      expect(issued.intact).toBe(true);
      expect(issued.sha256).toBe(x.sha256);
    }
    const exec = getIssued(db, r.issued[0].issuedReportId)!;
    const live = buildComplianceReport(db, parsePeriod("FY2025")!, { audience: "executive", lang: "ja", today: todayInTokyo(now), settings: getSettings(db) });
    expect(sameContent(exec.report, live)).toBe(true);
    const content = JSON.stringify(exec.report);
    for (const secret of ["ABC商事", "責任者を出せ", "同じ内容の電話", "admin@example.com", "hr@example.com"]) expect(content).not.toContain(secret);
    // Only executives are told of the executive report.
    const told = db.select({ userId: notifications.userId, payload: notifications.payload }).from(notifications).all();
    expect(told.filter((n) => JSON.parse(n.payload).audience === "executive").map((n) => n.userId)).toEqual([4]);
    // Changing a frozen report is refused by the database.
    expect(() => db.update(issuedReports).set({ content: "{}" }).where(eq(issuedReports.id, exec.id)).run()).toThrow();
  });

  it("an executive year with a month below the threshold is skipped, not issued half, and tried again", async () => {
    const db = memoryDb();
    seed(db, 1);
    const v = validateSchedule(db, { frequency: "fiscal_year", audience: "executive", startsWith: "FY2025" });
    if (!v.ok) throw new Error("invalid");
    createSchedule(db, v.value, admin);
    const r = await issueDueReports(db, { now: at("2026-04-02T06:00:00"), send: null });
    expect(r.issued).toEqual([]);
    expect(r.skipped).toEqual([{ scheduleId: 1, periodKey: "FY2025", reason: "reports.executiveSmallMonths" }]);
    expect(db.select().from(issuedReports).all()).toEqual([]);
  });
});

describe("mail", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it("mails HR and admins through the SMTP of SMTP_URL", async () => {
    vi.stubEnv("SMTP_URL", sink.url);
    const db = memoryDb();
    seed(db);
    quarterly(db);
    const r = await issueDueReports(db, { now: at("2025-07-01T09:00:00") });
    expect(r.mail).toEqual({ sent: 2, failed: 0 });
    expect(sink.mails.map((m) => m.to[0]).sort()).toEqual(["admin@example.com", "hr@example.com"]);
    expect(sink.mails[0].subject).toBe("【カスハラ記録】定期報告書を発行しました: 2025年度 第1四半期（人事向け）");
    expect(sink.mails[0].text).toContain("Scheduled report issued: FY2025 Q1 (HR)");
  });

  it("issues and tells without SMTP_URL, mailing nothing", async () => {
    vi.stubEnv("SMTP_URL", "");
    const db = memoryDb();
    seed(db);
    quarterly(db);
    const r = await issueDueReports(db, { now: at("2025-07-01T09:00:00") });
    expect(r.issued).toHaveLength(1);
    expect(r.mail).toEqual({ sent: 0, failed: 0 });
    expect(db.select({ s: notifications.mailStatus }).from(notifications).all()).toEqual([{ s: "none" }, { s: "none" }]);
  });
});

describe("npm run report -- --issue-due", () => {
  it("two runs at once issue each closed month once; a third issues nothing and exits 0", async () => {
    const f = fileDb("cli.db");
    const db = f.open();
    seed(db);
    // Relative to the real today (the command's clock): the month two months back and the one after have closed.
    const today = todayInTokyo();
    const back = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 3, 1)).toISOString().slice(0, 7);
    const v = validateSchedule(db, { frequency: "monthly", audience: "hr", startsWith: back });
    if (!v.ok) throw new Error("invalid");
    createSchedule(db, v.value, admin);
    db.$client.close();
    const run = async () => {
      const p = startCli("scripts/report.ts", f.path, ["--issue-due", "--json"]);
      const { code } = await p.exited;
      return { code, ...p.output };
    };
    const [one, two] = await Promise.all([run(), run()]);
    expect([one.code, two.code]).toEqual([0, 0]);
    const keys = [...JSON.parse(one.stdout).issued, ...JSON.parse(two.stdout).issued].map((x: { periodKey: string }) => x.periodKey).sort();
    expect(keys).toEqual([back, nextPeriodKey("monthly", back)]);
    const third = await run();
    expect(third.code).toBe(0);
    expect(JSON.parse(third.stdout)).toEqual({ issued: [], skipped: [], mail: { sent: 0, failed: 0 } });
    const bad = startCli("scripts/report.ts", f.path, ["--issue-due", "--period", "FY2025"]);
    expect((await bad.exited).code).toBe(2);
  }, 60_000);
});
