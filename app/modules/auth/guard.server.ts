/**
 * What every loader, action and resource route calls first: who is signed in, and may they do this?
 * Signed out → 302 to /login (back here afterwards; for a post, back to the form it came from, with word that the
 * session ended); a one-time password not yet changed → 302 to the password page; not permitted → 403 with the
 * Japanese forbidden page.
 */
import { redirect } from "@remix-run/node";
import { getDb } from "../db.server";
import { fail, safeReturnTo } from "../http.server";
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
  return pagePathOf(new URL(request.url));
}

function pagePathOf(url: URL): string {
  url.searchParams.delete("_routes");
  const path = url.pathname.replace(/\.data$/, "").replace(/^\/_root$/, "/") || "/";
  const query = url.searchParams.toString();
  return query ? `${path}?${query}` : path;
}

/**
 * The page of the form a post came from, to come back to after signing in: the Referer (a page of this site, as the
 * browser showed it), not the URL posted to, which may be an action of another route (`/incidents/1/delete`) or a
 * `.data` request. Without a usable Referer, the path posted to.
 */
export function formPageOf(request: Request): string {
  const referer = request.headers.get("Referer");
  if (referer) {
    try {
      const from = new URL(referer);
      if (from.origin === new URL(request.url).origin) return safeReturnTo(pagePathOf(from));
    } catch {
      // not a URL: fall through
    }
  }
  return safeReturnTo(returnPathOf(request));
}

/**
 * The sign-in page for a signed-out request: `returnTo` the page to come back to (checked again by the sign-in page),
 * `expired=1` when a session had ended — a post (a form was open, so its user had signed in) or a request that still
 * carries a session cookie the server no longer knows. The sign-in page then says so (docs/decisions/0024).
 */
export function signInPath(back: string, expired: boolean): string {
  const params = new URLSearchParams();
  if (back !== "/") params.set("returnTo", back);
  if (expired) params.set("expired", "1");
  const query = params.toString();
  return query ? `/login?${query}` : "/login";
}

export const PASSWORD_PAGE = "/account/password";

const READS = new Set(["GET", "HEAD"]);

export async function requireUser(request: Request, permission?: Permission): Promise<SessionUser> {
  const user = await currentUser(request);
  if (!user) {
    const post = !READS.has(request.method.toUpperCase());
    const back = post ? formPageOf(request) : returnPathOf(request);
    throw redirect(signInPath(back, post || (await sessionTokenOf(request)) !== null));
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
