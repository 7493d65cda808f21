import { type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TextField } from "~/components/ui/fields";
import { useT } from "~/i18n/use-t";
import { messages } from "~/i18n";
import { requireUser } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import { getDb } from "~/modules/db.server";
import { isPackError, packErrorMessage } from "~/modules/evidence-pack/request.server";
import { fiscalYearOf } from "~/modules/reports/periods";
import { todayInTokyo } from "~/modules/incidents/dates";
import { getSettings } from "~/modules/settings/settings.server";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "pack.title" };

/** The form; after a refused post (`_app.admin.evidence-pack[.]zip.ts`), with the reason and what was typed. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, "registers.manage");
  const url = new URL(request.url);
  const code = url.searchParams.get("error");
  const typed = url.searchParams.get("period");
  // The last fiscal year that has ended: what an inspection usually asks for.
  const lastFy = fiscalYearOf(todayInTokyo(), getSettings(getDb()).fiscalYearStartMonth) - 1;
  const error = isPackError(code) ? { on: code === "personalData" || code === "adminOnly" ? "personalData" : "period", message: packErrorMessage(code, typed ?? "") } : null;
  return {
    period: typed ?? `FY${lastFy}`,
    personalData: url.searchParams.get("personalData") === "on",
    error,
    canPersonal: can(user, "evidencePack.personalData"),
    messages: messages(request, ["evidencePack", "incidentForm"]),
  };
}

export default function EvidencePackPage() {
  const { period, personalData, error, canPersonal } = useLoaderData<typeof loader>();
  const { t } = useT();
  const message = error ? t(error.message.key, error.message.params) : undefined;
  return (
    <section>
      <h1>{t("pack.title")}</h1>
      <p className="muted">{t("pack.intro")}</p>
      {/* A plain document post: the answer is a file the browser saves. */}
      <form method="post" action="/admin/evidence-pack.zip" className="card stack" noValidate>
        {error ? (
          <p className="error-summary" role="alert">
            {t("pack.errors.summary")}
          </p>
        ) : null}
        <TextField
          name="period"
          label={t("pack.period")}
          value={period}
          error={error?.on === "period" ? message : undefined}
          hint={t("pack.periodHint")}
          required
          requiredLabel={t("form.required")}
        />
        {canPersonal ? (
          <div className="field">
            <label>
              <input type="checkbox" name="personalData" defaultChecked={personalData} aria-describedby="personalData-hint" /> {t("pack.personal")}
            </label>
            <p id="personalData-hint" className="hint">
              {t("pack.personalHint")}
            </p>
          </div>
        ) : null}
        {error?.on === "personalData" ? (
          <p className="field-error" role="alert">
            {message}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="primary">
            {t("pack.submit")}
          </button>
        </div>
      </form>
    </section>
  );
}
