import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { clearAllDrafts, draftKeptFor } from "~/components/forms/draft-storage";
import { useFormReply } from "~/components/ui/form-reply";
import { TextField } from "~/components/ui/fields";
import type { MessageKey, Params } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { formFailure, readForm, safeReturnTo } from "~/modules/http.server";
import { clientIpOf, currentUser } from "~/modules/auth/guard.server";
import { signInSchema } from "~/modules/auth/schema";
import { decodeMessage } from "~/modules/validation";
import { createSession, destroySession, sessionCookieHeader, sessionTokenOf } from "~/modules/auth/session.server";
import { signIn } from "~/modules/auth/users.server";
import { displayInstant } from "~/modules/incidents/dates";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "login.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const returnTo = safeReturnTo(url.searchParams.get("returnTo"), "/");
  if (await currentUser(request)) throw redirect(returnTo);
  return {
    returnTo,
    signedOut: url.searchParams.get("signedOut") === "1",
    expired: url.searchParams.get("expired") === "1",
    messages: messages(request, ["auth"]),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const returnTo = safeReturnTo(form.get("returnTo"), "/");
  const parsed = signInSchema.safeParse({ email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") });
  if (!parsed.success) {
    // No account has such an e-mail or password: garbled or control characters, or a page of text.
    const garbled = parsed.error.issues.some((i) => decodeMessage(i.message).key === "error.forbiddenCharacters");
    return refused(garbled ? "error.forbiddenCharacters" : "login.errors.invalid", "", 400);
  }
  const email = parsed.data.email;
  if (!email || !parsed.data.password) return refused("login.errors.missing", email, 400);
  const db = getDb();
  const ip = clientIpOf(context);
  const result = await signIn(db, email, parsed.data.password, ip);
  if (!result.ok) {
    // Slowing down repeated failures: the answer waits (the throttle decides how long).
    if (result.delayMs) await sleep(result.delayMs);
    if (result.reason !== "locked") return refused("login.errors.invalid", email, 401);
    const until = result.lockedUntil;
    return refused("login.errors.locked", email, 429, until ? { until: displayInstant(until) } : undefined);
  }
  // A fresh session on every sign-in (no fixation); a session this browser still had is ended.
  const previous = await sessionTokenOf(request);
  if (previous) destroySession(db, previous);
  const token = createSession(db, result.user.id, { ip, userAgent: request.headers.get("User-Agent") });
  const target = result.user.mustChangePassword ? "/account/password" : returnTo;
  return redirect(target, { headers: { "Set-Cookie": await sessionCookieHeader(token, request) } });
}

/** A refused sign-in: the message, and the e-mail as typed (never the password). */
function refused(key: MessageKey, email: string, status: number, params?: Params) {
  return formFailure({ error: params ? { key, params } : { key }, fieldErrors: {}, values: { email } }, status);
}

export default function Login() {
  const { returnTo, signedOut, expired } = useLoaderData<typeof loader>();
  const failed = useFormReply<{ email: string }>();
  const { t } = useT();
  const busy = useNavigation().state !== "idle";
  // Only this tab knows whether the form it came from kept what was typed (DraftKeeper, sessionStorage).
  const [draftKept, setDraftKept] = useState(false);
  useEffect(() => {
    if (signedOut) clearAllDrafts();
    setDraftKept(expired && draftKeptFor(new URL(returnTo, window.location.origin).pathname));
  }, [expired, signedOut, returnTo]);
  return (
    <section className="auth-card">
      <h1>{t("login.title")}</h1>
      <p className="muted">{t("app.tagline")}</p>
      {signedOut ? (
        <p className="flash" role="status">
          {t("login.signedOut")}
        </p>
      ) : null}
      {expired ? (
        <p className="notice" role="status">
          {t(draftKept ? "login.expiredDraftKept" : "login.expired")}
        </p>
      ) : null}
      {failed ? (
        <div className="error-summary" role="alert">
          <p>{failed.summary}</p>
        </div>
      ) : null}
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="returnTo" value={returnTo} />
        <TextField name="email" type="email" label={t("login.email")} value={failed?.values?.email ?? ""} autoComplete="username" required />
        <TextField name="password" type="password" label={t("login.password")} autoComplete="current-password" required />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {t("login.submit")}
          </button>
        </div>
      </Form>
      <p className="hint">{t("login.firstTime")}</p>
    </section>
  );
}
