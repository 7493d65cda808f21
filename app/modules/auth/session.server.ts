/**
 * Cookie sessions kept on the server (docs/decisions/0005): the cookie carries a random 256-bit token; the sessions
 * table keeps its SHA-256. A session ends when the user signs out (the row is deleted), after 30 minutes without a
 * request (idle timeout) or 12 hours after sign-in, whichever comes first.
 */
import { createCookie } from "@remix-run/node";
import { createHash, randomBytes } from "node:crypto";
import { eq, lt, lte, or } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { unlessBusy } from "../../../db/busy.server";
import { departments, sessions, users } from "../../../db/schema";
import { identityColumns, type UserIdentity } from "./users.server";

export const SESSION_COOKIE_NAME = "kasuhara_session";

function minutesFromEnv(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export const SESSION_LIMITS = {
  idleMs: minutesFromEnv("SESSION_IDLE_MINUTES", 30) * 60_000,
  absoluteMs: minutesFromEnv("SESSION_MAX_HOURS", 12) * 3_600_000,
  /** last_seen_at is written at most this often, so reading pages does not write on every request. */
  touchMs: 60_000,
};

/** HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site posts); Secure is added per request on HTTPS. */
const cookie = createCookie(SESSION_COOKIE_NAME, { httpOnly: true, sameSite: "lax", path: "/" });

export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}

export function sessionCookieHeader(token: string, request: Request): Promise<string> {
  return cookie.serialize(token, { secure: isHttps(request) });
}

export function clearedSessionCookieHeader(request: Request): Promise<string> {
  return cookie.serialize("", { secure: isHttps(request), maxAge: 0, expires: new Date(0) });
}

/**
 * The browser's device cookie (throttle.server.ts): set at a successful sign-in and kept after sign-out, so failures
 * made elsewhere never slow its owner down. It proves nothing by itself: a password is still needed.
 */
const deviceCookie = createCookie("kasuhara_device", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 180 * 86_400 });

export async function deviceTokenOf(request: Request): Promise<string | null> {
  const value: unknown = await deviceCookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

export function deviceCookieHeader(token: string, request: Request): Promise<string> {
  return deviceCookie.serialize(token, { secure: isHttps(request) });
}

export async function sessionTokenOf(request: Request): Promise<string | null> {
  const value: unknown = await cookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export function createSession(
  db: Db,
  userId: number,
  meta: { ip: string | null; userAgent: string | null },
  now: Date = new Date(),
): string {
  const token = randomBytes(32).toString("base64url");
  const at = now.toISOString();
  db.insert(sessions)
    .values({
      id: hashToken(token),
      userId,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(now.getTime() + SESSION_LIMITS.absoluteMs).toISOString(),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .run();
  return token;
}

/** The signed-in user as every page sees it. */
export interface SessionUser extends UserIdentity {
  /** The session row's id (the token's hash), to keep this session when the password changes. */
  sessionId: string;
}

/**
 * The user of a session token, or null when the token is unknown, expired (idle or absolute) or the user is disabled.
 * An expired session is deleted.
 */
export function readSession(db: Db, token: string, now: Date = new Date()): SessionUser | null {
  const id = hashToken(token);
  const row = db
    .select({ ...identityColumns, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, disabledAt: users.disabledAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(departments, eq(departments.id, users.departmentId))
    .where(eq(sessions.id, id))
    .get();
  if (!row) return null;
  const t = now.getTime();
  const idle = t - Date.parse(row.lastSeenAt) > SESSION_LIMITS.idleMs;
  // Both writes are housekeeping: while another writer (an import) holds the lock they are skipped, not waited for,
  // so reading pages stays fast. An expired session is refused either way; a missed touch is made on a later request.
  if (idle || t >= Date.parse(row.expiresAt) || row.disabledAt !== null) {
    unlessBusy(() => db.delete(sessions).where(eq(sessions.id, id)).run());
    return null;
  }
  if (t - Date.parse(row.lastSeenAt) > SESSION_LIMITS.touchMs) {
    unlessBusy(() => db.update(sessions).set({ lastSeenAt: now.toISOString() }).where(eq(sessions.id, id)).run());
  }
  const { lastSeenAt: _l, expiresAt: _e, disabledAt: _d, ...user } = row;
  return { ...user, sessionId: id };
}

export function destroySession(db: Db, token: string): void {
  db.delete(sessions).where(eq(sessions.id, hashToken(token))).run();
}

/** Removes sessions that have expired (run at start; expired ones are also removed when presented). */
export function purgeExpiredSessions(db: Db, now: Date = new Date()): number {
  const idleBefore = new Date(now.getTime() - SESSION_LIMITS.idleMs).toISOString();
  return db
    .delete(sessions)
    .where(or(lt(sessions.lastSeenAt, idleBefore), lte(sessions.expiresAt, now.toISOString())))
    .run().changes;
}
