/**
 * Users: adding, changing, disabling, passwords and signing in. Every change writes its audit entry in the same
 * transaction. The web pages and `npm run user` call these same functions.
 */
import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.server";
import { departments, sessions, users, type User } from "../../../db/schema";
import { IncidentWriter } from "../incidents/mutations.server";
import type { DepartmentEntry } from "../departments/lookup.server";
import { AppError } from "../errors";
import { checkVersion, type Comparable, type Versioned } from "../concurrency";
import { audit, type Actor } from "./audit.server";
import { decoyHash, generateOneTimePassword, hashPassword, verifyPassword } from "./password.server";
import type { Role } from "./permissions";
import { normalizeEmail, type UserFields } from "./schema";
import { clearAccountFailures, recordFailure, recordSuccess, waitUntil } from "./throttle.server";

/** Who a user is (identityColumns below). */

/** An e-mail another account has (409): shown beside the form's e-mail field. */
function emailTakenError(): AppError {
  return new AppError(409, "auth.errors.emailTaken", { fieldErrors: { email: { key: "auth.errors.emailTaken" } } });
}

export interface UserIdentity {
  id: number;
  email: string;
  displayName: string | null;
  role: Role;
  departmentId: number | null;
  department: string | null;
  mustChangePassword: boolean;
}

/** A user as the admin pages see one: never the password hash. */
export interface UserView extends UserIdentity {
  disabledAt: string | null;
  createdAt: string;
  passwordChangedAt: string;
  /** Moves on with every change (a password reset too): the edit form posts the one it was opened at. */
  version: number;
}

/** Who a user is, as the session and the pages need it (select from users left-joined to departments). */
export const identityColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  role: users.role,
  departmentId: users.departmentId,
  department: departments.name,
  mustChangePassword: users.mustChangePassword,
};

const viewColumns = {
  ...identityColumns,
  disabledAt: users.disabledAt,
  createdAt: users.createdAt,
  passwordChangedAt: users.passwordChangedAt,
  version: users.version,
};

export function listUsers(db: Db): UserView[] {
  return db
    .select(viewColumns)
    .from(users)
    .leftJoin(departments, eq(departments.id, users.departmentId))
    .orderBy(asc(users.disabledAt), asc(users.email))
    .all();
}

export function getUser(db: Db, id: number): UserView | null {
  return db.select(viewColumns).from(users).leftJoin(departments, eq(departments.id, users.departmentId)).where(eq(users.id, id)).get() ?? null;
}

export function countUsers(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(users).get()?.n ?? 0;
}

function emailTaken(db: Db, email: string, exceptId?: number): boolean {
  const where = exceptId === undefined ? eq(users.email, email) : and(eq(users.email, email), ne(users.id, exceptId));
  return !!db.select({ id: users.id }).from(users).where(where).get();
}

/**
 * A user's department by name, from the department master (names are normalised; a name merged away is its target):
 * `listed` (the admin pages) takes only an active department, or the user's own (`keep`) even if retired since, and
 * refuses any other name beside the field; `create` (`npm run user`) adds a name met for the first time.
 */
function departmentIdFor(db: Db, name: string | null, entry: DepartmentEntry, keep: number | null = null): number | null {
  if (!name) return null;
  try {
    return new IncidentWriter(db, { departments: entry, keepDepartmentId: keep }).departmentId(name);
  } catch (e) {
    if (e instanceof AppError && e.fieldErrors.department) {
      throw new AppError(422, "error.departmentNotListed", { fieldErrors: { department: e.fieldErrors.department } });
    }
    throw e;
  }
}

const now = () => new Date().toISOString();

/**
 * Adds a user. Without a password a one-time password is generated, which must be changed at first sign-in; it is
 * returned so the caller can show it once.
 */
export async function createUser(
  db: Db,
  fields: UserFields,
  actor: Actor,
  opts: { password?: string; mustChangePassword?: boolean; departments?: DepartmentEntry } = {},
): Promise<{ id: number; oneTimePassword: string | null }> {
  fields = { ...fields, email: normalizeEmail(fields.email) };
  const oneTimePassword = opts.password ? null : generateOneTimePassword();
  const passwordHash = await hashPassword(opts.password ?? oneTimePassword!);
  const id = db.transaction(() => {
    if (emailTaken(db, fields.email)) throw emailTakenError();
    const departmentId = departmentIdFor(db, fields.department, opts.departments ?? "listed");
    const row = db
      .insert(users)
      .values({
        email: fields.email,
        displayName: fields.displayName,
        role: fields.role,
        departmentId,
        passwordHash,
        mustChangePassword: opts.mustChangePassword ?? oneTimePassword !== null,
      })
      .returning({ id: users.id })
      .get();
    // Identifiers only (ADR 0005): the role's code and the department's id; the e-mail is the target user's own row.
    audit(db, actor, "user.created", { type: "user", id: row.id }, { role: fields.role, departmentId });
    return row.id;
  });
  return { id, oneTimePassword };
}

