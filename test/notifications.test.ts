/**
 * Notifications (issue 19, docs/decisions/0028): who is told what, once; the list is the recipient's own; mails reach
 * a local SMTP sink (immediate, daily digest, retried after a failure) and nothing is mailed without SMTP_URL.
 */
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { departments, notifications, users } from "../db/schema";
import { AppError } from "~/modules/errors";
import { importFile } from "~/modules/import/commit.server";
import { createIncident } from "~/modules/incidents/mutations.server";
import { returnReport, saveDraft, submitReport } from "~/modules/incidents/report.server";
import type { ReportFields } from "~/modules/incidents/report-schema";
import { dispatchSoon, MAX_MAIL_ATTEMPTS } from "~/modules/notifications/mail.server";
import { listNotifications, markAllRead, markRead, setMailPreference, unreadCount } from "~/modules/notifications/notifications.server";
import { runSweep, startDailySweep } from "~/modules/notifications/sweep.server";
import { incidentInput, memoryDb, TODAY } from "./helpers";
import { startSmtpSink, type SmtpSink } from "./smtp-sink";

type Db = ReturnType<typeof memoryDb>;

/** Two departments and one user of each kind; the ids to act and look with. */
function world() {
  const db = memoryDb();
  const dept = (name: string) => db.insert(departments).values({ name, normalizedName: name }).returning({ id: departments.id }).get().id;
  const tokyo = dept("東京本店");
  const osaka = dept("大阪支店");
  const user = (email: string, role: "admin" | "hr" | "supervisor" | "executive", departmentId: number | null = null) =>
    db.insert(users).values({ email, role, departmentId, passwordHash: "x" }).returning({ id: users.id }).get().id;
  const ids = {
    admin: user("admin@example.com", "admin"),
    hr: user("hr@example.com", "hr"),
    supTokyo: user("sup-tokyo@example.com", "supervisor", tokyo),
    supTokyo2: user("sup-tokyo2@example.com", "supervisor", tokyo),
    supOsaka: user("sup-osaka@example.com", "supervisor", osaka),
    exec: user("exec@example.com", "executive", tokyo),
  };
  const actor = (id: number, name: string) => ({ userId: id, name, ip: null });
  return { db, tokyo, osaka, ids, hrActor: actor(ids.hr, "hr@example.com"), supActor: actor(ids.supTokyo, "sup-tokyo@example.com") };
}

function rowsOf(db: Db, userId: number) {
  return db.select().from(notifications).where(eq(notifications.userId, userId)).all();
}

function recordIncident(w: ReturnType<typeof world>, ref: string, department = "東京本店", actor = w.hrActor) {
  return createIncident(w.db, incidentInput({ ref, department }), { today: TODAY, actor, departments: "listed" });
}

const report = (actions: ReportFields["actions"]): ReportFields => ({
  whatHappened: "窓口で大声を出した。",
  causeAnalysis: "基準が共有されていなかった。",
  actions,
  supervisorComment: null,
});

