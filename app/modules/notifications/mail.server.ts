/**
 * Mailing notifications (issue 19, docs/decisions/0028). Always after the transaction that made them has committed,
 * and never in the way of the save that caused them: a failure is recorded on the notification (mail_status
 * `failed`, mail_attempts) and the daily sweep tries again, up to MAX_MAIL_ATTEMPTS times.
 *
 * A mail holds what the notification holds — 管理番号, department, category labels, a due date — in Japanese and then
 * English, with a link when PUBLIC_ORIGIN is set. Never names or free text.
 */
import { and, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import { createTransport } from "nodemailer";
import type { Db } from "../../../db/client.server";
import { notifications, users } from "../../../db/schema";
import { translate } from "~/i18n/dictionary.server";
import { departmentNames, describe, type NotificationRow } from "./text.server";
import { publicOrigin, smtpFrom, smtpUrl } from "./mail-config.server";

export const MAX_MAIL_ATTEMPTS = 5;

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends one mail; rejects when the server refuses it or cannot be reached. */
export type SendMail = (m: MailMessage) => Promise<void>;

/** The SMTP sender of SMTP_URL / SMTP_FROM, or null when no SMTP is configured. */
export function mailerFromEnv(env: NodeJS.ProcessEnv = process.env): SendMail | null {
  const url = smtpUrl(env);
  if (!url) return null;
  // Short timeouts: an unreachable server costs the sweep seconds, not minutes.
  const transport = createTransport({ url, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 }, { from: smtpFrom(env) });
  return async (m) => {
    await transport.sendMail({ to: m.to, subject: m.subject, text: m.text });
  };
}

/** One notification as mail lines: the Japanese title, the categories, the link. */
function lines(n: NotificationRow, dept: ReturnType<typeof departmentNames>, lang: "ja" | "en", origin: string | null): string[] {
  const d = describe(n, dept, lang);
  return [`・${d.title}`, ...(d.detail ? [`  ${d.detail}`] : []), ...(origin ? [`  ${origin}${d.href}`] : [])];
}

export function composeOne(n: NotificationRow, dept: ReturnType<typeof departmentNames>, origin: string | null): { subject: string; text: string } {
  const title = describe(n, dept, "ja").title;
  return {
    subject: translate("ja", "notifications.mail.subject", { title }),
    text: [...lines(n, dept, "ja", origin), "", ...lines(n, dept, "en", null), "", translate("ja", "notifications.mail.footer"), translate("en", "notifications.mail.footer"), ""].join("\n"),
  };
}

export function composeDigest(ns: NotificationRow[], dept: ReturnType<typeof departmentNames>, origin: string | null): { subject: string; text: string } {
  const n = ns.length;
  return {
    subject: translate("ja", "notifications.mail.digestSubject", { n }),
    text: [
      translate("ja", "notifications.mail.digestIntro", { n }),
      "",
      ...ns.flatMap((x) => lines(x, dept, "ja", origin)),
      "",
      translate("en", "notifications.mail.digestIntro", { n }),
      ...ns.flatMap((x) => lines(x, dept, "en", null)),
      "",
      translate("ja", "notifications.mail.footer"),
      translate("en", "notifications.mail.footer"),
      "",
    ].join("\n"),
  };
}

const rowColumns = {
  id: notifications.id,
  kind: notifications.kind,
  incidentId: notifications.incidentId,
  payload: notifications.payload,
  createdAt: notifications.createdAt,
  readAt: notifications.readAt,
  attempts: notifications.mailAttempts,
  userId: notifications.userId,
  email: users.email,
  disabledAt: users.disabledAt,
};

export interface MailOutcome {
  sent: number;
  failed: number;
}

function record(db: Db, ids: number[], ok: boolean, now: Date): void {
  if (!ids.length) return;
  db.update(notifications)
    .set(ok ? { mailStatus: "sent", mailedAt: now.toISOString() } : { mailStatus: "failed" })
    .where(inArray(notifications.id, ids))
    .run();
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Mails the notifications of users who want each one at once: the pending ones, and (`retry`, the sweep) the failed
 * ones that have attempts left. Each is claimed by counting the attempt first, so two senders do not mail one twice.
 */
export async function sendImmediate(db: Db, send: SendMail, opts: { retry?: boolean; now?: Date } = {}): Promise<MailOutcome> {
  const statuses: ("pending" | "failed")[] = opts.retry ? ["pending", "failed"] : ["pending"];
  const rows = db
    .select(rowColumns)
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(and(inArray(notifications.mailStatus, statuses), eq(notifications.mailMode, "immediate"), lt(notifications.mailAttempts, MAX_MAIL_ATTEMPTS)))
    .orderBy(notifications.id)
    .all();
  const out: MailOutcome = { sent: 0, failed: 0 };
  if (!rows.length) return out;
  const dept = departmentNames(db);
  const origin = publicOrigin();
  for (const r of rows) {
    if (r.disabledAt !== null) {
      db.update(notifications).set({ mailStatus: "none" }).where(eq(notifications.id, r.id)).run();
      continue;
    }
    const claimed = db
      .update(notifications)
      .set({ mailAttempts: sql`${notifications.mailAttempts} + 1` })
      .where(and(eq(notifications.id, r.id), eq(notifications.mailAttempts, r.attempts), inArray(notifications.mailStatus, statuses)))
      .run().changes;
    if (!claimed) continue;
    try {
      await send({ to: r.email, ...composeOne(r, dept, origin) });
      record(db, [r.id], true, opts.now ?? new Date());
      out.sent++;
    } catch (e) {
      record(db, [r.id], false, opts.now ?? new Date());
      out.failed++;
      console.error(`通知メールを送れませんでした (notification ${r.id}, attempt ${r.attempts + 1}): ${describeError(e)}`);
    }
  }
  return out;
}

/**
 * The daily digest: for each user who chose it, one mail listing their unread notifications not mailed yet. Those read
 * in the app meanwhile need no mail. A failed digest is tried again by the next sweep.
 */
export async function sendDigests(db: Db, send: SendMail, opts: { now?: Date } = {}): Promise<MailOutcome> {
  const due = and(inArray(notifications.mailStatus, ["pending", "failed"]), eq(notifications.mailMode, "digest"));
  db.update(notifications).set({ mailStatus: "none" }).where(and(due, isNotNull(notifications.readAt))).run();
  const rows = db
    .select(rowColumns)
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(and(due, lt(notifications.mailAttempts, MAX_MAIL_ATTEMPTS)))
    .orderBy(notifications.userId, notifications.id)
    .all();
  const out: MailOutcome = { sent: 0, failed: 0 };
  if (!rows.length) return out;
  const dept = departmentNames(db);
  const origin = publicOrigin();
  const byUser = new Map<number, typeof rows>();
  for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
  for (const list of byUser.values()) {
    const ids = list.map((r) => r.id);
    if (list[0].disabledAt !== null) {
      db.update(notifications).set({ mailStatus: "none" }).where(inArray(notifications.id, ids)).run();
      continue;
    }
    db.update(notifications).set({ mailAttempts: sql`${notifications.mailAttempts} + 1` }).where(inArray(notifications.id, ids)).run();
    try {
      await send({ to: list[0].email, ...composeDigest(list, dept, origin) });
      record(db, ids, true, opts.now ?? new Date());
      out.sent++;
    } catch (e) {
      record(db, ids, false, opts.now ?? new Date());
      out.failed++;
      console.error(`通知のまとめメールを送れませんでした (user ${list[0].userId}): ${describeError(e)}`);
    }
  }
  return out;
}

/** Serialises sends within the process: a second dispatch waits for the one running instead of racing it. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * After a change has committed: mails its notifications in the background. Returns at once; the promise it hands back
 * (for tests) never rejects. Without SMTP it does nothing.
 */
export function dispatchSoon(db: Db, send: SendMail | null = mailerFromEnv()): Promise<MailOutcome> {
  if (!send) return Promise.resolve({ sent: 0, failed: 0 });
  const run = queue.then(() => sendImmediate(db, send)).catch((e: unknown) => {
    console.error(`通知メールの送信処理に失敗しました: ${describeError(e)}`);
    return { sent: 0, failed: 0 };
  });
  queue = run;
  return run;
}
