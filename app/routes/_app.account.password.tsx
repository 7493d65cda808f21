import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useFormReply } from "~/components/ui/form-reply";
import { TextField } from "~/components/ui/fields";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { formFailure, invalidForm, readForm } from "~/modules/http.server";
import { formStrings, parseForm } from "~/modules/forms";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { changePasswordSchema, PASSWORD_MIN } from "~/modules/auth/schema";
import { changeOwnPassword } from "~/modules/auth/users.server";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "account.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { forced: user.mustChangePassword, email: user.email, changed: new URL(request.url).searchParams.get("changed") === "1", messages: messages(request, ["auth", "notifications"]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  // Passwords are not shown again: the reply carries no values.
  const parsed = parseForm(changePasswordSchema, undefined, { input: formStrings(form, ["current", "next", "confirm"] as const) });
  if (!parsed.ok) return formFailure(parsed.reply);
  const ok = await changeOwnPassword(getDb(), user.id, parsed.data.current, parsed.data.next, actorOf(user, context), user.sessionId);
  if (!ok) return invalidForm({ current: { key: "account.errors.wrongCurrent" } });
  return redirect(user.mustChangePassword ? "/?flash=passwordChanged" : "/account/password?changed=1");
}

export default function ChangePassword() {
  const { forced, email, changed } = useLoaderData<typeof loader>();
  const failed = useFormReply();
  const { t } = useT();
  const err = (f: string) => failed?.fieldError(f);
  return (
    <section className="auth-card">
      <h1>{t("account.title")}</h1>
      <p className="muted">{email}</p>
      {forced ? (
        <p className="notice" role="status">
          {t("account.mustChange")}
        </p>
      ) : null}
      {changed ? (
        <p className="flash" role="status">
          {t("account.changed")}
        </p>
      ) : null}
      <Form method="post" className="stack" noValidate>
        <TextField
          name="current"
          type="password"
          label={forced ? t("account.currentOneTime") : t("account.current")}
          error={err("current")}
          autoComplete="current-password"
          required
        />
        <TextField
          name="next"
          type="password"
          label={t("account.next")}
          hint={t("account.rule", { n: PASSWORD_MIN })}
          error={err("next")}
          autoComplete="new-password"
          required
        />
        <TextField name="confirm" type="password" label={t("account.confirm")} error={err("confirm")} autoComplete="new-password" required />
        <div className="form-actions">
          <button type="submit" className="primary">
            {t("account.submit")}
          </button>
        </div>
      </Form>
      {forced ? null : (
        <p>
          <Link to="/account/notifications">{t("notifications.settingsLink")}</Link>
        </p>
      )}
    </section>
  );
}
