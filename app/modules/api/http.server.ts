/**
 * Every /api call goes through `handleApi` (docs/decisions/0031-json-api.md): the Bearer token (never a cookie), the
 * scope, the rate limit per token, one JSON error shape for every 4xx/5xx, and one audit entry per call (token, method,
 * path, status: never the body, the query or any personal text).
 */
import type { Db } from "../../../db/client.server";
import { DatabaseBusyError, isBusy } from "../../../db/busy.server";
import { translate, type MessageKey, type Params } from "~/i18n";
import { audit, type Actor } from "../auth/audit.server";
import { isAppError } from "../errors";
import type { FieldErrors } from "../errors";
import { getDb } from "../db.server";
import { todayInTokyo } from "../incidents/dates";
import type { ErrorCode } from "./schemas";
import { authenticate, type ApiCaller, type ApiScope } from "./tokens.server";

/** An answer of the API with its status and JSON body (an error answer too). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly key: MessageKey,
    readonly options: { params?: Params; fields?: FieldErrors; headers?: Record<string, string> } = {},
  ) {
    super(`${status} ${code}`);
  }
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });
}

export function errorBody(e: ApiError) {
  const fields = e.options.fields;
  return {
    error: {
      code: e.code,
      message: translate("ja", e.key, e.options.params),
      messageEn: translate("en", e.key, e.options.params),
      ...(fields && Object.keys(fields).length
        ? {
            fields: Object.fromEntries(
              Object.entries(fields).map(([f, m]) => [f, { code: m.key, message: translate("ja", m.key, m.params), messageEn: translate("en", m.key, m.params) }]),
            ),
          }
        : {}),
    },
  };
}

export function errorResponse(e: ApiError): Response {
  return jsonResponse(e.status, errorBody(e), e.options.headers);
}

const CODE_OF_STATUS: Record<number, [ErrorCode, MessageKey]> = {
  400: ["bad_request", "api.errors.badRequest"],
  401: ["unauthorized", "api.errors.unauthorized"],
  403: ["forbidden", "api.errors.forbidden"],
  404: ["not_found", "api.errors.notFound"],
  405: ["method_not_allowed", "api.errors.methodNotAllowed"],
  409: ["idempotency_conflict", "api.errors.idempotencyConflict"],
  422: ["validation_failed", "api.errors.validation"],
  429: ["rate_limited", "api.errors.rateLimited"],
  503: ["busy", "api.errors.busy"],
};

/** The ApiError of a status, with its default code and message. */
export function apiError(status: number, options: ApiError["options"] = {}, key?: MessageKey): ApiError {
  const [code, defaultKey] = CODE_OF_STATUS[status] ?? ["internal", "api.errors.internal"];
  return new ApiError(status, code, key ?? defaultKey, options);
}

/** Any error met while answering, as the API's error answer; the unexpected ones are logged. */
function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof DatabaseBusyError || isBusy(e)) return apiError(503, { headers: { "Retry-After": "5" } });
  if (isAppError(e)) {
    const fields = Object.keys(e.fieldErrors).length ? e.fieldErrors : undefined;
    // The message of a known error (a validation rule, a period the audience cannot have) is the module's own.
    if (e.status === 422) return new ApiError(422, "validation_failed", fields ? "api.errors.validation" : e.userMessage, { params: fields ? undefined : e.params, fields });
    return apiError(e.status, { fields });
  }
  console.error("api: unexpected error", e);
  return apiError(500);
}

// ---------- rate limit ----------

/** Requests per token per window; in-process (one server process serves the app, docs/decisions/0008). */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** A fixed window per token: simple, and its Retry-After is exact. */
export class RateLimiter {
  private windows = new Map<number, { start: number; count: number }>();
  constructor(private readonly config: RateLimit) {}

  /** null when the call may go on, else the seconds to wait. */
  take(tokenId: number, nowMs: number): number | null {
    let w = this.windows.get(tokenId);
    if (!w || nowMs - w.start >= this.config.windowMs) {
      w = { start: nowMs, count: 0 };
      this.windows.set(tokenId, w);
      if (this.windows.size > 10_000) this.prune(nowMs);
    }
    if (w.count >= this.config.limit) return Math.max(1, Math.ceil((w.start + this.config.windowMs - nowMs) / 1000));
    w.count++;
    return null;
  }

