import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { SelectField, TextField } from "~/components/ui/fields";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { readForm } from "~/modules/http.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { formErrors, formStrings } from "~/modules/auth/schema";
import { displayInstant } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/incidents/queries.server";
import { SETTINGS_FIELDS, settingsSchema } from "~/modules/settings/schema";
import { updateSettings } from "~/modules/settings/settings.server";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "settings.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "settings.manage");
  return { settings: getSettings(getDb()), messages: messages(request, ["settings", "users", "auth"]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "settings.manage");
  const values = formStrings(await readForm(request), SETTINGS_FIELDS);
  const parsed = settingsSchema.safeParse(values);
  if (!parsed.success) return data({ ok: false as const, errors: formErrors(parsed.error), values }, { status: 422 });
  return { ok: true as const, changed: updateSettings(getDb(), parsed.data, actorOf(user, context)) };
}

export default function SettingsPage() {
  const { settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const failed = result && !result.ok ? result : null;
  const value = (f: (typeof SETTINGS_FIELDS)[number]) => failed?.values[f] ?? String(settings[f] ?? "");
  const err = (f: string) => (failed?.errors[f] ? t(failed.errors[f].key, failed.errors[f].params) : undefined);
  return (
    <section>
      <h1>{t("settings.title")}</h1>
      {result?.ok ? (
        <p className="flash" role="status">
          {result.changed.length ? t("settings.saved") : t("users.noChange")}
        </p>
      ) : null}
      <Form method="post" className="card stack" noValidate>
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
