/**
 * Authentication and authorisation: the role × permission table, password hashing, the sign-in throttle, server-side
 * sessions and user administration, on migrated in-memory databases with injected clocks.
 */
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client.server";
import { auditLog, departments, loginThrottle, sessions, users } from "../db/schema";
import { AppError } from "~/modules/errors";
import type { Actor } from "~/modules/auth/audit.server";
import {
  generateOneTimePassword, hashPassword, verifyPassword,
} from "~/modules/auth/password.server";
import {
  can, canReachIncident, incidentScope, type Permission, type Principal, type Role, ROLES, seesPersonalData,
} from "~/modules/auth/permissions";
import { userFieldsSchema, type UserFields } from "~/modules/auth/schema";
import {
  createSession, destroySession, purgeExpiredSessions, readSession, SESSION_LIMITS,
} from "~/modules/auth/session.server";
import { type AttemptKeys, clearAccountFailures, purgeThrottle, recordFailure, recordSuccess, THROTTLE, waitAfter, waitUntil } from "~/modules/auth/throttle.server";
import {
  changeOwnPassword, createUser, ensureFirstAdmin, getUser, resetPassword, signIn, updateUser,
} from "~/modules/auth/users.server";
import { memoryDb } from "./helpers";

const MIN = 60_000;
const T0 = new Date("2025-06-02T01:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const actor: Actor = { userId: null, name: "test", ip: "127.0.0.1" };

/** One hash of RIGHT, made once: users who sign in are inserted with it (each hash costs ~50–150 ms). */
const RIGHT = "password-1234 secret";
let RIGHT_HASH: string;
beforeAll(async () => {
  RIGHT_HASH = await hashPassword(RIGHT);
});

/** A user row written directly; its password is RIGHT when `password` is set, otherwise none matches. */
function insertUser(
  db: Db,
  u: { email: string; role: Role; department?: string | null; mustChangePassword?: boolean; disabled?: boolean; password?: boolean },
): number {
  let departmentId: number | null = null;
  if (u.department) {
    departmentId = db.insert(departments).values({ name: u.department, normalizedName: u.department }).returning().get().id;
  }
  return db
    .insert(users)
    .values({
      email: u.email, displayName: null, role: u.role, departmentId, passwordHash: u.password ? RIGHT_HASH : "not-a-hash",
      mustChangePassword: u.mustChangePassword ?? false, disabledAt: u.disabled ? T0.toISOString() : null,
    })
    .returning()
    .get().id;
}

const fields = (f: Partial<UserFields> & Pick<UserFields, "email">): UserFields => ({
  displayName: null, role: "hr", department: null, ...f,
});
const auditOf = (db: Db, action: string) => db.select().from(auditLog).where(eq(auditLog.action, action)).all();
const detailOf = (entry: { detail: string | null }) => JSON.parse(entry.detail ?? "null") as Record<string, unknown>;
const sessionCount = (db: Db, userId: number) => db.select().from(sessions).where(eq(sessions.userId, userId)).all().length;
async function appErrorOf(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  let err: unknown = null;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

// ---------------------------------------------------------------------------------------------------------------

describe("permissions", () => {
  const ALL: Permission[] = [
    "dashboard.view", "incidents.read", "incidents.write", "incidents.delete", "incidents.import",
    "reports.hr", "reports.executive", "users.manage", "departments.manage", "settings.manage", "audit.read",
  ];
  const EXPECTED: Record<Role, Permission[]> = {
    admin: ALL,
    hr: ALL.filter((p) => !["users.manage", "departments.manage", "settings.manage", "audit.read"].includes(p)),
    supervisor: ["dashboard.view", "incidents.read", "incidents.write"],
    executive: ["dashboard.view", "reports.executive"],
  };

  it("knows exactly the four roles", () => {
    expect([...ROLES].sort()).toEqual(["admin", "executive", "hr", "supervisor"]);
  });

  it.each(ROLES)("grants %s exactly its permissions and nothing else", (role) => {
    const user: Principal = { role, departmentId: 1 };
    expect(ALL.filter((p) => can(user, p))).toEqual(EXPECTED[role]);
  });

  it("gives a signed-out (null or undefined) user nothing", () => {
    for (const p of ALL) {
      expect(can(null, p)).toBe(false);
      expect(can(undefined, p)).toBe(false);
    }
  });

  it("scopes a supervisor to their own department and everyone else to all incidents", () => {
    expect(incidentScope({ role: "supervisor", departmentId: 7 })).toEqual({ kind: "department", departmentId: 7 });
    // A supervisor without a department (refused by the database anyway) reaches nothing.
    expect(incidentScope({ role: "supervisor", departmentId: null })).toEqual({ kind: "department", departmentId: -1 });
    for (const role of ["admin", "hr", "executive"] as const) {
      expect(incidentScope({ role, departmentId: 7 })).toEqual({ kind: "all" });
    }
  });

  it("lets a supervisor reach only incidents of their own department", () => {
    const sup: Principal = { role: "supervisor", departmentId: 7 };
    expect(canReachIncident(sup, { departmentId: 7 })).toBe(true);
    expect(canReachIncident(sup, { departmentId: 8 })).toBe(false);
    expect(canReachIncident(sup, { departmentId: null })).toBe(false);
    expect(canReachIncident({ role: "supervisor", departmentId: null }, { departmentId: null })).toBe(false);
  });

  it("lets admin and hr reach every incident, and an executive none", () => {
    for (const role of ["admin", "hr"] as const) {
      const user: Principal = { role, departmentId: 7 };
      expect(canReachIncident(user, { departmentId: 8 })).toBe(true);
      expect(canReachIncident(user, { departmentId: null })).toBe(true);
    }
    const exec: Principal = { role: "executive", departmentId: 7 };
    expect(canReachIncident(exec, { departmentId: 7 })).toBe(false);
    expect(canReachIncident(exec, { departmentId: null })).toBe(false);
  });

  it("shows personal data to everyone but executives", () => {
    expect(ROLES.filter((role) => seesPersonalData({ role, departmentId: 1 }))).toEqual(["admin", "hr", "supervisor"]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe.concurrent("password hashing", () => {
  const PASSWORD = RIGHT;
  const stored = () => RIGHT_HASH;

  it("verifies the right password and refuses a wrong one", async () => {
    expect(stored()).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored()).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, stored())).toBe(true);
    expect(await verifyPassword("password-1234 secreT", stored())).toBe(false);
  });

  it("salts every hash, so the same password never hashes the same twice", async () => {
    const again = await hashPassword(PASSWORD);
    expect(again).not.toBe(stored());
    expect(again.split("$")[4]).not.toBe(stored().split("$")[4]);
    expect(again.split("$")[5]).not.toBe(stored().split("$")[5]);
  });

  it("accepts the password typed with full-width characters (NFKC)", async () => {
    expect(await verifyPassword("ｐａｓｓｗｏｒｄ－１２３４　ｓｅｃｒｅｔ", stored())).toBe(true);
  });

  it("answers false, without throwing, for a tampered stored hash", async () => {
    const parts = stored().split("$");
    const key = Buffer.from(parts[5], "base64");
    key[0] ^= 1;
    const flipped = [...parts.slice(0, 5), key.toString("base64")].join("$");
    expect(await verifyPassword(PASSWORD, flipped)).toBe(false);
  });

  it("answers false, without throwing, for stored strings that are not a hash", async () => {
    const [, , , , salt, hash] = stored().split("$");
    for (const bad of ["", "plain-text", `bcrypt$32768$8$1$${salt}$${hash}`, "scrypt$32768$8$1$$", `scrypt$32768$8$1$${salt}`]) {
      await expect(verifyPassword(PASSWORD, bad), bad).resolves.toBe(false);
    }
  });

  it("answers false, without throwing, when the stored scrypt parameters are malformed", async () => {
    const [, , , , salt, hash] = stored().split("$");
    // Hand-edited or corrupted rows: a non-numeric N, an N that is not a power of two.
    for (const bad of [`scrypt$abc$8$1$${salt}$${hash}`, `scrypt$1000$8$1$${salt}$${hash}`]) {
      await expect(verifyPassword(PASSWORD, bad), bad).resolves.toBe(false);
    }
  });

  it("generates readable one-time passwords in four groups of four, without 0 O 1 l I", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const otp = generateOneTimePassword();
      expect(otp).toMatch(/^[a-zA-Z2-9]{4}(-[a-zA-Z2-9]{4}){3}$/);
      expect(otp).not.toMatch(/[0O1lI]/);
      seen.add(otp);
    }
    expect(seen.size).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("sign-in throttle", () => {
  const EMAIL = "taro@example.com";
  const from = (address: string | null, device: string | null = null) => ({ account: EMAIL, address, device });
  const failTimes = (db: Db, keys: AttemptKeys, n: number, when: Date) => Array.from({ length: n }, () => recordFailure(db, keys, when));
  const sec = (s: number) => new Date(T0.getTime() + s * 1000);

  it("lets three failures go, then doubles the wait of the next attempt: 1 s, 2 s, 4 s … up to 15 minutes", () => {
    const db = memoryDb();
    expect(failTimes(db, from("192.0.2.1"), 17, T0).map((o) => o.waitMs)).toEqual([
      0, 0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 900_000, 900_000, 900_000, 900_000,
    ]);
    expect(waitAfter(1_000_000, THROTTLE.pair)).toBe(15 * MIN);
  });

  it("answers an attempt before its wait is over with the time to wait, and one after it with none", () => {
    const db = memoryDb();
    const keys = from("192.0.2.1");
    failTimes(db, keys, 5, T0); // the fifth makes the next wait 2 s
    expect(waitUntil(db, keys, sec(1))).toBe(sec(2).toISOString());
    expect(waitUntil(db, keys, sec(2))).toBeNull();
  });

  it("never locks: the right password is checked again as soon as the wait is over", async () => {
    const db = memoryDb();
    insertUser(db, { email: EMAIL, role: "hr", password: true });
    let now = T0;
    const clock = () => now;
    for (let i = 0; i < 3; i++) await signIn(db, EMAIL, `wrong ${i}`, { ip: "192.0.2.9" }, clock);
    expect(await signIn(db, EMAIL, "wrong 3", { ip: "192.0.2.9" }, clock)).toEqual({ ok: false, reason: "invalid", retryAt: sec(1).toISOString() });
    // Before the wait is over, neither the right password nor a guess is checked, and neither counts.
    expect(await signIn(db, EMAIL, RIGHT, { ip: "192.0.2.9" }, clock)).toEqual({ ok: false, reason: "wait", retryAt: sec(1).toISOString() });
    expect(await signIn(db, EMAIL, "guess", { ip: "192.0.2.9" }, clock)).toEqual({ ok: false, reason: "wait", retryAt: sec(1).toISOString() });
    now = sec(1);
    expect(await signIn(db, EMAIL, "wrong 4", { ip: "192.0.2.9" }, clock)).toEqual({ ok: false, reason: "invalid", retryAt: sec(3).toISOString() });
    now = sec(3);
    expect(await signIn(db, EMAIL, RIGHT, { ip: "192.0.2.9" }, clock)).toMatchObject({ ok: true });
  });

  it("does not slow the owner's own browser down, however many failures anybody else made on the account", async () => {
    const db = memoryDb();
    insertUser(db, { email: EMAIL, role: "admin", password: true });
    const clock = () => T0;
    const owner = await signIn(db, EMAIL, RIGHT, { ip: "198.51.100.7" }, clock);
    if (!owner.ok) throw new Error("the owner could not sign in");
    // An attacker: 200 guesses from one address, then one from each of 100 addresses.
    for (let i = 0; i < 200; i++) recordFailure(db, from("203.0.113.66"), T0);
    for (let i = 0; i < 100; i++) recordFailure(db, from(`203.0.113.${i}`), T0);
    expect(await signIn(db, EMAIL, "guess", { ip: "203.0.113.66" }, clock)).toMatchObject({ ok: false, reason: "wait" });
    // The owner, in the browser they signed in from (its device cookie), from the same address as the attacker even.
    expect(await signIn(db, EMAIL, RIGHT, { ip: "203.0.113.66", device: owner.deviceToken }, clock)).toMatchObject({ ok: true });
    expect(await signIn(db, EMAIL, RIGHT, { ip: "198.51.100.7", device: owner.deviceToken }, clock)).toMatchObject({ ok: true });
  });

  it("makes the owner in a new browser wait a minute at most while many addresses guess the account", () => {
    const db = memoryDb();
    for (let i = 0; i < 300; i++) recordFailure(db, from(`203.0.113.${i % 250}`), T0);
    expect(waitUntil(db, from("198.51.100.8"), T0)).toBe(sec(60).toISOString());
    expect(waitUntil(db, from("198.51.100.8"), sec(60))).toBeNull();
  });

  it("counts a device's own failures on its own key, so a stolen device cookie still has to wait", () => {
    const db = memoryDb();
    const token = recordSuccess(db, from("198.51.100.7"), T0);
    const device = from("203.0.113.1", token);
    const waits = failTimes(db, device, 6, T0).map((o) => o.waitMs);
    expect(waits).toEqual([0, 0, 0, 1000, 2000, 4000]);
    // Its failures counted on the device only: the account and the address have none.
    const keys = db.select().from(loginThrottle).all().map((r) => r.key.split(":")[0]);
    expect(keys).toEqual(["device"]);
    // A device token is registered for its account only.
    expect(waitUntil(db, { account: "other@example.com", address: "203.0.113.1", device: token }, T0)).toBeNull();
  });

  it("slows an address that sprays many accounts after 30 failures", () => {
    const db = memoryDb();
    const ip = "192.0.2.10";
    const waits = Array.from({ length: 32 }, (_, i) => recordFailure(db, { account: `user${i}@example.com`, address: ip, device: null }, T0).waitMs);
    expect(waits.slice(0, 30).every((w) => w === 0)).toBe(true);
    expect(waits.slice(30)).toEqual([1000, 2000]);
    expect(waitUntil(db, { account: "someone@example.com", address: ip, device: null }, T0)).toBe(sec(2).toISOString());
    expect(waitUntil(db, { account: "someone@example.com", address: "198.51.100.1", device: null }, T0)).toBeNull();
  });

  it("lets a count lapse 15 minutes after its wait ended", () => {
    const db = memoryDb();
    failTimes(db, from("192.0.2.1"), 4, T0); // wait 1 s
    expect(recordFailure(db, from("192.0.2.1"), new Date(sec(1).getTime() + 15 * MIN)).waitMs).toBe(2000);
    const db2 = memoryDb();
    failTimes(db2, from("192.0.2.1"), 4, T0);
    expect(recordFailure(db2, from("192.0.2.1"), new Date(sec(1).getTime() + 15 * MIN + 1)).waitMs).toBe(0);
  });

  it("a password reset ends the account's counts from every address", () => {
    const db = memoryDb();
    failTimes(db, from("192.0.2.20"), 12, T0);
    failTimes(db, from("192.0.2.21"), 5, T0);
    failTimes(db, { account: "ta_ro@example.com", address: "192.0.2.22", device: null }, 5, T0);
    expect(waitUntil(db, from("192.0.2.20"), T0)).not.toBeNull();
    clearAccountFailures(db, EMAIL);
    expect(waitUntil(db, from("192.0.2.20"), T0)).toBeNull();
    expect(waitUntil(db, from("192.0.2.21"), T0)).toBeNull();
    // Another account (whose name a LIKE pattern would have matched) keeps its count.
    expect(waitUntil(db, { account: "ta_ro@example.com", address: "192.0.2.22", device: null }, T0)).not.toBeNull();
  });

  it("purges lapsed counts and devices registered more than 180 days ago", () => {
    const db = memoryDb();
    failTimes(db, from("192.0.2.1"), 5, T0);
    recordSuccess(db, from("192.0.2.2"), T0);
    expect(purgeThrottle(db, at(10))).toBe(0);
    expect(purgeThrottle(db, at(16))).toBe(3);
    expect(purgeThrottle(db, new Date(T0.getTime() + 181 * 86_400_000))).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("sessions", () => {
  const meta = { ip: "127.0.0.1", userAgent: "vitest" };
  const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

  it("stores only the SHA-256 of the token, never the token", () => {
    const db = memoryDb();
    const uid = insertUser(db, { email: "a@example.com", role: "hr" });
    const token = createSession(db, uid, meta, T0);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = db.select().from(sessions).all();
    expect(rows).toHaveLength(1);
    expect(rows[0].id).not.toBe(token);
    expect(rows[0].id).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].id).toBe(sha256(token));
    expect(JSON.stringify(rows[0])).not.toContain(token);
    expect(rows[0]).toMatchObject({
      userId: uid, createdAt: T0.toISOString(), lastSeenAt: T0.toISOString(), expiresAt: at(12 * 60).toISOString(),
    });
    expect(createSession(db, uid, meta, T0)).not.toBe(token);
  });

  it("reads back the user with role, department and the must-change-password flag", () => {
    const db = memoryDb();
    const uid = insertUser(db, { email: "sup@example.com", role: "supervisor", department: "東京本店", mustChangePassword: true });
    const token = createSession(db, uid, meta, T0);
    const user = readSession(db, token, at(1))!;
    expect(user).toMatchObject({
      id: uid, email: "sup@example.com", role: "supervisor", department: "東京本店", mustChangePassword: true,
      sessionId: sha256(token),
    });
    expect(user.departmentId).toBe(db.select().from(departments).get()!.id);
    expect(user).not.toHaveProperty("passwordHash");
    expect(readSession(db, "x".repeat(43), at(1))).toBeNull();
  });

  it("ends a session unused for more than 30 minutes and deletes its row", () => {
    const db = memoryDb();
    const uid = insertUser(db, { email: "a@example.com", role: "hr" });
    const kept = createSession(db, uid, meta, T0);
    const idle = createSession(db, uid, meta, T0);
    expect(readSession(db, kept, at(30))).not.toBeNull();
    expect(readSession(db, idle, at(31))).toBeNull();
    expect(db.select().from(sessions).all().map((s) => s.id)).toEqual([sha256(kept)]);
    // Presented again, the ended session stays ended.
    expect(readSession(db, idle, at(31))).toBeNull();
  });

  it("keeps a session used every 20 minutes alive until 12 hours after sign-in, then ends it", () => {
    const db = memoryDb();
    const uid = insertUser(db, { email: "a@example.com", role: "hr" });
    const token = createSession(db, uid, meta, T0);
    for (let m = 20; m < 12 * 60; m += 20) {
      expect(readSession(db, token, at(m)), `minute ${m}`).not.toBeNull();
    }
    expect(readSession(db, token, at(12 * 60))).toBeNull();
    expect(db.select().from(sessions).all()).toHaveLength(0);
  });

  it("writes last use at most once a minute, and the idle timeout counts from the last write", () => {
    const db = memoryDb();
    const uid = insertUser(db, { email: "a@example.com", role: "hr" });
    const token = createSession(db, uid, meta, T0);
    const lastSeen = () => db.select().from(sessions).get()!.lastSeenAt;
    expect(SESSION_LIMITS.touchMs).toBe(60_000);
    readSession(db, token, new Date(T0.getTime() + 50_000));
    expect(lastSeen()).toBe(T0.toISOString());
    readSession(db, token, new Date(T0.getTime() + 90_000));
    expect(lastSeen()).toBe(new Date(T0.getTime() + 90_000).toISOString());
    // 30 minutes after the written use (90 s) it is still alive; a use 50 s after sign-in alone would not have kept it.
    expect(readSession(db, token, new Date(T0.getTime() + 90_000 + 30 * MIN))).not.toBeNull();

    const other = createSession(db, uid, meta, T0);
    readSession(db, other, new Date(T0.getTime() + 50_000));
    expect(readSession(db, other, new Date(T0.getTime() + 30 * MIN + 30_000))).toBeNull();
  });

  it("ends the session of a disabled user", () => {
    const db = memoryDb();
    const uid = insertUser(db, { email: "a@example.com", role: "hr" });
    const token = createSession(db, uid, meta, T0);
    expect(readSession(db, token, at(1))).not.toBeNull();
    db.update(users).set({ disabledAt: at(2).toISOString() }).where(eq(users.id, uid)).run();
    expect(readSession(db, token, at(3))).toBeNull();
    expect(sessionCount(db, uid)).toBe(0);
  });

  it("signing out ends that session only", () => {
    const db = memoryDb();
    const uid = insertUser(db, { email: "a@example.com", role: "hr" });
    const a = createSession(db, uid, meta, T0);
    const b = createSession(db, uid, meta, T0);
    destroySession(db, a);
    expect(readSession(db, a, at(1))).toBeNull();
    expect(readSession(db, b, at(1))).not.toBeNull();
  });

  it("purging removes only expired sessions (idle or past 12 hours)", () => {
    const db = memoryDb();
    const uid = insertUser(db, { email: "a@example.com", role: "hr" });
    const idle = createSession(db, uid, meta, at(0));
    const alive = createSession(db, uid, meta, at(20));
    // Used a moment ago, but signed in 12 hours before the purge: past the absolute limit.
    const old = createSession(db, uid, meta, at(40 - 12 * 60));
    db.update(sessions).set({ lastSeenAt: at(35).toISOString() }).where(eq(sessions.id, sha256(old))).run();
    expect(purgeExpiredSessions(db, at(41))).toBe(2);
    expect(db.select().from(sessions).all().map((s) => s.id)).toEqual([sha256(alive)]);
    expect(readSession(db, alive, at(41))).not.toBeNull();
    expect(readSession(db, idle, at(41))).toBeNull();
    expect(readSession(db, old, at(41))).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe.concurrent("creating users", () => {
  it("generates a one-time password that must be changed, and signs in with it", async () => {
    const db = memoryDb();
    const { id, oneTimePassword } = await createUser(db, fields({ email: "new@example.com", displayName: "新人" }), actor);
    expect(oneTimePassword).toMatch(/^[a-zA-Z2-9]{4}(-[a-zA-Z2-9]{4}){3}$/);
    expect(getUser(db, id)).toMatchObject({ email: "new@example.com", displayName: "新人", role: "hr", mustChangePassword: true });
    expect(db.select().from(users).get()!.passwordHash).not.toContain(oneTimePassword!);
    expect(await signIn(db, "new@example.com", oneTimePassword!, { ip: null })).toMatchObject({ ok: true, user: { id } });
    const [entry] = auditOf(db, "user.created");
    expect(entry).toMatchObject({ actor: "test", ip: "127.0.0.1", targetType: "user", targetId: String(id) });
    // Identifiers only: no e-mail or name in the trail (the target is the user's id).
    expect(detailOf(entry)).toEqual({ role: "hr", departmentId: null });
  });

  it("with a chosen password returns no one-time password and does not force a change", async () => {
    const db = memoryDb();
    const r = await createUser(db, fields({ email: "x@example.com" }), actor, { password: "chosen password 1" });
    expect(r.oneTimePassword).toBeNull();
    expect(getUser(db, r.id)!.mustChangePassword).toBe(false);
    expect(await verifyPassword("chosen password 1", db.select().from(users).get()!.passwordHash)).toBe(true);
  });

  it("refuses an e-mail already used, also typed in another case and full-width (409)", async () => {
    const db = memoryDb();
    insertUser(db, { email: "dup@example.com", role: "hr" });
    for (const typed of ["dup@example.com", " ＤＵＰ＠Ｅｘａｍｐｌｅ．ｃｏｍ "]) {
      // The form and the command line pass what they read through userFieldsSchema.
      const parsed = userFieldsSchema.parse({ email: typed, displayName: "", role: "hr", department: "" });
      const err = await appErrorOf(createUser(db, parsed, actor, { password: "p" }));
      expect(err.status).toBe(409);
      expect(err.userMessage).toBe("auth.errors.emailTaken");
    }
    expect(db.select().from(users).all()).toHaveLength(1);
    expect(auditOf(db, "user.created")).toHaveLength(0);
  });

  it("refuses an e-mail differing only in case or width even when the caller passed it un-normalised", async () => {
    // createUser is the entry point for the web form and `npm run user`; sign-in looks users up by the normalised
    // e-mail, so an un-normalised stored e-mail is a second account for the same person that can never sign in.
    const db = memoryDb();
    insertUser(db, { email: "dup@example.com", role: "hr" });
    const err = await appErrorOf(createUser(db, fields({ email: "Dup@Example.com" }), actor, { password: "p" }));
    expect(err.status).toBe(409);
    expect(db.select().from(users).all()).toHaveLength(1);
  });

  it("gives a supervisor a department of the master by name, however it is typed; the command line may add a new one", async () => {
    const db = memoryDb();
    // `npm run user` sets a system up: the department it names is added to the master.
    const a = await createUser(db, fields({ email: "s1@example.com", role: "supervisor", department: "東京本店" }), actor, { password: "p", departments: "create" });
    const tokyo = db.select().from(departments).where(eq(departments.name, "東京本店")).get()!;
    expect(detailOf(auditOf(db, "user.created")[0])).toEqual({ role: "supervisor", departmentId: tokyo.id });
    // A second supervisor (written directly to save a hash) moved to the same department typed differently.
    const b = insertUser(db, { email: "s2@example.com", role: "hr" });
    updateUser(db, b, { fields: fields({ email: "s2@example.com", role: "supervisor", department: "　東京本店 " }), disabled: false }, actor);
    const rows = db.select().from(departments).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: "東京本店", normalizedName: "東京本店" });
    expect(getUser(db, a.id)).toMatchObject({ role: "supervisor", departmentId: rows[0].id, department: "東京本店" });
    expect(getUser(db, b)).toMatchObject({ role: "supervisor", departmentId: rows[0].id, department: "東京本店" });
  });

  it("creates the first admin with a one-time password once, and never again", async () => {
    const db = memoryDb();
    const first = await ensureFirstAdmin(db);
    expect(first).toMatchObject({ email: "admin@example.com" });
    expect(first!.oneTimePassword).toMatch(/^[a-zA-Z2-9]{4}(-[a-zA-Z2-9]{4}){3}$/);
    const [admin] = db.select().from(users).all();
    expect(admin).toMatchObject({ email: "admin@example.com", role: "admin", mustChangePassword: true });
    expect(await ensureFirstAdmin(db)).toBeNull();
    expect(await ensureFirstAdmin(db, "other@example.com")).toBeNull();
    expect(db.select().from(users).all()).toHaveLength(1);
  });
});

describe("changing users", () => {
  const meta = { ip: null, userAgent: null };
  const same = (email: string, role: Role = "hr", department: string | null = null, displayName: string | null = null) =>
    ({ fields: { email, displayName, role, department }, disabled: false });

  it("returns the names of the fields that changed, and nothing when nothing did", () => {
    const db = memoryDb();
    const id = insertUser(db, { email: "u@example.com", role: "hr" });
    expect(updateUser(db, id, same("u@example.com"), actor)).toEqual([]);
    expect(auditOf(db, "user.updated")).toHaveLength(0);
    const changed = updateUser(db, id, same("u2@example.com", "executive", null, "山田"), actor);
    expect(changed.sort()).toEqual(["displayName", "email", "role"]);
    expect(getUser(db, id)).toMatchObject({ email: "u2@example.com", role: "executive", displayName: "山田" });
  });

  it("records each change in the audit entry by identifiers: codes and ids with before and after, e-mail and name by field only", () => {
    const db = memoryDb();
    const id = insertUser(db, { email: "u@example.com", role: "hr" });
    db.insert(departments).values({ name: "大阪支店", normalizedName: "大阪支店" }).run();
    const changed = updateUser(db, id, { fields: { email: "u2@example.com", displayName: "大阪 太郎", role: "supervisor", department: "大阪支店" }, disabled: true }, actor);
    expect(changed).toEqual(["email", "displayName", "role", "department", "disabled"]);
    const osaka = db.select().from(departments).where(eq(departments.name, "大阪支店")).get()!;
    const [entry] = auditOf(db, "user.updated");
    expect(entry).toMatchObject({ targetType: "user", targetId: String(id), actor: "test" });
    expect(detailOf(entry)).toEqual({
      changes: { role: ["hr", "supervisor"], departmentId: [null, osaka.id], disabled: [false, true] },
      fields: ["email", "displayName"],
    });
    expect(entry.detail).not.toMatch(/u2@example|大阪/);
  });

  it("ends the user's sessions when the account is disabled or the role changes, not for a new display name", () => {
    const db = memoryDb();
    const id = insertUser(db, { email: "u@example.com", role: "hr" });
    const token = createSession(db, id, meta);
    updateUser(db, id, same("u@example.com", "hr", null, "新しい名前"), actor);
    expect(readSession(db, token)).not.toBeNull();

    updateUser(db, id, same("u@example.com", "executive", null, "新しい名前"), actor);
    expect(readSession(db, token)).toBeNull();
    expect(sessionCount(db, id)).toBe(0);

    const again = createSession(db, id, meta);
    updateUser(db, id, { ...same("u@example.com", "executive", null, "新しい名前"), disabled: true }, actor);
    expect(readSession(db, again)).toBeNull();
    expect(sessionCount(db, id)).toBe(0);
    expect(getUser(db, id)!.disabledAt).not.toBeNull();
  });

  it("does not let an admin demote or disable themselves (422), and changes nothing", async () => {
    const db = memoryDb();
    const id = insertUser(db, { email: "boss@example.com", role: "admin" });
    const self: Actor = { userId: id, name: "boss@example.com", ip: null };
    expect((await appErrorOf(() => updateUser(db, id, same("boss@example.com", "hr"), self))).status).toBe(422);
    expect((await appErrorOf(() => updateUser(db, id, { ...same("boss@example.com", "admin"), disabled: true }, self))).status).toBe(422);
    expect(getUser(db, id)).toMatchObject({ role: "admin", disabledAt: null });
    expect(auditOf(db, "user.updated")).toHaveLength(0);
    // Renaming oneself is fine, and another admin may demote them.
    expect(updateUser(db, id, same("boss@example.com", "admin", null, "社長"), self)).toEqual(["displayName"]);
    expect(updateUser(db, id, same("boss@example.com", "hr", null, "社長"), actor)).toEqual(["role"]);
  });

  it("refuses to change an e-mail to one another user has (409)", async () => {
    const db = memoryDb();
    insertUser(db, { email: "a@example.com", role: "hr" });
    const b = insertUser(db, { email: "b@example.com", role: "hr" });
    expect((await appErrorOf(() => updateUser(db, b, same("a@example.com"), actor))).status).toBe(409);
    expect(getUser(db, b)!.email).toBe("b@example.com");
  });
});

describe.concurrent("passwords of users", () => {
  const meta = { ip: null, userAgent: null };

  it("a reset issues a working one-time password, ends sessions and ends the account's sign-in wait", async () => {
    const db = memoryDb();
    const email = "r@example.com";
    const id = insertUser(db, { email, role: "hr", password: true });
    const token = createSession(db, id, meta);
    for (let i = 0; i < 5; i++) recordFailure(db, { account: email, address: null, device: null }, new Date());
    expect(waitUntil(db, { account: email, address: null, device: null }, new Date())).not.toBeNull();

    const otp = await resetPassword(db, id, actor);
    expect(otp).toMatch(/^[a-zA-Z2-9]{4}(-[a-zA-Z2-9]{4}){3}$/);
    expect(readSession(db, token)).toBeNull();
    expect(sessionCount(db, id)).toBe(0);
    expect(getUser(db, id)!.mustChangePassword).toBe(true);
    expect(waitUntil(db, { account: email, address: null, device: null }, new Date())).toBeNull();
    expect(auditOf(db, "user.password_reset")).toMatchObject([{ targetType: "user", targetId: String(id) }]);

    expect(await signIn(db, email, RIGHT, { ip: null })).toMatchObject({ ok: false, reason: "invalid" });
    expect(await signIn(db, email, otp, { ip: null })).toMatchObject({ ok: true, user: { id, mustChangePassword: true } });
  });

  it("changing one's own password needs the current one; other sessions end, the one in use stays", async () => {
    const db = memoryDb();
    const id = insertUser(db, { email: "c@example.com", role: "hr", password: true, mustChangePassword: true });
    const self: Actor = { userId: id, name: "c@example.com", ip: null };
    const mine = createSession(db, id, meta);
    const elsewhere = createSession(db, id, meta);
    const keepId = readSession(db, mine)!.sessionId;

    expect(await changeOwnPassword(db, id, "wrong pw", "next password 1", self, keepId)).toBe(false);
    expect(db.select().from(users).get()).toMatchObject({ passwordHash: RIGHT_HASH, mustChangePassword: true });
    expect(sessionCount(db, id)).toBe(2);
    expect(auditOf(db, "auth.password_changed")).toHaveLength(0);

    expect(await changeOwnPassword(db, id, RIGHT, "next password 1", self, keepId)).toBe(true);
    const after = db.select().from(users).get()!;
    expect(after.mustChangePassword).toBe(false);
    expect(after.passwordHash).not.toBe(RIGHT_HASH);
    expect(await verifyPassword("next password 1", after.passwordHash)).toBe(true);
    expect(readSession(db, mine)).not.toBeNull();
    expect(readSession(db, elsewhere)).toBeNull();
    expect(auditOf(db, "auth.password_changed")).toHaveLength(1);
  });
});

describe.concurrent("signing in", () => {
  const IP = "192.0.2.50";

  it("succeeds with the right password however the e-mail is typed, and records it", async () => {
    const db = memoryDb();
    const id = insertUser(db, { email: "ok@example.com", role: "hr", password: true });
    const r = await signIn(db, "  ＯＫ@Example.com ", RIGHT, { ip: IP });
    expect(r).toMatchObject({ ok: true, user: { id, email: "ok@example.com" } });
    const [entry] = auditOf(db, "auth.signed_in");
    expect(entry).toMatchObject({ userId: id, actor: "ok@example.com", ip: IP, targetType: "user", targetId: String(id) });
    expect(auditOf(db, "auth.sign_in_failed")).toHaveLength(0);
  });

  it("answers the same for an unknown e-mail and a wrong password, and records why", async () => {
    const db = memoryDb();
    const id = insertUser(db, { email: "known@example.com", role: "hr", password: true });
    const unknown = await signIn(db, "nobody@example.com", RIGHT, { ip: IP });
    const wrong = await signIn(db, "known@example.com", "wrong password", { ip: IP });
    expect(unknown).toEqual({ ok: false, reason: "invalid", retryAt: null });
    expect(wrong).toEqual({ ok: false, reason: "invalid", retryAt: null });
    const entries = auditOf(db, "auth.sign_in_failed");
    expect(entries.map((e) => [e.actor, e.userId, e.ip, detailOf(e).reason])).toEqual([
      ["nobody@example.com", null, IP, "unknown_user"],
      ["known@example.com", id, IP, "wrong_password"],
    ]);
    expect(auditOf(db, "auth.signed_in")).toHaveLength(0);
  });

  it("refuses a disabled user even with the right password, as invalid", async () => {
    const db = memoryDb();
    insertUser(db, { email: "gone@example.com", role: "hr", password: true, disabled: true });
    expect(await signIn(db, "gone@example.com", RIGHT, { ip: IP })).toEqual({ ok: false, reason: "invalid", retryAt: null });
    const [entry] = auditOf(db, "auth.sign_in_failed");
    expect(detailOf(entry)).toEqual({ reason: "disabled" });
    expect(auditOf(db, "auth.signed_in")).toHaveLength(0);
  });

  it("records when a wait starts, with the keys but never a device's hash", async () => {
    const db = memoryDb();
    const email = "slow@example.com";
    insertUser(db, { email, role: "hr", password: true });
    for (let i = 0; i < 4; i++) await signIn(db, email, `wrong ${i}`, { ip: IP }, () => T0);
    const [slowed] = auditOf(db, "auth.slowed");
    expect(detailOf(slowed)).toEqual({ keys: [`pair:${email}|${IP}`], waitMs: 1000 });
    const early = await signIn(db, email, RIGHT, { ip: IP }, () => T0);
    expect(early).toEqual({ ok: false, reason: "wait", retryAt: new Date(T0.getTime() + 1000).toISOString() });
    expect(detailOf(auditOf(db, "auth.sign_in_failed").at(-1)!)).toEqual({ reason: "wait", until: early.ok ? null : early.retryAt });
  });

});
