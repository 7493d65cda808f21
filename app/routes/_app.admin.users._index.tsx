import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { UserFields } from "~/components/UserFields";
import { OneTimePassword } from "~/components/ui/OneTimePassword";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { readForm } from "~/modules/http.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { readUserForm, userErrorToForm } from "~/modules/auth/user-form.server";
import { createUser, listUsers } from "~/modules/auth/users.server";
import { displayInstant } from "~/modules/incidents/dates";
import { listDepartments } from "~/modules/incidents/queries.server";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "users.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireUser(request, "users.manage");
  const db = getDb();
  return { users: listUsers(db), departments: listDepartments(db).map((d) => d.name), meId: me.id, messages: messages(request, ["users", "auth", "field", "incidentForm"]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireUser(request, "users.manage");
  const read = readUserForm(await readForm(request));
  if (!read.ok) return data({ ok: false as const, errors: read.errors, values: read.values }, { status: 422 });
  try {
    const { oneTimePassword } = await createUser(getDb(), read.fields, actorOf(me, context));
    return { ok: true as const, email: read.fields.email, oneTimePassword: oneTimePassword! };
  } catch (e) {
    const errors = userErrorToForm(e);
    if (errors) return data({ ok: false as const, errors, values: read.values }, { status: 422 });
    throw e;
  }
}

export default function UsersPage() {
  const { users, departments, meId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  return (
    <section>
      <h1>{t("users.title")}</h1>
      {result?.ok ? <OneTimePassword email={result.email} password={result.oneTimePassword} intro={t("users.created")} /> : null}
      <table className="grid-table">
        <thead>
          <tr>
            <th scope="col">{t("users.email")}</th>
            <th scope="col">{t("users.displayName")}</th>
            <th scope="col">{t("users.role")}</th>
            <th scope="col">{t("field.department")}</th>
            <th scope="col">{t("users.state")}</th>
            <th scope="col">{t("users.createdAt")}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} className={u.disabledAt ? "disabled" : undefined}>
              <td>
                <Link to={`/admin/users/${u.id}`}>{u.email}</Link>
                {u.id === meId ? <small className="muted"> ({t("users.you")})</small> : null}
              </td>
              <td>{u.displayName ?? ""}</td>
              <td>
                <span className={`role role-${u.role}`}>{t(`role.${u.role}`)}</span>
              </td>
              <td>{u.department ?? ""}</td>
              <td>
                {u.disabledAt
                  ? t("users.disabled")
                  : u.mustChangePassword
                    ? t("users.awaitingChange")
                    : t("users.active")}
              </td>
              <td>{displayInstant(u.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t("users.add")}</h2>
      <Form method="post" className="card stack" noValidate key={result?.ok ? result.email : "add"}>
        {result && !result.ok && result.errors._form ? (
          <p className="error-summary" role="alert">
            {t(result.errors._form.key)}
          </p>
        ) : null}
        <UserFields values={result && !result.ok ? result.values : {}} errors={result && !result.ok ? result.errors : {}} departments={departments} />
        <p className="hint">{t("users.addHint")}</p>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {t("users.addSubmit")}
          </button>
        </div>
      </Form>
    </section>
  );
}
