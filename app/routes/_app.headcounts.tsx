import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { useT } from "~/i18n/use-t";
import { messages } from "~/i18n";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { getDb } from "~/modules/db.server";
import { formError, invalidForm, readForm } from "~/modules/http.server";
import { todayInTokyo } from "~/modules/incidents/dates";
import { cellName, parseFiscalYear } from "~/modules/registers/headcount-form";
import { headcountRows, saveHeadcounts } from "~/modules/registers/headcounts.server";
import { fiscalYearOf, parsePeriod, periodLabel } from "~/modules/reports/periods";
import { getSettings } from "~/modules/settings/settings.server";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "rates.register.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "registers.manage");
  const db = getDb();
  const fiscalStartMonth = getSettings(db).fiscalYearStartMonth;
  const asked = new URL(request.url).searchParams.get("fy");
  // A year that is not four digits shows the current one rather than an error page: the picker cannot post one.
  const fiscalYear = parseFiscalYear(asked) ?? fiscalYearOf(todayInTokyo(), fiscalStartMonth);
  return {
    fiscalYear,
    fiscalStartMonth,
    badYear: asked !== null && parseFiscalYear(asked) === null,
    rows: headcountRows(db, fiscalYear),
    messages: messages(request, ["rates"]),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "registers.manage");
  const form = await readForm(request);
  const fiscalYear = parseFiscalYear(String(form.get("fiscalYear") ?? ""));
  if (fiscalYear === null) return formError(400, { key: "rates.errors.badYear" });
  const cells: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (k.startsWith("hc_")) cells[k] = String(v);
  const result = saveHeadcounts(getDb(), fiscalYear, cells, actorOf(user, context));
  if (!result.ok) return invalidForm(result.errors, result.values, result.error ?? { key: "rates.errors.summary" });
  return { kind: "saved" as const, fiscalYear, changed: result.changed };
}

export default function HeadcountsPage() {
  const { fiscalYear, fiscalStartMonth, rows, badYear } = useLoaderData<typeof loader>();
  const { done, failed } = useActionResult<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t, lang } = useT();
  const label = (fy: number) => {
    const p = parsePeriod(`FY${fy}`, fiscalStartMonth);
    return p ? periodLabel(p, lang) : String(fy);
  };
  const value = (id: number, stored: number | null) => failed?.values?.[cellName(id)] ?? (stored === null ? "" : String(stored));
  const total = rows.reduce((s, r) => s + (r.headcount ?? 0), 0);
  const complete = rows.length > 0 && rows.every((r) => r.headcount !== null);
  return (
    <section>
      <h1>{t("rates.register.title")}</h1>
      <p className="muted">{t("rates.register.intro")}</p>
      {badYear ? (
        <p className="error-summary" role="alert">
          {t("rates.errors.badYear")}
        </p>
      ) : null}
      {done?.kind === "saved" ? (
        <p className="flash" role="status">
          {done.changed > 0 ? t("rates.register.saved", { n: done.changed }) : t("rates.register.noChange")}
        </p>
      ) : null}
      {failed?.summary ? (
        <p className="error-summary" role="alert">
          {failed.summary}
        </p>
      ) : null}

      <Form method="get" className="upload-form">
        <label htmlFor="fy">{t("rates.register.fiscalYear")}</label>
        <input id="fy" name="fy" type="number" inputMode="numeric" min={1900} max="2999" defaultValue={fiscalYear} key={fiscalYear} />
        <button type="submit" className="secondary">
          {t("rates.register.show")}
        </button>
        <Link to={`?fy=${fiscalYear - 1}`}>{t("rates.register.previousYear")}</Link>
        <Link to={`?fy=${fiscalYear + 1}`}>{t("rates.register.nextYear")}</Link>
      </Form>

      <h2>{label(fiscalYear)}</h2>
      {rows.length === 0 ? (
        <p className="muted">{t("rates.register.noDepartments")}</p>
      ) : (
        <Form method="post" noValidate key={`${fiscalYear}-${done?.kind === "saved" ? "saved" : "form"}`}>
          <input type="hidden" name="fiscalYear" value={fiscalYear} />
          <div className="table-scroll">
            <table className="grid-table">
              <thead>
                <tr>
                  <th scope="col">{t("rates.register.department")}</th>
                  <th scope="col" className="num">
                    {t("rates.register.previous")}
                  </th>
                  <th scope="col">{t("rates.register.headcount")}</th>
                  <th scope="col">{t("rates.register.lastUpdated")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const name = cellName(r.departmentId);
                  const error = failed?.fieldError(name);
                  return (
                    <tr key={r.departmentId}>
                      <th scope="row">
                        <label htmlFor={name}>{r.name}</label>
                        {r.retired ? <small className="muted">({t("rates.register.retired")})</small> : null}
                      </th>
                      <td className="num">{r.previous === null ? "—" : r.previous.toLocaleString("ja-JP")}</td>
                      <td>
                        <input
                          id={name}
                          name={name}
                          type="text"
                          inputMode="numeric"
                          size={8}
                          defaultValue={value(r.departmentId, r.headcount)}
                          required
                          aria-required
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? `${name}-error` : undefined}
                        />
                        {error ? (
                          <p id={`${name}-error`} className="field-error">
                            {error}
                          </p>
                        ) : null}
                      </td>
                      <td>
                        <small className="muted">{r.updatedAt ? `${r.updatedAt.slice(0, 10)}(${r.updatedBy ?? "—"})` : "—"}</small>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
              {complete ? (
                <tfoot>
                  <tr>
                    <th scope="row">{t("rates.register.total")}</th>
                    <td />
                    <td>{total.toLocaleString("ja-JP")}</td>
                    <td />
                  </tr>
                </tfoot>
              ) : null}
            </table>
          </div>
          <p>
            <button type="submit" disabled={busy}>
              {t("rates.register.save")}
            </button>
          </p>
        </Form>
      )}
    </section>
  );
}
