/**
 * API tokens (docs/decisions/0031-json-api.md): issued by an admin for one client system, acting as one user. The
 * secret (`kht_` + 32 random bytes, base64url) is returned once; only its SHA-256 is stored. A token's effective
 * scopes are those granted that its user's role still allows at the time of each call, so a token never does more
 * than its user could in the UI, even after the user's role changes.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client.server";
import { apiTokens, departments, users } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import { can, type Permission, type Role } from "../auth/permissions";
import { identityColumns, type UserIdentity } from "../auth/users.server";
import { shiftDay, yearsEarlier } from "../incidents/dates";
import { AppError } from "../errors";
import { msg, plainText } from "../validation";
import type { FieldErrors, Message } from "../errors";

import { API_SCOPES, type ApiScope } from "./scopes";

export { API_SCOPES, type ApiScope };

/** The UI permission a scope stands for: a scope is only effective while the token's user has it. */
export const SCOPE_PERMISSION: Record<ApiScope, Permission> = {
  "aggregates:read": "dashboard.view",
  "incidents:read": "incidents.read",
  "incidents:write": "incidents.write",
};

export const TOKEN_PREFIX = "kht_";

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** The scopes of `wanted` that a user of this role may hold. */
export function allowedScopes(role: Role, wanted: readonly ApiScope[]): ApiScope[] {
  return API_SCOPES.filter((s) => wanted.includes(s) && can({ role, departmentId: null }, SCOPE_PERMISSION[s]));
}

/** The last day a new token may run to: one year from today. */
export function maxExpiry(today: string): string {
  return yearsEarlier(today, -1);
}

export const issueTokenSchema = z.object({
  clientName: plainText().trim().min(1, { message: msg("api.errors.clientName") }).max(200, { message: msg("api.errors.clientName") }),
  userId: z.coerce.number({ message: msg("api.errors.user") }).int({ message: msg("api.errors.user") }).positive({ message: msg("api.errors.user") }),
  scopes: z.array(z.enum(API_SCOPES, { message: msg("api.errors.scopes") })).min(1, { message: msg("api.errors.scopes") }),
  expiresOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: msg("api.errors.expiry") }),
});
export type IssueTokenInput = z.infer<typeof issueTokenSchema>;

export class TokenInputError extends AppError {
  constructor(fieldErrors: FieldErrors) {
    super(422, "error.badRequest", { fieldErrors, logMessage: "api token input invalid" });
  }
}

/**
 * Issues a token; returns its id and the secret (shown once). Refuses scopes the user's role does not allow, an
 * inactive user, and an expiry that is not between tomorrow and one year from `today`.
 */
export function issueToken(db: Db, input: IssueTokenInput, actor: Actor, today: string): { id: number; secret: string } {
  const errors: Record<string, Message> = {};
  const user = db.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, input.userId)).get();
  if (!user || user.disabledAt !== null) errors.userId = { key: "api.errors.user" };
  else {
    const refused = input.scopes.filter((s) => !allowedScopes(user.role, [s]).length);
    if (refused.length) errors.scopes = { key: "api.errors.scopeNotAllowed", params: { scopes: refused.join(", ") } };
  }
  if (input.expiresOn <= today || input.expiresOn > maxExpiry(today)) errors.expiresOn = { key: "api.errors.expiry" };
  if (Object.keys(errors).length) throw new TokenInputError(errors);
  const secret = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const scopes = API_SCOPES.filter((s) => input.scopes.includes(s));
  return db.transaction(() => {
    const row = db
      .insert(apiTokens)
      .values({
        clientName: input.clientName,
        userId: input.userId,
        scopes: JSON.stringify(scopes),
        secretHash: hashSecret(secret),
        expiresOn: input.expiresOn,
        createdBy: actor.userId,
      })
      .returning({ id: apiTokens.id })
      .get();
    // Never the secret or its hash: the client, the user acted as, the scopes and the expiry.
    audit(db, actor, "api_token.issued", { type: "api_token", id: row.id }, { clientName: input.clientName, userId: input.userId, scopes, expiresOn: input.expiresOn });
    return { id: row.id, secret };
  });
}

/** Revokes a token (idempotent); false when there is no such token. */
export function revokeToken(db: Db, id: number, actor: Actor, now: Date = new Date()): boolean {
  return db.transaction(() => {
    const row = db.select({ revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.id, id)).get();
    if (!row) return false;
    if (row.revokedAt === null) {
      db.update(apiTokens).set({ revokedAt: now.toISOString() }).where(eq(apiTokens.id, id)).run();
      audit(db, actor, "api_token.revoked", { type: "api_token", id });
    }
    return true;
  });
}

export interface TokenView {
  id: number;
  clientName: string;
  user: string;
  role: Role;
  scopes: ApiScope[];
  expiresOn: string;
  createdAt: string;
  revokedAt: string | null;
  state: "active" | "revoked" | "expired";
}

export function listTokens(db: Db, today: string): TokenView[] {
  return db
    .select({ t: apiTokens, email: users.email, role: users.role })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .orderBy(desc(apiTokens.id))
    .all()
    .map(({ t, email, role }) => ({
      id: t.id,
      clientName: t.clientName,
      user: email,
      role,
      scopes: JSON.parse(t.scopes) as ApiScope[],
      expiresOn: t.expiresOn,
      createdAt: t.createdAt,
      revokedAt: t.revokedAt,
      state: t.revokedAt ? "revoked" : t.expiresOn < today ? "expired" : "active",
    }));
}

/** The users a token may act as: active ones. */
export function tokenUserChoices(db: Db): { id: number; label: string; role: Role }[] {
  return db
    .select({ id: users.id, email: users.email, role: users.role, department: departments.name })
    .from(users)
    .leftJoin(departments, eq(departments.id, users.departmentId))
    .where(isNull(users.disabledAt))
    .orderBy(users.email)
    .all()
    .map((u) => ({ id: u.id, role: u.role, label: u.department ? `${u.email} (${u.role}, ${u.department})` : `${u.email} (${u.role})` }));
}

/** Who calls: the token and its user as the permission checks see it, with the scopes in effect now. */
export interface ApiCaller {
  tokenId: number;
  clientName: string;
  user: UserIdentity;
  scopes: ApiScope[];
}

/** The caller of an `Authorization: Bearer` header, or null (no header, unknown, revoked, expired, user disabled). */
export function authenticate(db: Db, authorization: string | null, today: string): ApiCaller | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!m || !m[1]!.startsWith(TOKEN_PREFIX)) return null;
  const row = db
    .select({ t: apiTokens, identity: identityColumns, disabledAt: users.disabledAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(departments, eq(departments.id, users.departmentId))
    .where(and(eq(apiTokens.secretHash, hashSecret(m[1]!)), isNull(apiTokens.revokedAt)))
    .get();
  if (!row || row.disabledAt !== null || row.t.expiresOn < today) return null;
  const granted = JSON.parse(row.t.scopes) as ApiScope[];
  return {
    tokenId: row.t.id,
    clientName: row.t.clientName,
    user: row.identity as UserIdentity,
    scopes: allowedScopes(row.identity.role, granted),
  };
}
