import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { SelectField, TextField } from "~/components/ui/fields";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { formFailure, readForm } from "~/modules/http.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { formStrings, parseForm } from "~/modules/forms";
import { displayInstant } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/settings/settings.server";
import { SETTINGS_FIELDS, settingsSchema } from "~/modules/settings/schema";
import { updateSettings } from "~/modules/settings/settings.server";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";
import { DraftKeeper } from "~/components/forms/DraftKeeper";

export const handle: PageHandle = { titleKey: "settings.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "settings.manage");
  // The disclosure key stays on the server: knowing it would tell which count hides to protect which.
  const { disclosureKey: _secret, ...settings } = getSettings(getDb());
  return { settings, messages: messages(request, ["settings", "users", "auth"]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "settings.manage");
  const values = formStrings(await readForm(request), SETTINGS_FIELDS);
  const parsed = parseForm(settingsSchema, values);
  if (!parsed.ok) return formFailure(parsed.reply);
  return { changed: updateSettings(getDb(), parsed.data, actorOf(user, context)) };
}

export default function SettingsPage() {
  const { settings } = useLoaderData<typeof loader>();
  const { done: saved, failed } = useActionResult<typeof action, Record<(typeof SETTINGS_FIELDS)[number], string>>();
  const { t } = useT();
  const value = (f: (typeof SETTINGS_FIELDS)[number]) => failed?.values?.[f] ?? String(settings[f] ?? "");
  const err = (f: string) => failed?.fieldError(f);
  return (
    <section>
      <h1>{t("settings.title")}</h1>
      {saved ? (
        <p className="flash" role="status">
          {saved.changed.length ? t("settings.saved") : t("users.noChange")}
        </p>
      ) : null}
      <Form method="post" className="card stack" noValidate>
        <DraftKeeper />
        <div className="grid">
          <SelectField
            name="fiscalYearStartMonth"
            label={t("settings.fiscalYearStartMonth")}
            value={value("fiscalYearStartMonth")}
            error={err("fiscalYearStartMonth")}
            hint={t("settings.fiscalYearStartMonthHint")}
            options={Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), label: t("settings.month", { n: i + 1 }) }))}
          />
          <TextField
            name="suppressionThreshold"
            type="number"
            min={1}
            max="20"
            label={t("settings.suppressionThreshold")}
            value={value("suppressionThreshold")}
            error={err("suppressionThreshold")}
            hint={t("settings.suppressionThresholdHint")}
          />
          <TextField
            name="nationalObligationDate"
            type="date"
            label={t("settings.nationalObligationDate")}
            value={value("nationalObligationDate")}
            error={err("nationalObligationDate")}
            hint={t("settings.nationalObligationDateHint")}
          />
          <TextField
            name="writtenReportDeadlineDays"
            type="number"
            min={0}
            max="365"
            label={t("settings.writtenReportDeadlineDays")}
            value={value("writtenReportDeadlineDays")}
            error={err("writtenReportDeadlineDays")}
            hint={t("settings.writtenReportDeadlineDaysHint")}
          />
          <TextField
            name="retentionYears"
            type="number"
            min={1}
            max="50"
            label={t("settings.retentionYears")}
            value={value("retentionYears")}
            error={err("retentionYears")}
            hint={t("settings.retentionYearsHint")}
          />
        </div>
        <p className="hint">{t("settings.updatedAt", { at: displayInstant(settings.updatedAt) })}</p>
        <div className="form-actions">
          <button type="submit" className="primary">
            {t("common.save")}
          </button>
        </div>
      </Form>
    </section>
  );
}
