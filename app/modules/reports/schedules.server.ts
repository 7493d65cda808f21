/**
 * Scheduled reports (issue 20, docs/decisions/0032). An admin asks for the report of every month, fiscal quarter or
 * fiscal year, for HR or executives, from a first period on; once a period has closed (its last day is before today in
 * Asia/Tokyo) the app builds the report, issues it (frozen and hashed, issued.server.ts) as 「定期発行」, records the
 * issuance and tells the audience (the notifications of issue 19, mailed when SMTP is set).
 *
 * Runs in the server (startReportScheduler: at start and then hourly) and as `npm run report -- --issue-due` for cron.
 * Every closed period not yet issued is issued, oldest first, so missed runs are caught up after downtime. The UNIQUE
 * (schedule_id, period_key) of report_issuances decides a race between two issuers: the loser's transaction finds the
 * row (or fails to insert it) and rolls back its copy of the report, so a period is issued once.
 */
import { repeatInBackground } from "../repeat.server";
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { retryWhileBusy } from "../../../db/busy.server";
import type { Db } from "../../../db/client.server";
import { issuedReports, reportIssuances, reportSchedules, type ReportSchedule } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import { AppError, isAppError } from "../errors";
import { todayInTokyo } from "../incidents/dates";
import type { Lang } from "../incidents/taxonomy";
import { notifyReportIssued } from "../notifications/events.server";
import { dispatchSoon, type MailOutcome, type SendMail } from "../notifications/mail.server";
import { getSettings } from "../settings/settings.server";
import { buildComplianceReport, type Audience, type ComplianceReport } from "./compliance.server";
import { issueReport, type IssuedMeta } from "./issued.server";
import { fiscalYearOf, parsePeriod, periodLabel, type Period } from "./periods";

export const FREQUENCIES = ["monthly", "quarterly", "fiscal_year"] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const AUDIENCES = ["hr", "executive"] as const;

/** Who issues a scheduled report: recorded as the issuer and in the audit trail. */
export const SCHEDULE_ACTOR: Actor = { userId: null, name: "定期発行", ip: null };

const KEY_PATTERN: Record<Frequency, RegExp> = {
  monthly: /^\d{4}-(0[1-9]|1[0-2])$/,
  quarterly: /^FY\d{4}-Q[1-4]$/,
  fiscal_year: /^FY\d{4}$/,
};

/** The period key of a frequency's kind, canonical (`2025-04`, `FY2025-Q1`, `FY2025`), or null. */
export function periodKeyOf(frequency: Frequency, input: string): string | null {
  const key = input.normalize("NFKC").trim().toUpperCase();
  return KEY_PATTERN[frequency].test(key) && parsePeriod(key) ? key : null;
}

