import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { TextArea, TextField } from "~/components/ui/fields";
import { DraftKeeper } from "~/components/forms/DraftKeeper";
import { useT } from "~/i18n/use-t";
import { messages } from "~/i18n";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import { formStrings } from "~/modules/forms";
import { getDb } from "~/modules/db.server";
import { invalidForm, readForm } from "~/modules/http.server";
import { todayInTokyo } from "~/modules/incidents/dates";
import { POLICY_FIELDS, POLICY_NOTES_MAX, POLICY_TITLE_MAX, POLICY_URL_MAX, POLICY_VERSION_MAX, type PolicyField } from "~/modules/registers/policy";
import { addPolicyForm, listPolicies } from "~/modules/registers/policy.server";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "policy.title" };

/** Everyone signed in reads the policy register (G01: the policy is made known); HR and admins add versions. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, "dashboard.view");
  const policies = listPolicies(getDb())
    .reverse()
    .map(({ createdBy: _by, ...p }) => p);
  return {
    today: todayInTokyo(),
    canEdit: can(user, "registers.manage"),
    policies,
    messages: messages(request, ["evidencePack", "registers", "incidentForm"]),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "registers.manage");
  const form = await readForm(request);
  const result = addPolicyForm(getDb(), formStrings(form, POLICY_FIELDS), todayInTokyo(), actorOf(user, context));
  if (!result.ok) return invalidForm(result.errors, result.values, { key: "policy.errors.summary" });
  return { kind: "created" as const, id: result.id };
}

export default function PolicyPage() {
  const { policies, today, canEdit } = useLoaderData<typeof loader>();
  const { done: result, failed } = useActionResult<typeof action, Record<PolicyField, string>>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const value = (f: PolicyField) => failed?.values?.[f] ?? "";
  const err = (f: PolicyField) => failed?.fieldError(f);
  return (
    <section>
      <h1>{t("policy.title")}</h1>
      <p className="muted">{t("policy.intro")}</p>
      {result?.kind === "created" ? (
        <p className="flash" role="status">
          {t("policy.added")}
        </p>
      ) : null}

      <h2>{t("policy.list")}</h2>
      {policies.length === 0 ? (
        <p className="muted">{t("policy.empty")}</p>
      ) : (
        <table className="grid-table">
          <thead>
            <tr>
              <th scope="col">{t("policy.col.version")}</th>
              <th scope="col">{t("policy.col.title")}</th>
              <th scope="col">{t("policy.col.adoptedOn")}</th>
              <th scope="col">{t("policy.col.announcedOn")}</th>
              <th scope="col">{t("policy.col.places")}</th>
            </tr>
          </thead>
          <tbody>
            {policies.map((p) => (
              <tr key={p.id}>
                <td className="nowrap">{p.version}</td>
                <td>
                  {p.url ? (
                    <a href={p.url} target="_blank" rel="noopener noreferrer">
                      {p.title}
                    </a>
                  ) : (
                    p.title
                  )}
                  {p.notes ? (
                    <>
                      <br />
                      <small className="muted prose">{p.notes}</small>
                    </>
                  ) : null}
                </td>
                <td className="nowrap">{p.adoptedOn}</td>
                <td className="nowrap">{p.announcedOn ?? <span className="muted">{t("policy.notAnnounced")}</span>}</td>
                <td>{p.places.join("、")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {canEdit ? (
        <>
          <h2>{t("policy.add")}</h2>
          <Form method="post" className="card stack" noValidate key={result?.kind === "created" ? `created-${result.id}` : "add"}>
            <DraftKeeper />
            {failed ? (
              <p className="error-summary" role="alert">
                {failed.summary}
              </p>
            ) : null}
            <TextField
              name="title"
              maxLength={POLICY_TITLE_MAX}
              label={t("policy.field.title")}
              value={value("title")}
              error={err("title")}
              required
              requiredLabel={t("form.required")}
            />
            <div className="grid">
              <TextField
                name="version"
                maxLength={POLICY_VERSION_MAX}
                label={t("policy.field.version")}
                value={value("version")}
                error={err("version")}
                hint={t("policy.field.versionHint")}
                required
                requiredLabel={t("form.required")}
              />
              <TextField
                name="adoptedOn"
                type="date"
                max={today}
                label={t("policy.field.adoptedOn")}
                value={value("adoptedOn")}
                error={err("adoptedOn")}
                required
                requiredLabel={t("form.required")}
              />
              <TextField
                name="announcedOn"
                type="date"
                max={today}
                label={t("policy.field.announcedOn")}
                value={value("announcedOn")}
                error={err("announcedOn")}
                hint={t("policy.field.announcedOnHint")}
              />
            </div>
            <TextArea
              name="places"
              rows={3}
              label={t("policy.field.places")}
              value={value("places")}
              error={err("places")}
              hint={t("policy.field.placesHint")}
            />
            <TextField
              name="url"
              type="url"
              maxLength={POLICY_URL_MAX}
              label={t("policy.field.url")}
              value={value("url")}
              error={err("url")}
            />
            <TextArea name="notes" rows={2} maxLength={POLICY_NOTES_MAX} label={t("policy.field.notes")} value={value("notes")} error={err("notes")} />
            <div className="form-actions">
              <button type="submit" className="primary" disabled={busy}>
                {t("policy.addSubmit")}
              </button>
            </div>
          </Form>
        </>
      ) : (
        <p className="muted">{t("policy.readOnly")}</p>
      )}
    </section>
  );
}
