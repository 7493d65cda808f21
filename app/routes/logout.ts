import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getDb } from "~/modules/db.server";
import { audit } from "~/modules/auth/audit.server";
import { actorOf, currentUser } from "~/modules/auth/guard.server";
import { clearedSessionCookieHeader, destroySession, sessionTokenOf } from "~/modules/auth/session.server";

/** Signing out ends the session on the server (its row is deleted), not only in the browser. */
export async function action({ request, context }: ActionFunctionArgs) {
  const db = getDb();
  const user = await currentUser(request);
  const token = await sessionTokenOf(request);
  if (token) destroySession(db, token);
  if (user) audit(db, actorOf(user, context), "auth.signed_out", { type: "user", id: user.id });
  return redirect("/login?signedOut=1", { headers: { "Set-Cookie": await clearedSessionCookieHeader(request) } });
}

/** Signing out is a POST (a link or an image cannot sign anyone out); a GET just goes to the start page. */
export async function loader() {
  return redirect("/");
}