export interface UserChanges {
  fields: UserFields;
  disabled: boolean;
  /** The version of the user the form was opened at (undefined: from no form, e.g. `npm run user`). */
  version?: number;
}

/** A user as the edit form shows and compares it. */
export function userComparable(u: { email: string; displayName: string | null; role: string; department: string | null; disabled: boolean }): Comparable {
  return { email: normalizeEmail(u.email), displayName: u.displayName ?? "", role: u.role, department: u.department ?? "", disabled: u.disabled ? "yes" : "no" };
}

/** The user as stored now, for a stale form's conflict. */
export function storedUser(db: Db, id: number): Versioned {
  const u = getUser(db, id);
  if (!u) throw new AppError(404, "auth.errors.userNotFound");
  return { version: u.version, values: userComparable({ ...u, disabled: u.disabledAt !== null }) };
}

/**
 * Changes a user's e-mail, name, role, department or disabled state; disabling ends their sessions. A form opened at
 * another version than the stored one is refused (StaleVersion), even when it changes nothing.
 */
export function updateUser(db: Db, id: number, changes: UserChanges, actor: Actor): string[] {
  changes = { ...changes, fields: { ...changes.fields, email: normalizeEmail(changes.fields.email) } };
  return db.transaction(() => {
    const before = getUser(db, id);
    if (!before) throw new AppError(404, "auth.errors.userNotFound");
    checkVersion(before.version, changes.version);
    if (emailTaken(db, changes.fields.email, id)) throw emailTakenError();
    if (actor.userId === id && (changes.disabled || changes.fields.role !== "admin")) {
      // An admin cannot lock themselves out; another admin has to do it.
      throw new AppError(422, "auth.errors.selfDemotion", { fieldErrors: { role: { key: "auth.errors.selfDemotion" } } });
    }
    const departmentId = departmentIdFor(db, changes.fields.department, "listed", before.departmentId);
    const disabledAt = changes.disabled ? (before.disabledAt ?? now()) : null;
    // The audit entry holds identifiers (ADR 0005): codes, ids and flags with their before and after; the e-mail and
    // the name, which are the person's own, by field name only.
    const diff: Record<string, [unknown, unknown]> = {};
    const named: string[] = [];
    const compare = (name: string, a: unknown, b: unknown) => {
      if (a !== b) diff[name] = [a, b];
    };
    if (before.email !== changes.fields.email) named.push("email");
    if (before.displayName !== changes.fields.displayName) named.push("displayName");
    compare("role", before.role, changes.fields.role);
    compare("departmentId", before.departmentId, departmentId);
    compare("disabled", before.disabledAt !== null, changes.disabled);
    if (Object.keys(diff).length === 0 && named.length === 0) return [];
    db.update(users)
      .set({
        email: changes.fields.email,
        displayName: changes.fields.displayName,
        role: changes.fields.role,
        departmentId,
        disabledAt,
        updatedAt: now(),
      })
      .where(eq(users.id, id))
      .run();
    // A changed role or a disabled account takes effect at once, not at the next sign-in.
    if (diff.disabled || diff.role || diff.departmentId) db.delete(sessions).where(eq(sessions.userId, id)).run();
    audit(db, actor, "user.updated", { type: "user", id }, named.length ? { changes: diff, fields: named } : { changes: diff });
    return [...named, ...Object.keys(diff).map((f) => (f === "departmentId" ? "department" : f))];
  });
}

/** Issues a new one-time password (shown once), ends the user's sessions and lifts a lock on the account. */
export async function resetPassword(db: Db, id: number, actor: Actor): Promise<string> {
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  db.transaction(() => {
    const user = getUser(db, id);
    if (!user) throw new AppError(404, "auth.errors.userNotFound");
    db.update(users)
      .set({ passwordHash, mustChangePassword: true, passwordChangedAt: now(), updatedAt: now() })
      .where(eq(users.id, id))
      .run();
    db.delete(sessions).where(eq(sessions.userId, id)).run();
    clearAccountFailures(db, user.email);
    audit(db, actor, "user.password_reset", { type: "user", id });
  });
  return oneTimePassword;
}

