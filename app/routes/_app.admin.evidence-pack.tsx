import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { TextField } from "~/components/ui/fields";
import { useT } from "~/i18n/use-t";
import { messages } from "~/i18n";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import { getDb } from "~/modules/db.server";
import type { FieldErrors } from "~/modules/forms";
import { invalidForm, readForm } from "~/modules/http.server";
import { fiscalYearOf, parsePeriod } from "~/modules/reports/periods";
import { todayInTokyo } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/settings/settings.server";
import { buildEvidencePack } from "~/modules/evidence-pack/pack.server";
import { hasForbiddenCharacters } from "~/modules/validation";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "pack.title" };

type PackField = "period" | "personalData";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, "registers.manage");
  const today = todayInTokyo();
  // The last fiscal year that has ended: what an inspection usually asks for.
  const lastFy = fiscalYearOf(today, getSettings(getDb()).fiscalYearStartMonth) - 1;
  return {
    defaultPeriod: `FY${lastFy}`,
    canPersonal: can(user, "evidencePack.personalData"),
    messages: messages(request, ["evidencePack", "incidentForm"]),
  };
}

/**
 * Builds the pack and answers with the ZIP (the form posts as a document, so the browser saves it); a period that
 * cannot be read, or personal data asked for by someone other than an admin, is the form's answer and builds nothing.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "registers.manage");
  const form = await readForm(request);
  const values: Record<PackField, string> = { period: String(form.get("period") ?? ""), personalData: String(form.get("personalData") ?? "") };
  const errors: FieldErrors = {};
  const db = getDb();
  const period = hasForbiddenCharacters(values.period) ? null : parsePeriod(values.period, getSettings(db).fiscalYearStartMonth);
  if (hasForbiddenCharacters(values.period)) errors.period = { key: "error.forbiddenCharacters" };
  else if (!period) errors.period = { key: "pack.badPeriod", params: { period: values.period.slice(0, 40) } };
  if (values.personalData !== "" && values.personalData !== "on") errors.personalData = { key: "pack.errors.personalData" };
  else if (values.personalData === "on" && !can(user, "evidencePack.personalData")) errors.personalData = { key: "pack.errors.adminOnly" };
  if (!period || Object.keys(errors).length) return invalidForm(errors, values, { key: "pack.errors.summary" });
  const pack = buildEvidencePack(db, period, { personalData: values.personalData === "on", actor: actorOf(user, context), today: todayInTokyo() });
  return new Response(pack.zip, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${pack.fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}

export default function EvidencePackPage() {
  const { defaultPeriod, canPersonal } = useLoaderData<typeof loader>();
  const { failed } = useActionResult<typeof action, Record<PackField, string>>();
  const { t } = useT();
  return (
    <section>
      <h1>{t("pack.title")}</h1>
      <p className="muted">{t("pack.intro")}</p>
      {/* A document post: the answer is a file the browser saves, not data for the page. */}
      <Form method="post" reloadDocument className="card stack" noValidate>
        {failed ? (
          <p className="error-summary" role="alert">
            {failed.summary}
          </p>
        ) : null}
        <TextField
          name="period"
          label={t("pack.period")}
          value={failed?.values?.period ?? defaultPeriod}
          error={failed?.fieldError("period")}
          hint={t("pack.periodHint")}
          required
          requiredLabel={t("form.required")}
        />
        {canPersonal ? (
          <div className="field">
            <label>
              <input
                type="checkbox"
                name="personalData"
                defaultChecked={failed?.values?.personalData === "on"}
                aria-describedby="personalData-hint"
              />{" "}
              {t("pack.personal")}
            </label>
            <p id="personalData-hint" className="hint">
              {t("pack.personalHint")}
            </p>
          </div>
        ) : null}
        {failed?.fieldError("personalData") ? (
          <p className="field-error" role="alert">
            {failed.fieldError("personalData")}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="primary">
            {t("pack.submit")}
          </button>
        </div>
      </Form>
    </section>
  );
}
