import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { UserFields } from "~/components/UserFields";
import { OneTimePassword } from "~/components/ui/OneTimePassword";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { formFailure, readForm, replyWithError } from "~/modules/http.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { readUserForm, type UserFormValues } from "~/modules/auth/user-form.server";
import { createUser, listUsers } from "~/modules/auth/users.server";
import { displayInstant } from "~/modules/incidents/dates";
import { departmentOptions } from "~/modules/departments/lookup.server";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";
import { DraftKeeper } from "~/components/forms/DraftKeeper";

export const handle: PageHandle = { titleKey: "users.title" };

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireUser(request, "users.manage");
  const db = getDb();
  return { users: listUsers(db), departments: departmentOptions(db), meId: me.id, messages: messages(request, ["users", "auth", "field", "incidentForm"]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireUser(request, "users.manage");
  const read = readUserForm(await readForm(request));
  if (!read.ok) return formFailure(read.reply);
  try {
    const { oneTimePassword } = await createUser(getDb(), read.data, actorOf(me, context));
    return { email: read.data.email, oneTimePassword: oneTimePassword! };
  } catch (e) {
    // A taken e-mail (409): the form is to be corrected (422).
    return replyWithError(e, read.values, 422);
  }
}

export default function UsersPage() {
  const { users, departments, meId } = useLoaderData<typeof loader>();
  const { done: created, failed } = useActionResult<typeof action, UserFormValues>();
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  return (
    <section>
      <h1>{t("users.title")}</h1>
      {created ? <OneTimePassword email={created.email} password={created.oneTimePassword} intro={t("users.created")} /> : null}
      <div className="table-wrap">
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
      </div>

      <h2>{t("users.add")}</h2>
      <Form method="post" className="card stack" noValidate key={created ? created.email : "add"}>
        <DraftKeeper />
        {failed?.summary ? (
          <p className="error-summary" role="alert">
            {failed.summary}
          </p>
        ) : null}
        <UserFields values={failed?.values ?? {}} errors={failed?.fieldErrors ?? {}} departments={departments} />
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
