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
import { audit, type Actor } from "./audit.server";
import { decoyHash, generateOneTimePassword, hashPassword, verifyPassword } from "./password.server";
import type { Role } from "./permissions";
import { normalizeEmail, type UserFields } from "./schema";
import { clearAccountFailures, lockedUntil, recordFailure } from "./throttle.server";

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

function departmentNameOf(db: Db, id: number | null): string | null {
  return id === null ? null : (db.select({ name: departments.name }).from(departments).where(eq(departments.id, id)).get()?.name ?? null);
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
    audit(db, actor, "user.created", { type: "user", id: row.id }, {
      email: fields.email, role: fields.role, department: departmentNameOf(db, departmentId),
    });
    return row.id;
  });
  return { id, oneTimePassword };
}

export interface UserChanges {
  fields: UserFields;
  disabled: boolean;
}

/** Changes a user's e-mail, name, role, department or disabled state; disabling ends their sessions. */
export function updateUser(db: Db, id: number, changes: UserChanges, actor: Actor): string[] {
  changes = { ...changes, fields: { ...changes.fields, email: normalizeEmail(changes.fields.email) } };
  return db.transaction(() => {
    const before = getUser(db, id);
    if (!before) throw new AppError(404, "auth.errors.userNotFound");
    if (emailTaken(db, changes.fields.email, id)) throw emailTakenError();
    if (actor.userId === id && (changes.disabled || changes.fields.role !== "admin")) {
      // An admin cannot lock themselves out; another admin has to do it.
      throw new AppError(422, "auth.errors.selfDemotion", { fieldErrors: { role: { key: "auth.errors.selfDemotion" } } });
    }
    const departmentId = departmentIdFor(db, changes.fields.department, "listed", before.departmentId);
    const disabledAt = changes.disabled ? (before.disabledAt ?? now()) : null;
    const diff: Record<string, [unknown, unknown]> = {};
    const compare = (name: string, a: unknown, b: unknown) => {
      if (a !== b) diff[name] = [a, b];
    };
    compare("email", before.email, changes.fields.email);
    compare("displayName", before.displayName, changes.fields.displayName);
    compare("role", before.role, changes.fields.role);
    compare("department", before.department, departmentNameOf(db, departmentId));
    compare("disabled", before.disabledAt !== null, changes.disabled);
    if (Object.keys(diff).length === 0) return [];
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
    if (diff.disabled || diff.role || diff.department) db.delete(sessions).where(eq(sessions.userId, id)).run();
    audit(db, actor, "user.updated", { type: "user", id }, { changes: diff });
    return Object.keys(diff);
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
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" | "locked"; lockedUntil: string | null; delayMs: number };

/**
 * Checks an e-mail and password, with the throttle of throttle.server.ts, and writes the audit entry. Unknown e-mail,
 * wrong password and disabled account give the same answer (and take the same time), so the form does not tell
 * which addresses have accounts.
 */
export async function signIn(
  db: Db,
  emailTyped: string,
  password: string,
  ip: string | null,
  clock: () => Date = () => new Date(),
): Promise<SignInResult> {
  const email = normalizeEmail(emailTyped).slice(0, 254);
  const keys = { account: email, address: ip };
  const actor: Actor = { userId: null, name: email || "(空)", ip };
  const lock = lockedUntil(db, keys, clock());
  if (lock) {
    audit(db, actor, "auth.sign_in_failed", null, { reason: "locked", until: lock });
    return { ok: false, reason: "locked", lockedUntil: lock, delayMs: 0 };
  }
  const user = db.select().from(users).where(eq(users.email, email)).get();
  const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (user && matches && user.disabledAt === null) {
    db.transaction(() => {
      clearAccountFailures(db, email);
      audit(db, { userId: user.id, name: user.email, ip }, "auth.signed_in", { type: "user", id: user.id });
    });
    return { ok: true, user };
  }
  const reason = !user ? "unknown_user" : user.disabledAt ? "disabled" : "wrong_password";
  const outcome = db.transaction(() => {
    const o = recordFailure(db, keys, clock());
    audit(db, { ...actor, userId: user?.id ?? null }, "auth.sign_in_failed", user ? { type: "user", id: user.id } : null, { reason });
    if (o.locked.length) audit(db, actor, "auth.locked", null, { keys: o.locked, until: o.lockedUntil });
    return o;
  });
  return outcome.lockedUntil
    ? { ok: false, reason: "locked", lockedUntil: outcome.lockedUntil, delayMs: outcome.delayMs }
    : { ok: false, reason: "invalid", lockedUntil: null, delayMs: outcome.delayMs };
}

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