/** The period after a key of the frequency's kind. */
export function nextPeriodKey(frequency: Frequency, key: string): string {
  if (frequency === "fiscal_year") return `FY${Number(key.slice(2)) + 1}`;
  if (frequency === "quarterly") {
    const [y, q] = [Number(key.slice(2, 6)), Number(key.slice(-1))];
    return q === 4 ? `FY${y + 1}-Q1` : `FY${y}-Q${q + 1}`;
  }
  const [y, m] = [Number(key.slice(0, 4)), Number(key.slice(5, 7))];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/** The period of the frequency's kind that contains a day: the sensible first period of a new schedule. */
export function periodContaining(frequency: Frequency, day: string, fiscalStartMonth: number): string {
  if (frequency === "monthly") return day.slice(0, 7);
  const fy = fiscalYearOf(day, fiscalStartMonth);
  if (frequency === "fiscal_year") return `FY${fy}`;
  const monthsIn = (Number(day.slice(0, 4)) - fy) * 12 + Number(day.slice(5, 7)) - fiscalStartMonth;
  return `FY${fy}-Q${Math.floor(monthsIn / 3) + 1}`;
}

/** The closed periods of a schedule not yet issued, oldest first (at most `limit`, a guard against a far-past start). */
function duePeriods(db: Db, s: ReportSchedule, today: string, fiscalStartMonth: number, limit = 600): Period[] {
  const issued = new Set(db.select({ k: reportIssuances.periodKey }).from(reportIssuances).where(eq(reportIssuances.scheduleId, s.id)).all().map((r) => r.k));
  const out: Period[] = [];
  for (let key = s.startsWith, n = 0; n < limit; key = nextPeriodKey(s.frequency, key), n++) {
    const p = parsePeriod(key, fiscalStartMonth);
    if (!p || !(p.to < today)) break;
    if (!issued.has(p.key)) out.push(p);
  }
  return out;
}

export interface ScheduledIssue {
  scheduleId: number;
  periodKey: string;
  label: string;
  audience: Audience;
  issuedReportId: number;
  sha256: string;
}

export interface IssueDueResult {
  issued: ScheduledIssue[];
  /** Periods that could not be issued now (an executive report of a year with a month below the threshold): tried again next run. */
  skipped: { scheduleId: number; periodKey: string; reason: string }[];
  /** The mails of the new notifications (none without SMTP); failures are retried by the daily sweep. */
  mail: MailOutcome;
}

class LostRace extends Error {}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** In the write transaction: the period's report issued, its issuance recorded, its audience told; null when taken. */
function store(tx: Tx, s: ReportSchedule, period: Period, report: ComplianceReport, now: Date): IssuedMeta | null {
  const taken = tx.select({ id: reportIssuances.id }).from(reportIssuances)
    .where(and(eq(reportIssuances.scheduleId, s.id), eq(reportIssuances.periodKey, period.key))).get();
  if (taken) return null;
  // issueReport's own transaction becomes a savepoint of this one.
  const meta = issueReport(tx as unknown as Db, report, SCHEDULE_ACTOR);
  const inserted = tx.insert(reportIssuances)
    .values({ scheduleId: s.id, periodKey: period.key, issuedReportId: meta.id, issuedAt: now.toISOString() })
    .onConflictDoNothing()
    .run().changes;
  // Another issuer got there between the check and the insert: roll this copy back.
  if (!inserted) throw new LostRace();
  notifyReportIssued(tx, { issuedReportId: meta.id, periodKey: period.key, audience: s.audience });
  return meta;
}

export interface IssueDueOptions {
  /** The clock: today (Asia/Tokyo) is taken from it. */
  now?: Date;
  /** The mail sender; default SMTP_URL's (none without it). */
  send?: SendMail | null;
}

/**
 * Issues every closed, not yet issued period of every active schedule, oldest first. Safe to run from several processes
 * at once and as often as wanted: a period already issued is skipped.
 */
export async function issueDueReports(db: Db, opts: IssueDueOptions = {}): Promise<IssueDueResult> {
  const now = opts.now ?? new Date();
  const today = todayInTokyo(now);
  const settings = getSettings(db);
  const result: IssueDueResult = { issued: [], skipped: [], mail: { sent: 0, failed: 0 } };
  const active = db.select().from(reportSchedules).where(isNull(reportSchedules.stoppedAt)).orderBy(asc(reportSchedules.id)).all();
  for (const s of active) {
    for (const period of duePeriods(db, s, today, settings.fiscalYearStartMonth)) {
      let report;
      try {
        // Built outside the write transaction: reading takes the time, the lock is held only to store.
        report = buildComplianceReport(db, period, { audience: s.audience, lang: "ja", today, settings });
      } catch (e) {
        if (isAppError(e) && e.status === 422) {
          result.skipped.push({ scheduleId: s.id, periodKey: period.key, reason: e.userMessage });
          continue;
        }
        throw e;
      }
      // The server's connection has no busy timeout (db/busy.server.ts): wait for a cron run's write between event-loop
      // turns, then check again from the start (the transaction stored nothing).
      const done = await retryWhileBusy(() => {
        try {
          return db.transaction((tx) => store(tx, s, period, report, now), { behavior: "immediate" });
        } catch (e) {
          if (e instanceof LostRace) return null;
          throw e;
        }
      });
      if (done) {
        result.issued.push({
          scheduleId: s.id, periodKey: period.key, label: periodLabel(period), audience: s.audience, issuedReportId: done.id, sha256: done.sha256,
        });
      }
    }
  }
  if (result.issued.length) result.mail = await dispatchSoon(db, opts.send === undefined ? undefined : opts.send);
  return result;
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * In the server: issueDueReports now and then every hour. The timer does not keep the process alive; a failing run is
 * printed, never thrown, and a run still going when the next is due is not doubled.
 */
export function startReportScheduler(
  db: () => Db,
  opts: { now?: () => Date; intervalMs?: number; send?: SendMail | null } = {},
): { stop: () => void; runNow: () => Promise<IssueDueResult | null> } {
  let running: Promise<IssueDueResult | null> | null = null;
  const run = () => {
    if (running) return running;
    running = issueDueReports(db(), { now: opts.now?.(), send: opts.send })
      .then((r) => {
        if (r.issued.length) console.log(`定期報告書: ${r.issued.map((x) => x.periodKey).join(", ")} を発行しました (scheduled reports issued)`);
        return r;
      })
      .catch((e: unknown) => {
        console.error("定期報告書の発行に失敗しました (scheduled reports failed):", e);
        return null;
      })
      .finally(() => (running = null));
    return running;
  };
  return { ...repeatInBackground(() => void run(), opts.intervalMs ?? HOUR_MS), runNow: run };
}

/* ---------- The admin page: list, create, stop ---------- */

export const scheduleInput = z.object({
  frequency: z.enum(FREQUENCIES, { error: "schedules.errors.frequency" }),
  audience: z.enum(AUDIENCES, { error: "schedules.errors.audience" }),
  startsWith: z.string({ error: "schedules.errors.startsWith" }).trim().min(1, { error: "schedules.errors.startsWith" }),
});
export type ScheduleInput = z.infer<typeof scheduleInput>;

export type ScheduleErrorKey =
  | "schedules.errors.frequency"
  | "schedules.errors.audience"
  | "schedules.errors.startsWith"
  | "schedules.errors.executiveFiscalYear"
  | "schedules.errors.duplicate";

/** Field errors (message keys) of a create form, or the canonical input. */
export function validateSchedule(
  db: Db,
  raw: Record<string, unknown>,
): { ok: true; value: ScheduleInput } | { ok: false; errors: Partial<Record<keyof ScheduleInput, ScheduleErrorKey>> } {
  const parsed = scheduleInput.safeParse(raw);
  const errors: Partial<Record<keyof ScheduleInput, ScheduleErrorKey>> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof ScheduleInput;
      errors[field] ??= `schedules.errors.${field}` as ScheduleErrorKey;
    }
    return { ok: false, errors };
  }
  const v = parsed.data;
  const key = periodKeyOf(v.frequency, v.startsWith);
  if (!key) return { ok: false, errors: { startsWith: "schedules.errors.startsWith" } };
  // The executive report exists for whole fiscal years only (docs/decisions/0022).
  if (v.audience === "executive" && v.frequency !== "fiscal_year") return { ok: false, errors: { audience: "schedules.errors.executiveFiscalYear" } };
  const same = db.select({ id: reportSchedules.id }).from(reportSchedules)
    .where(and(isNull(reportSchedules.stoppedAt), eq(reportSchedules.frequency, v.frequency), eq(reportSchedules.audience, v.audience))).get();
  if (same) return { ok: false, errors: { frequency: "schedules.errors.duplicate" } };
  return { ok: true, value: { ...v, startsWith: key } };
}

