/**
 * What every loader, action and resource route calls first: who is signed in, and may they do this?
 * Signed out → 302 to /login (back here afterwards); a one-time password not yet changed → 302 to the password page;
 * not permitted → 403 with the Japanese forbidden page.
 */
import { redirect } from "@remix-run/node";
import { getDb } from "../db.server";
import { fail } from "../http.server";
import type { Actor } from "./audit.server";
import { can, canReachIncident, type Permission } from "./permissions";
import { readSession, sessionTokenOf, type SessionUser } from "./session.server";

/** What the HTTP server (scripts/server.ts) hands to every loader and action. */
export interface RequestContext {
  /** The client's address as express sees it (behind a proxy only when TRUST_PROXY says so). */
  clientIp?: string | null;
  /** The nonce of this response's Content-Security-Policy, for Remix's inline scripts. */
  cspNonce?: string;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RequestContext {}
}

// The root loader and the page's loader both ask for the same request; read the session once.
const perRequest = new WeakMap<Request, Promise<SessionUser | null>>();

export function currentUser(request: Request): Promise<SessionUser | null> {
  let found = perRequest.get(request);
  if (!found) {
    found = sessionTokenOf(request).then((token) => (token ? readSession(getDb(), token) : null));
    perRequest.set(request, found);
  }
  return found;
}

/** The page the user asked for, to come back to after signing in (never a `.data` request of single fetch). */
export function returnPathOf(request: Request): string {
  const url = new URL(request.url);
  url.searchParams.delete("_routes");
  const path = url.pathname.replace(/\.data$/, "").replace(/^\/_root$/, "/") || "/";
  const query = url.searchParams.toString();
  return query ? `${path}?${query}` : path;
}

export const PASSWORD_PAGE = "/account/password";

export async function requireUser(request: Request, permission?: Permission): Promise<SessionUser> {
  const user = await currentUser(request);
  if (!user) {
    const back = request.method === "GET" ? returnPathOf(request) : "/";
    throw redirect(back === "/" ? "/login" : `/login?returnTo=${encodeURIComponent(back)}`);
  }
  if (user.mustChangePassword && new URL(request.url).pathname.replace(/\.data$/, "") !== PASSWORD_PAGE) {
    throw redirect(PASSWORD_PAGE);
  }
  if (permission && !can(user, permission)) fail(403, "error.forbidden");
  return user;
}

/** 403 unless the user may reach this incident (a supervisor: their own department's only). */
export function requireIncidentAccess(user: SessionUser, incident: { departmentId: number | null }): void {
  if (!canReachIncident(user, incident)) fail(403, "error.forbiddenIncident");
}

export function clientIpOf(context: RequestContext | undefined): string | null {
  return context?.clientIp ?? null;
}

export function actorOf(user: SessionUser, context: RequestContext | undefined): Actor {
  return { userId: user.id, name: user.email, ip: clientIpOf(context) };
}