describe("who is told what", () => {
  it("tells a new incident's department supervisors — nobody else, not the one who recorded it, never an executive", () => {
    const w = world();
    const id = recordIncident(w, "KH-2026-00001");
    for (const u of [w.ids.supTokyo, w.ids.supTokyo2]) {
      expect(rowsOf(w.db, u)).toMatchObject([{ kind: "incident_created", incidentId: id, eventKey: `incident_created:${id}` }]);
    }
    for (const u of [w.ids.supOsaka, w.ids.exec, w.ids.hr, w.ids.admin]) expect(rowsOf(w.db, u)).toEqual([]);
    // The payload carries the reference and codes, never the customer's name or the summary.
    const payload = rowsOf(w.db, w.ids.supTokyo)[0].payload;
    expect(JSON.parse(payload)).toMatchObject({ ref: "KH-2026-00001", departmentId: w.tokyo, channel: "C2", behaviours: ["MA05"] });
    expect(payload).not.toMatch(/ABC商事|同じ内容|責任者/);

    // A supervisor recording their own department's incident is not told of it; the other supervisor is.
    recordIncident(w, "KH-2026-00002", "東京本店", w.supActor);
    expect(rowsOf(w.db, w.ids.supTokyo)).toHaveLength(1);
    expect(rowsOf(w.db, w.ids.supTokyo2)).toHaveLength(2);
  });

  it("tells HR and admins of a submitted report, again when it is submitted after being returned", () => {
    const w = world();
    const id = recordIncident(w, "KH-2026-00003");
    const fields = report([{ action: "基準を共有する", owner: "店長", due: "2026-12-01", done: false }]);
    saveDraft(w.db, id, fields, w.supActor);
    expect(rowsOf(w.db, w.ids.hr)).toEqual([]);
    submitReport(w.db, id, fields, w.supActor, TODAY);
    for (const u of [w.ids.hr, w.ids.admin]) expect(rowsOf(w.db, u)).toMatchObject([{ kind: "report_submitted", incidentId: id }]);
    expect(rowsOf(w.db, w.ids.exec)).toEqual([]);
    expect(rowsOf(w.db, w.ids.supOsaka)).toEqual([]);
    returnReport(w.db, id, "原因をもう少し", w.hrActor);
    submitReport(w.db, id, fields, w.supActor, TODAY);
    expect(rowsOf(w.db, w.ids.hr)).toHaveLength(2);
  });

  it("summarises an import as one notification per department, not one per row", async () => {
    const w = world();
    const r = await importFile(w.db, path.join(__dirname, "fixtures/import/sample-utf8.csv"), {
      today: TODAY, errorFilePath: path.join(os.tmpdir(), `notify-errors-${process.pid}.csv`), actor: w.hrActor,
    });
    expect(r.imported).toBe(5);
    // sample-utf8.csv: three incidents of 東京本店, one of 大阪支店 (and one of a department with no supervisor).
    expect(rowsOf(w.db, w.ids.supTokyo)).toMatchObject([{ kind: "incidents_imported", incidentId: null }]);
    expect(JSON.parse(rowsOf(w.db, w.ids.supTokyo)[0].payload)).toEqual({ departmentId: w.tokyo, count: 3 });
    expect(JSON.parse(rowsOf(w.db, w.ids.supOsaka)[0].payload)).toEqual({ departmentId: w.osaka, count: 1 });
    expect(rowsOf(w.db, w.ids.supOsaka)).toHaveLength(1);
    expect(rowsOf(w.db, w.ids.exec)).toEqual([]);
    const list = listNotifications(w.db, w.ids.supTokyo, 1, "ja");
    expect(list.items[0]).toMatchObject({ title: "取り込みで 東京本店 の事案が 3 件追加されました", href: `/incidents?department=${w.tokyo}` });
  });

  it("tells each overdue action's owner once, with the department's supervisors when no owner user is given", async () => {
    const w = world();
    const id = recordIncident(w, "KH-2026-00004");
    w.db.delete(notifications).run();
    const actions = [
      { action: "基準を共有する", owner: "店長", due: "2026-11-01", done: false },
      { action: "録音機の設置", owner: "人事", ownerUserId: w.ids.hr, due: "2026-11-10", done: false },
      { action: "掲示物の作成", owner: "経営", ownerUserId: w.ids.exec, due: "2026-11-11", done: false },
      { action: "研修", owner: "大阪", ownerUserId: w.ids.supOsaka, due: "2026-11-12", done: false },
      { action: "済んだもの", owner: "店長", due: "2026-11-01", done: true, doneOn: "2026-11-02", doneBy: w.ids.supTokyo },
      { action: "まだ先", owner: "店長", due: TODAY, done: false },
    ];
    saveDraft(w.db, id, report(actions), w.supActor);
    const first = await runSweep(w.db, TODAY, { send: null });
    // hr: its own action. Supervisors of 東京本店: the one without owner user, the executive's (executives are never
    // told) and the Osaka supervisor's (who cannot open this incident): three each.
    expect(rowsOf(w.db, w.ids.hr)).toMatchObject([{ kind: "action_overdue", incidentId: id }]);
    expect(JSON.parse(rowsOf(w.db, w.ids.hr)[0].payload)).toEqual({ ref: "KH-2026-00004", departmentId: w.tokyo, due: "2026-11-10" });
    expect(rowsOf(w.db, w.ids.supTokyo)).toHaveLength(3);
    expect(rowsOf(w.db, w.ids.exec)).toEqual([]);
    expect(rowsOf(w.db, w.ids.supOsaka)).toEqual([]);
    expect(first.overdue).toBe(7);
    // The next day's sweep: nothing new; a day later the action due today is overdue.
    expect((await runSweep(w.db, "2026-11-21", { send: null })).overdue).toBe(0);
    expect((await runSweep(w.db, "2026-11-22", { send: null })).overdue).toBe(2);
    expect((await runSweep(w.db, "2026-11-22", { send: null })).overdue).toBe(0);
  });
});