/**
 * A user changes their own password: the current one must be right. Other sessions of the user end; the one in use
 * (`keepSessionId`) stays.
 */
export async function changeOwnPassword(
  db: Db,
  userId: number,
  current: string,
  next: string,
  actor: Actor,
  keepSessionId: string | null,
): Promise<boolean> {
  const row = db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, userId)).get();
  if (!row || !(await verifyPassword(current, row.hash))) return false;
  const passwordHash = await hashPassword(next);
  db.transaction(() => {
    db.update(users)
      .set({ passwordHash, mustChangePassword: false, passwordChangedAt: now(), updatedAt: now() })
      .where(eq(users.id, userId))
      .run();
    const others = keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId);
    db.delete(sessions).where(others).run();
    audit(db, actor, "auth.password_changed", { type: "user", id: userId });
  });
  return true;
}

export type SignInResult =
  | { ok: true; user: User; deviceToken: string }
  /** "wait": an attempt before the wait of earlier failures was over (its password was not checked). */
  | { ok: false; reason: "invalid" | "wait"; retryAt: string | null };

/** Where an attempt comes from: the client's address and the browser's device token (cookie), if any. */
export interface AttemptOrigin {
  ip: string | null;
  device?: string | null;
}

/**
 * Checks an e-mail and password, with the throttle of throttle.server.ts, and writes the audit entry. Unknown e-mail,
 * wrong password and disabled account give the same answer (and take the same time), so the form does not tell
 * which addresses have accounts.
 */
export async function signIn(
  db: Db,
  emailTyped: string,
  password: string,
  from: AttemptOrigin,
  clock: () => Date = () => new Date(),
): Promise<SignInResult> {
  const email = normalizeEmail(emailTyped).slice(0, 254);
  const { ip } = from;
  const keys = { account: email, address: ip, device: from.device ?? null };
  const actor: Actor = { userId: null, name: email || "(空)", ip };
  const waitFor = waitUntil(db, keys, clock());
  if (waitFor) {
    audit(db, actor, "auth.sign_in_failed", null, { reason: "wait", until: waitFor });
    return { ok: false, reason: "wait", retryAt: waitFor };
  }
  const user = db.select().from(users).where(eq(users.email, email)).get();
  const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (user && matches && user.disabledAt === null) {
    const deviceToken = db.transaction(() => {
      audit(db, { userId: user.id, name: user.email, ip }, "auth.signed_in", { type: "user", id: user.id });
      return recordSuccess(db, keys, clock());
    });
    return { ok: true, user, deviceToken };
  }
  const reason = !user ? "unknown_user" : user.disabledAt ? "disabled" : "wrong_password";
  const outcome = db.transaction(() => {
    const now = clock();
    const o = recordFailure(db, keys, now);
    audit(db, { ...actor, userId: user?.id ?? null }, "auth.sign_in_failed", user ? { type: "user", id: user.id } : null, { reason });
    if (o.slowed.length) audit(db, actor, "auth.slowed", null, { keys: o.slowed.map(auditableKey), waitMs: o.waitMs });
    return { ...o, retryAt: o.waitMs ? new Date(now.getTime() + o.waitMs).toISOString() : null };
  });
  return { ok: false, reason: "invalid", retryAt: outcome.retryAt };
}

/** A throttle key as the audit shows it: a device key is a hash of a secret, so only its kind is kept. */
const auditableKey = (key: string) => (key.startsWith("device:") ? "device" : key);

export const FIRST_ADMIN_EMAIL = "admin@example.com";

/**
 * On a database without users, creates the first admin with a one-time password (to print once). Returns null when
 * there are users already.
 */
export async function ensureFirstAdmin(
  db: Db,
  email: string = FIRST_ADMIN_EMAIL,
): Promise<{ email: string; oneTimePassword: string } | null> {
  if (countUsers(db) > 0) return null;
  const fields: UserFields = { email: normalizeEmail(email), displayName: null, role: "admin", department: null };
  const { oneTimePassword } = await createUser(db, fields, { userId: null, name: "system (first start)", ip: null });
  return { email: fields.email, oneTimePassword: oneTimePassword! };
}