export function createSchedule(db: Db, input: ScheduleInput, actor: Actor): number {
  return db.transaction((tx) => {
    const id = tx.insert(reportSchedules)
      .values({ frequency: input.frequency, audience: input.audience, startsWith: input.startsWith, createdBy: actor.name })
      .returning({ id: reportSchedules.id })
      .get().id;
    audit(tx, actor, "report_schedule.created", { type: "report_schedule", id }, { ...input });
    return id;
  });
}

/** Stops an active schedule (a stopped or unknown one is 404): nothing more is issued for it; what was issued stays. */
export function stopSchedule(db: Db, id: number, actor: Actor, now: Date = new Date()): void {
  db.transaction((tx) => {
    const changed = tx.update(reportSchedules)
      .set({ stoppedAt: now.toISOString(), stoppedBy: actor.name })
      .where(and(eq(reportSchedules.id, id), isNull(reportSchedules.stoppedAt)))
      .run().changes;
    if (!changed) throw new AppError(404, "schedules.notFound");
    audit(tx, actor, "report_schedule.stopped", { type: "report_schedule", id });
  });
}

export interface ScheduleView {
  id: number;
  frequency: Frequency;
  audience: Audience;
  startsWith: string;
  startsWithLabel: string;
  createdBy: string;
  createdAt: string;
  stoppedAt: string | null;
  /** The last period issued, or null. */
  last: { periodKey: string; label: string } | null;
  /** The next period to issue and the day from which it is due (the day after it ends); null when stopped. */
  next: { periodKey: string; label: string; dueOn: string } | null;
  issuances: { periodKey: string; label: string; issuedReportId: number; issuedAt: string; sha256: string }[];
}

const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export function listSchedules(db: Db, lang: Lang): ScheduleView[] {
  const fsm = getSettings(db).fiscalYearStartMonth;
  const label = (key: string) => {
    const p = parsePeriod(key, fsm);
    return p ? periodLabel(p, lang) : key;
  };
  const rows = db.select().from(reportSchedules).orderBy(asc(reportSchedules.stoppedAt), desc(reportSchedules.id)).all();
  return rows.map((s) => {
    const issuances = db
      .select({ periodKey: reportIssuances.periodKey, issuedReportId: reportIssuances.issuedReportId, issuedAt: reportIssuances.issuedAt, sha256: issuedReports.sha256 })
      .from(reportIssuances)
      .innerJoin(issuedReports, eq(issuedReports.id, reportIssuances.issuedReportId))
      .where(eq(reportIssuances.scheduleId, s.id))
      .orderBy(desc(reportIssuances.periodKey))
      .all()
      .map((i) => ({ ...i, label: label(i.periodKey) }));
    const issued = new Set(issuances.map((i) => i.periodKey));
    let next: ScheduleView["next"] = null;
    if (!s.stoppedAt) {
      let key = s.startsWith;
      for (let n = 0; n < 600 && issued.has(key); n++) key = nextPeriodKey(s.frequency, key);
      const p = parsePeriod(key, fsm);
      if (p) next = { periodKey: key, label: label(key), dueOn: dayAfter(p.to) };
    }
    const lastKey = issuances[0]?.periodKey;
    return {
      id: s.id, frequency: s.frequency, audience: s.audience, startsWith: s.startsWith, startsWithLabel: label(s.startsWith),
      createdBy: s.createdBy, createdAt: s.createdAt, stoppedAt: s.stoppedAt,
      last: lastKey ? { periodKey: lastKey, label: label(lastKey) } : null,
      next,
      issuances,
    };
  });
}
