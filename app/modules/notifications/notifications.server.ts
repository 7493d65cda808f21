/**
 * A user's own notifications: the bell's count, the paged list, marking read, and the mail preference. Every query is
 * by the signed-in user's id: nobody reaches another user's notifications (marking one that is not yours is 404).
 */
import { and, count, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { notifications, users } from "../../../db/schema";
import { AppError } from "../errors";
import type { Lang } from "../incidents/taxonomy";
import { departmentNames, describe, type NotificationText } from "./text.server";
import { MAIL_PREFERENCES, type MailPreference } from "./preferences";

export const NOTIFICATIONS_PAGE_SIZE = 20;

export { MAIL_PREFERENCES, type MailPreference };

export function unreadCount(db: Db, userId: number): number {
  return db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt))).get()?.n ?? 0;
}

export interface NotificationItem extends NotificationText {
  id: number;
  createdAt: string;
  read: boolean;
}

export interface NotificationPage {
  items: NotificationItem[];
  page: number;
  pages: number;
  total: number;
  unread: number;
}

/** Newest first, one page. */
export function listNotifications(db: Db, userId: number, page: number, lang: Lang): NotificationPage {
  const total = db.select({ n: count() }).from(notifications).where(eq(notifications.userId, userId)).get()?.n ?? 0;
  const pages = Math.max(1, Math.ceil(total / NOTIFICATIONS_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const rows = db
    .select({
      id: notifications.id, kind: notifications.kind, incidentId: notifications.incidentId, payload: notifications.payload,
      createdAt: notifications.createdAt, readAt: notifications.readAt,
    })
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(NOTIFICATIONS_PAGE_SIZE)
    .offset((current - 1) * NOTIFICATIONS_PAGE_SIZE)
    .all();
  const dept = departmentNames(db);
  const items = rows.map((r) => ({ id: r.id, createdAt: r.createdAt, read: r.readAt !== null, ...describe(r, dept, lang) }));
  return { items, page: current, pages, total, unread: unreadCount(db, userId) };
}

/** Marks one of the user's notifications read; another user's (or none) is 404. */
export function markRead(db: Db, userId: number, id: number, now: Date = new Date()): void {
  const found = db.select({ readAt: notifications.readAt }).from(notifications).where(and(eq(notifications.id, id), eq(notifications.userId, userId))).get();
  if (!found) throw new AppError(404, "notifications.notFound");
  if (found.readAt === null) db.update(notifications).set({ readAt: now.toISOString() }).where(eq(notifications.id, id)).run();
}

/** Marks all of the user's notifications read; returns how many were unread. */
export function markAllRead(db: Db, userId: number, now: Date = new Date()): number {
  return db.update(notifications).set({ readAt: now.toISOString() }).where(and(eq(notifications.userId, userId), isNull(notifications.readAt))).run().changes;
}

export function mailPreference(db: Db, userId: number): MailPreference {
  return db.select({ p: users.notifyMail }).from(users).where(eq(users.id, userId)).get()?.p ?? "immediate";
}

/** The user's own choice: it applies to notifications made from now on. */
export function setMailPreference(db: Db, userId: number, preference: MailPreference): void {
  db.update(users).set({ notifyMail: preference, updatedAt: new Date().toISOString() }).where(eq(users.id, userId)).run();
}