describe("the recipient's own list", () => {
  it("counts unread, lists newest first in pages, and marks read only the user's own", () => {
    const w = world();
    for (let i = 1; i <= 23; i++) recordIncident(w, `KH-2026-${String(i).padStart(5, "0")}`);
    expect(unreadCount(w.db, w.ids.supTokyo)).toBe(23);
    const page1 = listNotifications(w.db, w.ids.supTokyo, 1, "ja");
    expect(page1).toMatchObject({ page: 1, pages: 2, total: 23, unread: 23 });
    expect(page1.items).toHaveLength(20);
    expect(page1.items[0].title).toBe("新しい事案 KH-2026-00023（東京本店）");
    expect(page1.items[0].detail).toContain("電話");
    expect(listNotifications(w.db, w.ids.supTokyo, 2, "en").items.at(-1)!.title).toBe("New incident KH-2026-00001 (東京本店)");

    const mine = page1.items[0].id;
    // Another user's notification is not there to be marked: 404, and it stays unread.
    expect(() => markRead(w.db, w.ids.supOsaka, mine)).toThrow(AppError);
    expect(() => markRead(w.db, w.ids.supTokyo2, mine)).toThrow(expect.objectContaining({ status: 404 }));
    expect(unreadCount(w.db, w.ids.supTokyo)).toBe(23);
    markRead(w.db, w.ids.supTokyo, mine);
    expect(unreadCount(w.db, w.ids.supTokyo)).toBe(22);
    expect(markAllRead(w.db, w.ids.supTokyo)).toBe(22);
    expect(unreadCount(w.db, w.ids.supTokyo)).toBe(0);
    expect(unreadCount(w.db, w.ids.supTokyo2)).toBe(23);
  });
});

