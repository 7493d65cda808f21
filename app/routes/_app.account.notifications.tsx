import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useFormReply } from "~/components/ui/form-reply";
import { messages } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { requireUser } from "~/modules/auth/guard.server";
import { getDb } from "~/modules/db.server";
import { invalidForm, readForm } from "~/modules/http.server";
import { smtpConfigured } from "~/modules/notifications/mail-config.server";
import { mailPreference, setMailPreference } from "~/modules/notifications/notifications.server";
import { MAIL_PREFERENCES, mailPreferenceSchema } from "~/modules/notifications/preferences";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "notifications.prefs.title" };

/** The user's own choice of how notifications reach them by e-mail. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return {
    preference: mailPreference(getDb(), user.id),
    mailing: smtpConfigured(),
    saved: new URL(request.url).searchParams.get("saved") === "1",
    messages: messages(request, ["notifications"]),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = mailPreferenceSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return invalidForm({ notifyMail: { key: "notifications.errors.choose" } });
  setMailPreference(getDb(), user.id, parsed.data.notifyMail);
  return redirect("/account/notifications?saved=1");
}

export default function NotificationPreferences() {
  const { preference, mailing, saved } = useLoaderData<typeof loader>();
  const failed = useFormReply();
  const { t } = useT();
  const error = failed?.fieldError("notifyMail");
  return (
    <section className="auth-card notification-prefs">
      <h1>{t("notifications.prefs.title")}</h1>
      {saved ? (
        <p className="flash" role="status">
          {t("notifications.prefs.saved")}
        </p>
      ) : null}
      {mailing ? null : <p className="notice">{t("notifications.prefs.noSmtp")}</p>}
      <Form method="post" className="stack" noValidate>
        <fieldset aria-describedby={error ? "notifyMail-error" : undefined}>
          <legend>{t("notifications.prefs.legend")}</legend>
          {MAIL_PREFERENCES.map((p) => (
            <label key={p}>
              <input type="radio" name="notifyMail" value={p} defaultChecked={p === preference} />
              <span>{t(`notifications.prefs.${p}`)}</span>
            </label>
          ))}
          {error ? (
            <p id="notifyMail-error" className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="primary">
            {t("notifications.prefs.submit")}
          </button>
        </div>
      </Form>
      <p>
        <Link to="/notifications">{t("notifications.prefs.back")}</Link>
      </p>
    </section>
  );
}
