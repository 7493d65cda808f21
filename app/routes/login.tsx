import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
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
import type { FormReply } from "~/modules/forms";
import { createSession, destroySession, deviceCookieHeader, deviceTokenOf, sessionCookieHeader, sessionTokenOf } from "~/modules/auth/session.server";
import { signIn } from "~/modules/auth/users.server";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "login.title" };

/** A refused attempt's Retry-After reaches the page's response (Remix keeps an action's headers to itself). */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

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
  const result = await signIn(db, email, parsed.data.password, { ip, device: await deviceTokenOf(request) });
  if (!result.ok) {
    // No lock-out: failures make the next attempt wait longer (throttle.server.ts); the page says how long.
    const seconds = result.retryAt ? Math.max(1, Math.ceil((Date.parse(result.retryAt) - Date.now()) / 1000)) : 0;
    if (result.reason === "invalid" && !seconds) return refused("login.errors.invalid", email, 401);
    const inMinutes = seconds >= 120;
    const key = `login.errors.${result.reason === "wait" ? "wait" : "invalidWait"}${inMinutes ? "Minutes" : "Seconds"}` as const;
    const params: Params = inMinutes ? { minutes: Math.ceil(seconds / 60) } : { seconds };
    return refused(key, email, result.reason === "wait" ? 429 : 401, params, { "Retry-After": String(seconds) });
  }
  // A fresh session on every sign-in (no fixation); a session this browser still had is ended.
  const previous = await sessionTokenOf(request);
  if (previous) destroySession(db, previous);
  const token = createSession(db, result.user.id, { ip, userAgent: request.headers.get("User-Agent") });
  const target = result.user.mustChangePassword ? "/account/password" : returnTo;
  const headers = new Headers();
  headers.append("Set-Cookie", await sessionCookieHeader(token, request));
  headers.append("Set-Cookie", await deviceCookieHeader(result.deviceToken, request));
  return redirect(target, { headers });
}

/** A refused sign-in: the message, and the e-mail as typed (never the password). */
function refused(key: MessageKey, email: string, status: number, params?: Params, headers?: HeadersInit) {
  const reply: FormReply<{ email: string }> = { error: params ? { key, params } : { key }, fieldErrors: {}, values: { email } };
  return headers ? data(reply, { status, headers }) : formFailure(reply, status);
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