describe("mail", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());
  afterEach(() => {
    vi.unstubAllEnvs();
    sink.mails.length = 0;
  });

  it("mails each notification at once to those who chose it, with a Japanese subject and the 管理番号", async () => {
    vi.stubEnv("SMTP_URL", sink.url);
    vi.stubEnv("SMTP_FROM", "kasuhara@example.co.jp");
    vi.stubEnv("PUBLIC_ORIGIN", "https://kasuhara.example.co.jp");
    const w = world();
    setMailPreference(w.db, w.ids.supTokyo2, "none");
    const id = recordIncident(w, "KH-2026-00010");
    expect(await dispatchSoon(w.db)).toEqual({ sent: 1, failed: 0 });
    expect(sink.mails).toHaveLength(1);
    const [mail] = sink.mails;
    expect(mail.to).toEqual(["sup-tokyo@example.com"]);
    expect(mail.from).toBe("kasuhara@example.co.jp");
    expect(mail.subject).toBe("【カスハラ記録】新しい事案 KH-2026-00010（東京本店）");
    expect(mail.text).toContain("KH-2026-00010");
    expect(mail.text).toContain(`https://kasuhara.example.co.jp/incidents/${id}`);
    expect(mail.text).not.toMatch(/ABC商事|同じ内容|責任者/);
    expect(rowsOf(w.db, w.ids.supTokyo)[0]).toMatchObject({ mailStatus: "sent", mailAttempts: 1 });
    expect(rowsOf(w.db, w.ids.supTokyo2)[0]).toMatchObject({ mailStatus: "none" });
    // Nothing is sent twice: neither a second dispatch nor the sweep mails it again.
    expect(await dispatchSoon(w.db)).toEqual({ sent: 0, failed: 0 });
    expect(await runSweep(w.db, TODAY)).toMatchObject({ sent: 0, digests: 0 });
    expect(sink.mails).toHaveLength(1);
  });

  it("sends a daily digest: one mail listing several unread notifications, leaving out the ones read meanwhile", async () => {
    vi.stubEnv("SMTP_URL", sink.url);
    const w = world();
    setMailPreference(w.db, w.ids.supTokyo, "digest");
    setMailPreference(w.db, w.ids.supTokyo2, "none");
    for (const ref of ["KH-2026-00021", "KH-2026-00022", "KH-2026-00023", "KH-2026-00024"]) recordIncident(w, ref);
    expect(await dispatchSoon(w.db)).toEqual({ sent: 0, failed: 0 });
    expect(sink.mails).toHaveLength(0);
    const read = listNotifications(w.db, w.ids.supTokyo, 1, "ja").items.find((n) => n.title.includes("KH-2026-00024"))!;
    markRead(w.db, w.ids.supTokyo, read.id);
    expect(await runSweep(w.db, TODAY)).toMatchObject({ digests: 1, failed: 0 });
    expect(sink.mails).toHaveLength(1);
    const [digest] = sink.mails;
    expect(digest.to).toEqual(["sup-tokyo@example.com"]);
    expect(digest.subject).toBe("【カスハラ記録】未読の通知 3件");
    for (const ref of ["KH-2026-00021", "KH-2026-00022", "KH-2026-00023"]) expect(digest.text).toContain(ref);
    expect(digest.text).not.toContain("KH-2026-00024");
    // The next day's sweep has nothing left to send.
    expect(await runSweep(w.db, "2026-11-22")).toMatchObject({ digests: 0 });
    expect(sink.mails).toHaveLength(1);
  });

  it("records a failed send without failing the save, and the sweep sends it again", async () => {
    vi.stubEnv("SMTP_URL", sink.url);
    const w = world();
    setMailPreference(w.db, w.ids.supTokyo2, "none");
    sink.failNext(1);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    recordIncident(w, "KH-2026-00030");
    expect(await dispatchSoon(w.db)).toEqual({ sent: 0, failed: 1 });
    expect(rowsOf(w.db, w.ids.supTokyo)[0]).toMatchObject({ mailStatus: "failed", mailAttempts: 1, mailedAt: null });
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
    expect(sink.mails).toHaveLength(0);
    // The save itself stood; a later dispatch leaves failed mails to the sweep.
    expect(await dispatchSoon(w.db)).toEqual({ sent: 0, failed: 0 });
    expect(await runSweep(w.db, TODAY)).toMatchObject({ sent: 1, failed: 0 });
    expect(sink.mails.map((m) => m.subject)).toEqual(["【カスハラ記録】新しい事案 KH-2026-00030（東京本店）"]);
    expect(rowsOf(w.db, w.ids.supTokyo)[0]).toMatchObject({ mailStatus: "sent", mailAttempts: 2 });
  });

  it("gives up after the last attempt", async () => {
    vi.stubEnv("SMTP_URL", sink.url);
    const w = world();
    setMailPreference(w.db, w.ids.supTokyo2, "none");
    recordIncident(w, "KH-2026-00031");
    w.db.update(notifications).set({ mailStatus: "failed", mailAttempts: MAX_MAIL_ATTEMPTS - 1 }).where(eq(notifications.userId, w.ids.supTokyo)).run();
    sink.failNext(1);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await runSweep(w.db, TODAY)).toMatchObject({ sent: 0, failed: 1 });
    errors.mockRestore();
    expect(rowsOf(w.db, w.ids.supTokyo)[0]).toMatchObject({ mailStatus: "failed", mailAttempts: MAX_MAIL_ATTEMPTS });
    expect(await runSweep(w.db, TODAY)).toMatchObject({ sent: 0, failed: 0 });
    expect(sink.mails).toHaveLength(0);
  });

  it("mails nothing without SMTP_URL, and nothing breaks", async () => {
    vi.stubEnv("SMTP_URL", "");
    const w = world();
    setMailPreference(w.db, w.ids.supTokyo2, "digest");
    recordIncident(w, "KH-2026-00040");
    expect(await dispatchSoon(w.db)).toEqual({ sent: 0, failed: 0 });
    expect(await runSweep(w.db, TODAY)).toEqual({ overdue: 0, sent: 0, failed: 0, digests: 0 });
    // Told in the app all the same; the mail status says it was never to be mailed, so SMTP set later sends no backlog.
    expect(rowsOf(w.db, w.ids.supTokyo)[0]).toMatchObject({ mailStatus: "none", mailAttempts: 0 });
    vi.stubEnv("SMTP_URL", sink.url);
    await runSweep(w.db, TODAY);
    expect(sink.mails).toHaveLength(0);
  });
});

describe("the sweep in the running server", () => {
  afterEach(() => vi.useRealTimers());

  it("runs once at start and then every 24 hours, with the day it is given", async () => {
    vi.useFakeTimers();
    const w = world();
    const id = recordIncident(w, "KH-2026-00050");
    w.db.delete(notifications).run();
    saveDraft(w.db, id, report([
      { action: "基準を共有する", owner: "店長", due: "2026-11-20", done: false },
      { action: "研修", owner: "店長", due: "2026-11-21", done: false },
    ]), w.supActor);
    const days = ["2026-11-21", "2026-11-22"];
    const sweeps = startDailySweep(() => w.db, () => days.shift() ?? "2026-11-23");
    await vi.advanceTimersByTimeAsync(0);
    expect(rowsOf(w.db, w.ids.supTokyo)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(23 * 60 * 60 * 1000);
    expect(rowsOf(w.db, w.ids.supTokyo)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(rowsOf(w.db, w.ids.supTokyo)).toHaveLength(2);
    sweeps.stop();
  });
});