  private prune(nowMs: number) {
    for (const [id, w] of this.windows) if (nowMs - w.start >= this.config.windowMs) this.windows.delete(id);
  }
}

/** What the API reads from its surroundings; tests replace it (configureApi) to fix the clock and the limit. */
export interface ApiEnvironment {
  db: () => Db;
  now: () => Date;
  limiter: RateLimiter;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { limit: 120, windowMs: 60_000 };

const env: ApiEnvironment = { db: getDb, now: () => new Date(), limiter: new RateLimiter(DEFAULT_RATE_LIMIT) };

/** The database the API uses (the app's; a test's own under configureApi). */
export function apiDb(): Db {
  return env.db();
}

/** Replaces parts of the environment (tests); returns a function that puts the old ones back. */
export function configureApi(changes: Partial<ApiEnvironment>): () => void {
  const before = { ...env };
  Object.assign(env, changes);
  return () => Object.assign(env, before);
}

// ---------- the handler ----------

export interface ApiContext {
  db: Db;
  caller: ApiCaller;
  actor: Actor;
  now: Date;
  today: string;
  url: URL;
}

export interface ApiRouteOptions {
  /** The scope the call needs. */
  scope: ApiScope;
  run: (ctx: ApiContext) => Response | Promise<Response>;
}

/** The client's address as the HTTP server saw it (scripts/server.ts), for the audit entry. */
export function actorOfCaller(caller: ApiCaller, ip: string | null): Actor {
  return { userId: caller.user.id, name: `api:${caller.tokenId}:${caller.user.email}`, ip };
}

/** Answers one API call: authenticate, limit, check the scope, run, audit. Never throws. */
export async function handleApi(request: Request, ip: string | null, o: ApiRouteOptions): Promise<Response> {
  const url = new URL(request.url);
  const db = env.db();
  const now = env.now();
  const today = todayInTokyo(now);
  let caller: ApiCaller | null = null;
  let response: Response;
  try {
    caller = authenticate(db, request.headers.get("Authorization"), today);
    if (!caller) throw apiError(401, { headers: { "WWW-Authenticate": 'Bearer realm="api"' } });
    const wait = env.limiter.take(caller.tokenId, now.getTime());
    if (wait !== null) throw apiError(429, { headers: { "Retry-After": String(wait) } });
    if (!caller.scopes.includes(o.scope)) throw apiError(403);
    response = await o.run({ db, caller, actor: actorOfCaller(caller, ip), now, today, url });
  } catch (e) {
    response = errorResponse(asApiError(e));
  }
  auditCall(db, caller, ip, request.method, url.pathname, response.status);
  return response;
}

/** An answer without a token (the OpenAPI document, unknown paths, wrong methods): still audited. */
export async function handlePublic(request: Request, ip: string | null, run: () => Response | Promise<Response>): Promise<Response> {
  const url = new URL(request.url);
  let response: Response;
  try {
    response = await run();
  } catch (e) {
    response = errorResponse(asApiError(e));
  }
  const db = env.db();
  let caller: ApiCaller | null = null;
  try {
    caller = authenticate(db, request.headers.get("Authorization"), todayInTokyo(env.now()));
  } catch {
    // audited without the token
  }
  auditCall(db, caller, ip, request.method, url.pathname, response.status);
  return response;
}

function auditCall(db: Db, caller: ApiCaller | null, ip: string | null, method: string, path: string, status: number) {
  const actor: Actor = caller ? actorOfCaller(caller, ip) : { userId: null, name: "api:anonymous", ip };
  try {
    audit(db, actor, "api.called", caller ? { type: "api_token", id: caller.tokenId } : null, {
      tokenId: caller?.tokenId ?? null,
      method,
      // The path only: a query may carry searched text.
      path: path.slice(0, 300),
      status,
    });
  } catch (e) {
    // A busy database must not turn an answered call into a failure; the operator sees it in the log.
    console.error("api: the call could not be audited", e);
  }
}

/** 405 for a method a path does not answer. */
export function methodNotAllowed(allow: string): never {
  throw apiError(405, { headers: { Allow: allow } });
}

/** The request's JSON body, or 400. */
export async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^application\/json\b/i.test(type)) throw apiError(400, {}, "api.errors.badJson");
  try {
    return JSON.parse(await request.text());
  } catch {
    throw apiError(400, {}, "api.errors.badJson");
  }
}
